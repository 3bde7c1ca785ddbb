-- Alternative connection links: the same as migrations/sqlite/0014_connect_links.sql.
CREATE TABLE IF NOT EXISTS connect_links (
  token_hash CHAR(64) NOT NULL PRIMARY KEY,
  app_id VARCHAR(64) NOT NULL,
  school_id VARCHAR(64) NOT NULL,
  redirect_uri VARCHAR(500) NOT NULL DEFAULT '',
  state VARCHAR(500) NOT NULL DEFAULT '',
  created_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  used_at_ms BIGINT NULL,
  used_by VARCHAR(254) NOT NULL DEFAULT '',
  KEY connect_links_by_expiry (expires_at_ms)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
