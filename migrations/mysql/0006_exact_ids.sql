-- Ids, statuses and emails compare exactly: byte for byte, trailing spaces included. Until now
-- the tables used utf8mb4_bin, a PAD SPACE collation, under which 'oakfield-primary ' equals
-- 'oakfield-primary': a padded id found a school, then served as a cache key and an audit
-- record's school that no change names. utf8mb4_nopad_bin compares like SQLite's
-- BINARY. Migrations 0001 to 0004 now create their tables with it, so on a new database this
-- changes nothing; it converts databases made before. MySQL 8 has no utf8mb4_nopad_bin: the migration runner writes utf8mb4_0900_bin, its
-- binary NO PAD collation, in its place there (store/db/mysql_database.cpp).
--
-- MariaDB will not change the collation of a column a foreign key joins, even with the checks
-- off, so the foreign keys between text columns (those to sites.id) are dropped, the tables
-- converted, and the keys added back; keys between BIGINT columns stay. Checks are off for this
-- session so adding a key back does not re-read every row: the rows met the same keys before.
-- The runner drops its connection when a migration fails, so the setting dies with it. Every
-- statement can run again after a failure part way: the runner takes "cannot drop, it does not
-- exist" (1091) and "duplicate foreign key name" (1826) for work an earlier run did.
SET SESSION foreign_key_checks = 0;
ALTER TABLE sites DROP FOREIGN KEY sites_trust;
ALTER TABLE users DROP FOREIGN KEY users_home_site;
ALTER TABLE connections DROP FOREIGN KEY connections_school;
ALTER TABLE site_terms DROP FOREIGN KEY site_terms_site;
ALTER TABLE terms_acceptances DROP FOREIGN KEY terms_acceptances_site;
ALTER TABLE notifications DROP FOREIGN KEY notifications_school;
ALTER TABLE sites CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE users CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE user_roles CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE connections CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE audit_log CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE sessions CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE login_history CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE partner_credentials CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE site_terms CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE terms_acceptances CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE notifications CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE notification_reads CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE audit_chain CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE audit_heads CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE idempotency_keys CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE schema_migrations CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE sites ADD CONSTRAINT sites_trust FOREIGN KEY (trust_id) REFERENCES sites (id);
ALTER TABLE users ADD CONSTRAINT users_home_site FOREIGN KEY (home_site) REFERENCES sites (id);
ALTER TABLE connections ADD CONSTRAINT connections_school FOREIGN KEY (school_id) REFERENCES sites (id);
ALTER TABLE site_terms ADD CONSTRAINT site_terms_site FOREIGN KEY (site_id) REFERENCES sites (id);
ALTER TABLE terms_acceptances ADD CONSTRAINT terms_acceptances_site FOREIGN KEY (site_id) REFERENCES sites (id);
ALTER TABLE notifications ADD CONSTRAINT notifications_school FOREIGN KEY (school_id) REFERENCES sites (id);
SET SESSION foreign_key_checks = 1;
