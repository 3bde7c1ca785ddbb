-- Partner events and their delivery log: the same as migrations/sqlite/0011_partner_events.sql.
CREATE TABLE IF NOT EXISTS partner_events (
  seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  id VARCHAR(64) NOT NULL,
  app_id VARCHAR(64) NOT NULL,
  school_id VARCHAR(64) NOT NULL,
  type VARCHAR(64) NOT NULL,
  body MEDIUMTEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  state VARCHAR(16) NOT NULL,
  attempts INT NOT NULL DEFAULT 0,
  next_attempt_at_ms BIGINT NOT NULL,
  lease_owner VARCHAR(64) NULL,
  lease_until_ms BIGINT NULL,
  delivered_at_ms BIGINT NULL,
  last_error VARCHAR(512) NOT NULL DEFAULT '',
  UNIQUE KEY partner_events_id (id),
  KEY partner_events_due (state, next_attempt_at_ms),
  KEY partner_events_by_app (app_id, seq),
  KEY partner_events_by_time (created_at_ms)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE TABLE IF NOT EXISTS partner_event_deliveries (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_seq BIGINT NOT NULL,
  event_id VARCHAR(64) NOT NULL,
  app_id VARCHAR(64) NOT NULL,
  attempt INT NOT NULL,
  replica VARCHAR(64) NOT NULL,
  at_ms BIGINT NOT NULL,
  duration_ms BIGINT NOT NULL,
  status_code INT NULL,
  outcome VARCHAR(16) NOT NULL,
  error VARCHAR(512) NOT NULL DEFAULT '',
  KEY partner_event_deliveries_by_event (event_id, id),
  KEY partner_event_deliveries_by_app (app_id, id),
  KEY partner_event_deliveries_by_time (at_ms)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
