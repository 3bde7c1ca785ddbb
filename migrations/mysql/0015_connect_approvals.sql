-- The alternative connection's page: the same as migrations/sqlite/0015_connect_approvals.sql.
ALTER TABLE connect_links ADD COLUMN approver_user_id BIGINT NULL;
ALTER TABLE connect_links ADD COLUMN approver_ticket_hash CHAR(64) NOT NULL DEFAULT '';
ALTER TABLE connect_links ADD COLUMN approver_until_ms BIGINT NULL;
ALTER TABLE users ADD COLUMN sign_in VARCHAR(32) NOT NULL DEFAULT 'password';
CREATE TABLE IF NOT EXISTS school_visits (
  user_id BIGINT NOT NULL,
  school_id VARCHAR(64) NOT NULL,
  first_at_ms BIGINT NOT NULL,
  PRIMARY KEY (user_id, school_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
