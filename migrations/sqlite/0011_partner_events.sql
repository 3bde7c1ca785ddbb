-- Partner events (store/events.hpp): the outbox every connection change writes to in the same
-- transaction as the change, and the log of every attempt to deliver one to the partner's
-- webhook endpoint. seq orders a partner's events for GET /partner/v1/events?after=; id is the
-- Standard Webhooks message id, the same on every attempt. body is the JSON payload exactly as
-- signed and sent. A replica delivering an event holds it by lease (lease_owner until
-- lease_until_ms); a lease that runs out (the replica died) lets another take it.
CREATE TABLE IF NOT EXISTS partner_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  app_id TEXT NOT NULL,
  school_id TEXT NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at_ms INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until_ms INTEGER,
  delivered_at_ms INTEGER,
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS partner_events_due ON partner_events (state, next_attempt_at_ms);
CREATE INDEX IF NOT EXISTS partner_events_by_app ON partner_events (app_id, seq);
CREATE INDEX IF NOT EXISTS partner_events_by_time ON partner_events (created_at_ms);
CREATE TABLE IF NOT EXISTS partner_event_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_seq INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  app_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  replica TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  status_code INTEGER,
  outcome TEXT NOT NULL,
  error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS partner_event_deliveries_by_event ON partner_event_deliveries (event_id, id);
CREATE INDEX IF NOT EXISTS partner_event_deliveries_by_app ON partner_event_deliveries (app_id, id);
CREATE INDEX IF NOT EXISTS partner_event_deliveries_by_time ON partner_event_deliveries (at_ms);
