-- The permission set each app version granted: the same as
-- migrations/sqlite/0010_permission_grants.sql.
CREATE TABLE IF NOT EXISTS permission_grants (
  app_id VARCHAR(64) NOT NULL,
  version INT NOT NULL,
  grants MEDIUMTEXT NOT NULL,
  recorded_at_ms BIGINT NOT NULL,
  PRIMARY KEY (app_id, version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
