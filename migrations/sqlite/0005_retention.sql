-- Retention: old sign-in attempts and idempotency keys are deleted in batches, oldest first
-- (store/retention.hpp); these indexes find them without reading the whole table.
CREATE INDEX IF NOT EXISTS login_history_by_time ON login_history (at_ms);
CREATE INDEX IF NOT EXISTS idempotency_keys_by_time ON idempotency_keys (created_at_ms);
