-- One app's connections by school (GET /partner/v1/connections: a partner's schools, and
-- those whose approval its newer permission set leaves for review).
CREATE INDEX IF NOT EXISTS connections_by_app ON connections (app_id, school_id);
