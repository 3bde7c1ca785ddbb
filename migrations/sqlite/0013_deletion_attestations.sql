-- A partner whose approved connection is rejected is asked to delete the school's data and to
-- say it did (POST /partner/v1/connections/{school}/deletion-attestation) by due_at_ms. One row
-- per revocation (two in one millisecond too), written in the reject's transaction; attested_at_ms is set once, by the
-- partner.
CREATE TABLE IF NOT EXISTS deletion_attestations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  school_id TEXT NOT NULL,
  app_id TEXT NOT NULL,
  requested_at_ms INTEGER NOT NULL,
  due_at_ms INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  attested_at_ms INTEGER,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS deletion_attestations_by_pair ON deletion_attestations (school_id, app_id, id);
CREATE INDEX IF NOT EXISTS deletion_attestations_open ON deletion_attestations (attested_at_ms, due_at_ms);
