-- Acting into schools through a trust (terms and conditions), and notifications for the
-- people who may act in a school: the same tables as migrations/sqlite/0002_trust_acting.sql.
-- Every statement can run again after a failure part way (IF NOT EXISTS).

-- Each site's current terms and conditions, from the tenant files. A site without a row has
-- version 1 and no title.
CREATE TABLE IF NOT EXISTS site_terms (
  site_id VARCHAR(64)  NOT NULL,
  version INT          NOT NULL,
  title   VARCHAR(255) NOT NULL,
  PRIMARY KEY (site_id),
  CONSTRAINT site_terms_version CHECK (version >= 1),
  CONSTRAINT site_terms_site FOREIGN KEY (site_id) REFERENCES sites (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- One row per user, site and terms version accepted; the row is the record of the acceptance.
CREATE TABLE IF NOT EXISTS terms_acceptances (
  user_id        BIGINT       NOT NULL,
  site_id        VARCHAR(64)  NOT NULL,
  version        INT          NOT NULL,
  title          VARCHAR(255) NOT NULL,
  acting_site    VARCHAR(64)  NOT NULL,
  accepted_at_ms BIGINT       NOT NULL,
  request_id     VARCHAR(128) NOT NULL,
  PRIMARY KEY (user_id, site_id, version),
  CONSTRAINT terms_acceptances_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT terms_acceptances_site FOREIGN KEY (site_id) REFERENCES sites (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- One row per event at a school; who may see it is decided when it is read.
CREATE TABLE IF NOT EXISTS notifications (
  id            BIGINT       NOT NULL AUTO_INCREMENT,
  school_id     VARCHAR(64)  NOT NULL,
  kind          VARCHAR(32)  NOT NULL,
  app_id        VARCHAR(64)  NOT NULL,
  created_at_ms BIGINT       NOT NULL,
  request_id    VARCHAR(128) NOT NULL,
  PRIMARY KEY (id),
  KEY notifications_by_school (school_id, id),
  CONSTRAINT notifications_kind CHECK (kind IN ('connection_requested')),
  CONSTRAINT notifications_school FOREIGN KEY (school_id) REFERENCES sites (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Read state per user: a row means that user has read that notification.
CREATE TABLE IF NOT EXISTS notification_reads (
  user_id         BIGINT NOT NULL,
  notification_id BIGINT NOT NULL,
  read_at_ms      BIGINT NOT NULL,
  PRIMARY KEY (user_id, notification_id),
  KEY notification_reads_by_notification (notification_id),
  CONSTRAINT notification_reads_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT notification_reads_notification FOREIGN KEY (notification_id)
    REFERENCES notifications (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
