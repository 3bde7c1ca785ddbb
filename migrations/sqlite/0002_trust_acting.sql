-- Acting into schools through a trust (terms and conditions), and notifications for the
-- people who may act in a school.

-- Each site's current terms and conditions, from the tenant files. A site without a row has
-- version 1 and no title.
CREATE TABLE site_terms (
  site_id TEXT PRIMARY KEY REFERENCES sites (id),
  version INTEGER NOT NULL CHECK (version >= 1),
  title   TEXT NOT NULL
);

-- One row per user, site and terms version accepted; the row is the record of the acceptance.
CREATE TABLE terms_acceptances (
  user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  site_id        TEXT NOT NULL REFERENCES sites (id),
  version        INTEGER NOT NULL,
  title          TEXT NOT NULL,
  acting_site    TEXT NOT NULL,
  accepted_at_ms INTEGER NOT NULL,
  request_id     TEXT NOT NULL,
  PRIMARY KEY (user_id, site_id, version)
);

-- One row per event at a school; who may see it is decided when it is read.
CREATE TABLE notifications (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  school_id     TEXT NOT NULL REFERENCES sites (id),
  kind          TEXT NOT NULL CHECK (kind IN ('connection_requested')),
  app_id        TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  request_id    TEXT NOT NULL
);
CREATE INDEX notifications_by_school ON notifications (school_id, id);

-- Read state per user: a row means that user has read that notification.
CREATE TABLE notification_reads (
  user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  notification_id INTEGER NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
  read_at_ms      INTEGER NOT NULL,
  PRIMARY KEY (user_id, notification_id)
);
