-- Sign-in throttling replaces the account lock (auth/throttle.hpp): the same change as
-- migrations/sqlite/0008_sign_in_throttling.sql. MySQL 8 has no CREATE INDEX IF NOT EXISTS:
-- when a run that stopped part way is repeated, the migration runner takes "duplicate key
-- name" (1061) for an index already made.
UPDATE users SET failed_attempts = 0, locked_until_ms = NULL;
DELETE FROM login_history WHERE user_id IS NULL;
CREATE INDEX login_history_by_email ON login_history (email(254), address(64), at_ms);
