-- The permission set each app version granted, as first recorded: what
-- every school that approved that version approved. A connection's grant is the row of its
-- (app_id, permission_set_version). Rows are written by `canopy serve` when it loads or reloads
-- the policies (the current set and the earlier ones under history:), never changed, and a
-- policy file that gives a recorded version other grants is refused. grants is canonical JSON
-- (consent/grants.cpp).
CREATE TABLE IF NOT EXISTS permission_grants (
  app_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  grants TEXT NOT NULL,
  recorded_at_ms INTEGER NOT NULL,
  PRIMARY KEY (app_id, version)
);
