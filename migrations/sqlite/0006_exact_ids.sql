-- The MariaDB schema moves to a NO PAD collation in this version (migrations/mysql/0006); SQLite
-- already compares text byte for byte (BINARY), so nothing changes here. The version is kept
-- so both dialects report the same schema version.
SELECT 1;
