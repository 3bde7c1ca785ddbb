-- The audit trail as one hash chain per school: the same tables as
-- migrations/sqlite/0003_audit_chain.sql. The chain lives beside audit_log, keyed by the
-- record's id, so no audit row is rewritten and no ALTER TABLE is needed (MySQL 8 has no
-- ADD COLUMN IF NOT EXISTS). Every statement can run again after a failure part way. The
-- store chains the rows written before this migration right after these statements.

-- One link per audit record: its place in its school's chain (1, 2, 3, ...), the hash of the
-- record before it ('' for the first) and its own hash (store/audit_chain.hpp). Deleting an
-- audit row deletes its link, which leaves a gap in the school's sequence.
CREATE TABLE IF NOT EXISTS audit_chain (
  audit_id  BIGINT      NOT NULL,
  school_id VARCHAR(64) NOT NULL,
  seq       BIGINT      NOT NULL,
  prev_hash VARCHAR(64) NOT NULL,
  hash      VARCHAR(64) NOT NULL,
  PRIMARY KEY (audit_id),
  UNIQUE KEY audit_chain_by_school (school_id, seq),
  CONSTRAINT audit_chain_seq CHECK (seq >= 1),
  CONSTRAINT audit_chain_record FOREIGN KEY (audit_id) REFERENCES audit_log (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Each school's newest link. Appending locks this row (SELECT ... FOR UPDATE) after the
-- connection row, so concurrent changes in one school take turns and form one chain.
CREATE TABLE IF NOT EXISTS audit_heads (
  school_id VARCHAR(64) NOT NULL,
  seq       BIGINT      NOT NULL,
  hash      VARCHAR(64) NOT NULL,
  audit_id  BIGINT      NOT NULL,
  PRIMARY KEY (school_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
