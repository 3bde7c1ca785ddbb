-- The audit trail as one hash chain per school. The chain lives beside audit_log, keyed by the
-- record's id, so no audit row is rewritten; the store appends a link in the transaction that
-- appends the record, and chains the rows written before this migration when it applies it.

-- One link per audit record: its place in its school's chain (1, 2, 3, ...), the hash of the
-- record before it ('' for the first) and its own hash (store/audit_chain.hpp).
CREATE TABLE audit_chain (
  audit_id  INTEGER PRIMARY KEY REFERENCES audit_log (id) ON DELETE CASCADE,
  school_id TEXT NOT NULL,
  seq       INTEGER NOT NULL CHECK (seq >= 1),
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL,
  UNIQUE (school_id, seq)
);

-- Each school's newest link. Appending reads and moves it in one transaction; on MySQL its row
-- lock is what makes concurrent changes in one school take turns.
CREATE TABLE audit_heads (
  school_id TEXT PRIMARY KEY,
  seq       INTEGER NOT NULL,
  hash      TEXT NOT NULL,
  audit_id  INTEGER NOT NULL
);
