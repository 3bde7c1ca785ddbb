-- Retention: old sign-in attempts and idempotency keys are deleted in batches, oldest first
-- (store/retention.hpp); these indexes find them without reading the whole table. The same
-- indexes as migrations/sqlite/0005_retention.sql. MySQL 8 has no CREATE INDEX IF NOT EXISTS:
-- when a run that stopped part way is repeated, the migration runner takes "duplicate key
-- name" (1061) for an index already made.
CREATE INDEX login_history_by_time ON login_history (at_ms);
CREATE INDEX idempotency_keys_by_time ON idempotency_keys (created_at_ms);
