-- Canopy's first schema: sites, users, connections with their audit trail, sign-in state.
CREATE TABLE sites (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('school', 'trust')),
  trust_id   TEXT REFERENCES sites (id),
  urn        INTEGER,
  phase      TEXT,
  dummy      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE users (
  id              INTEGER PRIMARY KEY,
  email           TEXT NOT NULL UNIQUE,
  name            TEXT NOT NULL,
  home_site       TEXT NOT NULL REFERENCES sites (id),
  password_hash   TEXT,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until_ms INTEGER
);

CREATE TABLE user_roles (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role    TEXT NOT NULL,
  PRIMARY KEY (user_id, role)
);

CREATE TABLE connections (
  school_id              TEXT NOT NULL REFERENCES sites (id),
  app_id                 TEXT NOT NULL,
  status                 TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  permission_set_version INTEGER NOT NULL,
  revision               INTEGER NOT NULL,
  requested_at_ms        INTEGER NOT NULL,
  decided_at_ms          INTEGER,
  decided_by             TEXT,
  PRIMARY KEY (school_id, app_id)
);
CREATE INDEX connections_by_status ON connections (school_id, status);

CREATE TABLE audit_log (
  id                     INTEGER PRIMARY KEY AUTOINCREMENT,
  school_id              TEXT NOT NULL,
  app_id                 TEXT NOT NULL,
  actor_kind             TEXT NOT NULL CHECK (actor_kind IN ('user', 'partner', 'system')),
  actor                  TEXT NOT NULL,
  actor_site             TEXT NOT NULL,
  actor_role             TEXT NOT NULL,
  via_trust              INTEGER NOT NULL,
  action                 TEXT NOT NULL,
  from_status            TEXT,
  to_status              TEXT NOT NULL,
  permission_set_version INTEGER NOT NULL,
  at_ms                  INTEGER NOT NULL,
  request_id             TEXT NOT NULL
);
CREATE INDEX audit_by_school ON audit_log (school_id, id);

CREATE TABLE sessions (
  token_hash    TEXT PRIMARY KEY,
  user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL
);

CREATE TABLE login_history (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  email      TEXT NOT NULL,
  user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
  at_ms      INTEGER NOT NULL,
  address    TEXT NOT NULL,
  user_agent TEXT NOT NULL,
  outcome    TEXT NOT NULL
);
CREATE INDEX login_history_by_user ON login_history (user_id, id);

CREATE TABLE partner_credentials (
  app_id        TEXT PRIMARY KEY,
  secret_hash   TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
);
