-- The revocation epoch (docs/design/revocation.md, "Revocation without Redis"): one number that a
-- reject which could not be held across replicas moves, in its own transaction. Every replica
-- polls it; a cached entry is trusted only under the epoch it was read in.
CREATE TABLE IF NOT EXISTS revocation_epoch (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  epoch INTEGER NOT NULL
);
INSERT OR IGNORE INTO revocation_epoch (id, epoch) VALUES (1, 1);

-- Every replica with --cache redis records each poll of the epoch: a reject made without Redis
-- checks that every replica that may be answering without the store knows of its maker.
CREATE TABLE IF NOT EXISTS cache_replicas (
  id TEXT PRIMARY KEY,
  first_seen_ms INTEGER NOT NULL,
  seen_ms INTEGER NOT NULL
);
