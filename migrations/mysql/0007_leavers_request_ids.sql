-- Leavers lose access, and audit records keep the client's request id beside the server's: the
-- same columns as migrations/sqlite/0007_leavers_request_ids.sql. Both are added at the end of
-- their table, which MariaDB 10.3+ and MySQL 8.0.12+ do in place (no table copy). MySQL 8 has
-- no ADD COLUMN IF NOT EXISTS: when a run that stopped part way is repeated, the migration
-- runner takes "duplicate column name" (1060) for a column already added.

-- When the user was disabled; NULL while they may sign in.
ALTER TABLE users ADD COLUMN disabled_at_ms BIGINT NULL;

-- What the client sent as X-Request-Id, kept as bytes (it is hostile input, validated at the
-- edge to printable ASCII of at most 128 bytes); NULL on records written before this migration.
ALTER TABLE audit_log ADD COLUMN client_request_id VARBINARY(128) NULL;
