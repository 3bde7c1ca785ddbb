-- Leavers lose access, and audit records keep the client's request id beside the server's.

-- When the user was disabled (canopy users disable, tenants import --prune); NULL while they may
-- sign in. A disabled user keeps their row, so the audit trail that names them stays whole;
-- disabling ends their sessions in the same transaction.
ALTER TABLE users ADD COLUMN disabled_at_ms INTEGER;

-- What the client sent as X-Request-Id (printable ASCII, at most 128 bytes; '' when it sent
-- none or something else), beside request_id, which is always the server's own. NULL on records
-- written before this migration: their hash is of the chain's first encoding, which has no such
-- field, so they verify as they always did (store/audit_chain.hpp).
ALTER TABLE audit_log ADD COLUMN client_request_id TEXT;
