-- Canopy's first schema for MariaDB / MySQL: the same tables as migrations/sqlite/0001_initial.sql.
-- MariaDB commits each DDL statement on its own, so a migration cannot be atomic: every
-- statement here can run again after a failure part way (IF NOT EXISTS).
-- The runner splits this file on ';' at the end of a line.
-- Ids, statuses and emails compare byte for byte, trailing spaces included
-- (utf8mb4_nopad_bin; until migration 0006 these files said utf8mb4_bin, a PAD SPACE collation,
-- and 0006 converts databases made then), as in SQLite: ids are case-sensitive and emails are
-- stored lower case by the callers.
-- Times are Unix milliseconds in BIGINT, as in SQLite. Ids are at most 64 characters
-- (policy/yaml_reader.cpp); emails at most 254 (RFC 5321).

CREATE TABLE IF NOT EXISTS sites (
  id         VARCHAR(64)  NOT NULL,
  name       VARCHAR(255) NOT NULL,
  kind       VARCHAR(8)   NOT NULL,
  trust_id   VARCHAR(64),
  urn        BIGINT,
  phase      VARCHAR(32),
  dummy      TINYINT(1)   NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  CONSTRAINT sites_kind CHECK (kind IN ('school', 'trust')),
  CONSTRAINT sites_trust FOREIGN KEY (trust_id) REFERENCES sites (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE IF NOT EXISTS users (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  email           VARCHAR(254) NOT NULL,
  name            VARCHAR(255) NOT NULL,
  home_site       VARCHAR(64)  NOT NULL,
  password_hash   VARCHAR(255),
  failed_attempts INT          NOT NULL DEFAULT 0,
  locked_until_ms BIGINT,
  PRIMARY KEY (id),
  UNIQUE KEY users_by_email (email),
  CONSTRAINT users_home_site FOREIGN KEY (home_site) REFERENCES sites (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE IF NOT EXISTS user_roles (
  user_id BIGINT      NOT NULL,
  role    VARCHAR(64) NOT NULL,
  PRIMARY KEY (user_id, role),
  CONSTRAINT user_roles_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- The primary key is the row every decision locks (MysqlStore::apply); the status index
-- serves the per-school lists, already in app order.
CREATE TABLE IF NOT EXISTS connections (
  school_id              VARCHAR(64)  NOT NULL,
  app_id                 VARCHAR(64)  NOT NULL,
  status                 VARCHAR(16)  NOT NULL,
  permission_set_version INT          NOT NULL,
  revision               BIGINT       NOT NULL,
  requested_at_ms        BIGINT       NOT NULL,
  decided_at_ms          BIGINT,
  decided_by             VARCHAR(254),
  PRIMARY KEY (school_id, app_id),
  KEY connections_by_status (school_id, status, app_id),
  CONSTRAINT connections_status CHECK (status IN ('pending', 'approved', 'rejected')),
  CONSTRAINT connections_school FOREIGN KEY (school_id) REFERENCES sites (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Rows are read in id order: for one connection that is the order of its changes, because
-- each change appends its row while holding the connection row's lock.
CREATE TABLE IF NOT EXISTS audit_log (
  id                     BIGINT       NOT NULL AUTO_INCREMENT,
  school_id              VARCHAR(64)  NOT NULL,
  app_id                 VARCHAR(64)  NOT NULL,
  actor_kind             VARCHAR(8)   NOT NULL,
  actor                  VARCHAR(254) NOT NULL,
  actor_site             VARCHAR(64)  NOT NULL,
  actor_role             VARCHAR(64)  NOT NULL,
  via_trust              TINYINT(1)   NOT NULL,
  action                 VARCHAR(32)  NOT NULL,
  from_status            VARCHAR(16),
  to_status              VARCHAR(16)  NOT NULL,
  permission_set_version INT          NOT NULL,
  at_ms                  BIGINT       NOT NULL,
  request_id             VARCHAR(128) NOT NULL,
  PRIMARY KEY (id),
  KEY audit_by_school (school_id, id),
  CONSTRAINT audit_actor_kind CHECK (actor_kind IN ('user', 'partner', 'system'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Token digests are hex; the expiry index keeps the periodic sweep from scanning every row.
CREATE TABLE IF NOT EXISTS sessions (
  token_hash    VARCHAR(128) NOT NULL,
  user_id       BIGINT       NOT NULL,
  created_at_ms BIGINT       NOT NULL,
  expires_at_ms BIGINT       NOT NULL,
  PRIMARY KEY (token_hash),
  KEY sessions_by_expiry (expires_at_ms),
  CONSTRAINT sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- email, address and user_agent are what a client sent (bounded by the sign-in code, but
-- not necessarily valid UTF-8), so they are kept as bytes: a hostile header must not turn
-- a sign-in into a database error.
CREATE TABLE IF NOT EXISTS login_history (
  id         BIGINT          NOT NULL AUTO_INCREMENT,
  email      VARBINARY(1024) NOT NULL,
  user_id    BIGINT,
  at_ms      BIGINT          NOT NULL,
  address    VARBINARY(1024) NOT NULL,
  user_agent VARBINARY(1024) NOT NULL,
  outcome    VARCHAR(32)     NOT NULL,
  PRIMARY KEY (id),
  KEY login_history_by_user (user_id, id),
  CONSTRAINT login_history_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE IF NOT EXISTS partner_credentials (
  app_id        VARCHAR(64)  NOT NULL,
  secret_hash   VARCHAR(255) NOT NULL,
  created_at_ms BIGINT       NOT NULL,
  PRIMARY KEY (app_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
