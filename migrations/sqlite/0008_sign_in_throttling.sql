-- Sign-in throttling replaces the account lock (auth/throttle.hpp). users.failed_attempts and
-- users.locked_until_ms are no longer read; they stay for older replicas during a rolling
-- upgrade, and every lock is lifted now. Failed attempts at unknown emails are no longer kept
-- (nobody's history, and the throttles live in memory): the ones kept so far go. An index
-- finds whether an address has signed into an account before (an account under attack lets
-- only those addresses try).
UPDATE users SET failed_attempts = 0, locked_until_ms = NULL;
DELETE FROM login_history WHERE user_id IS NULL;
CREATE INDEX IF NOT EXISTS login_history_by_email ON login_history (email, address, at_ms);
