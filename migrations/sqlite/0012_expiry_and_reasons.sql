-- Pending requests expire (status 'expired', which the partner can ask again from), and a reject
-- may say why (reject_reason, one of core/connection.hpp's RejectReason, and reject_note, free
-- text), on the connection while it stays rejected and in its audit record (reason,
-- reason_note; hashed from chain version 3 on: store/audit_chain.hpp). SQLite cannot change a
-- CHECK constraint: the table is rebuilt in this migration's transaction.
CREATE TABLE connections_next (
  school_id              TEXT NOT NULL REFERENCES sites (id),
  app_id                 TEXT NOT NULL,
  status                 TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired')),
  permission_set_version INTEGER NOT NULL,
  revision               INTEGER NOT NULL,
  requested_at_ms        INTEGER NOT NULL,
  decided_at_ms          INTEGER,
  decided_by             TEXT,
  reject_reason          TEXT,
  reject_note            TEXT,
  PRIMARY KEY (school_id, app_id)
);
INSERT INTO connections_next (school_id, app_id, status, permission_set_version, revision,
                              requested_at_ms, decided_at_ms, decided_by)
  SELECT school_id, app_id, status, permission_set_version, revision, requested_at_ms,
         decided_at_ms, decided_by FROM connections;
DROP TABLE connections;
ALTER TABLE connections_next RENAME TO connections;
CREATE INDEX connections_by_status ON connections (school_id, status);
-- The expiry sweep: pending requests, oldest first.
CREATE INDEX connections_pending_since ON connections (status, requested_at_ms);
ALTER TABLE audit_log ADD COLUMN reason TEXT;
ALTER TABLE audit_log ADD COLUMN reason_note TEXT;
