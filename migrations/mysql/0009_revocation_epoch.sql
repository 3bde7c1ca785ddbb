-- The revocation epoch: the same as migrations/sqlite/0009_revocation_epoch.sql.
CREATE TABLE IF NOT EXISTS revocation_epoch (
  id INT NOT NULL PRIMARY KEY,
  epoch BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
INSERT IGNORE INTO revocation_epoch (id, epoch) VALUES (1, 1);
CREATE TABLE IF NOT EXISTS cache_replicas (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  first_seen_ms BIGINT NOT NULL,
  seen_ms BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
