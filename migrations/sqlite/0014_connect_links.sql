-- The alternative connection: a partner makes a one-time link for a school (POST
-- /partner/v1/connect-links), and a school user who opens it signs in with MIS credentials and
-- approves. Only the link token's digest is kept (BLAKE2b-256, hex): a leaked table opens no
-- link. used_at_ms is set once, by the approval that spends the link.
CREATE TABLE IF NOT EXISTS connect_links (
  token_hash TEXT PRIMARY KEY,
  app_id TEXT NOT NULL,
  school_id TEXT NOT NULL,
  redirect_uri TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT '',
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  used_at_ms INTEGER,
  used_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS connect_links_by_expiry ON connect_links (expires_at_ms);
