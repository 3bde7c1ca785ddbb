-- Request expiry and reject reasons: the same as migrations/sqlite/0012_expiry_and_reasons.sql.
-- The CHECK is replaced in one statement, so a run that stopped part way repeats it whole.
ALTER TABLE connections DROP CONSTRAINT connections_status, ADD CONSTRAINT connections_status CHECK (status IN ('pending', 'approved', 'rejected', 'expired'));
ALTER TABLE connections ADD COLUMN reject_reason VARCHAR(32) NULL;
ALTER TABLE connections ADD COLUMN reject_note VARCHAR(1000) NULL;
CREATE INDEX connections_pending_since ON connections (status, requested_at_ms);
ALTER TABLE audit_log ADD COLUMN reason VARCHAR(32) NULL;
ALTER TABLE audit_log ADD COLUMN reason_note VARCHAR(1000) NULL;
