-- Deletion attestations: the same as migrations/sqlite/0013_deletion_attestations.sql.
CREATE TABLE IF NOT EXISTS deletion_attestations (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  school_id VARCHAR(64) NOT NULL,
  app_id VARCHAR(64) NOT NULL,
  requested_at_ms BIGINT NOT NULL,
  due_at_ms BIGINT NOT NULL,
  event_id VARCHAR(64) NOT NULL,
  attested_at_ms BIGINT NULL,
  note VARCHAR(1000) NOT NULL DEFAULT '',
  KEY deletion_attestations_by_pair (school_id, app_id, id),
  KEY deletion_attestations_open (attested_at_ms, due_at_ms)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
