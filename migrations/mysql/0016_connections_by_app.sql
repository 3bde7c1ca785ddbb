-- One app's connections by school: the same as migrations/sqlite/0016_connections_by_app.sql.
CREATE INDEX connections_by_app ON connections (app_id, school_id);
