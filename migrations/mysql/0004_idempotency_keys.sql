-- Idempotency keys of requests that must not run twice (bulk decisions): the same table as
-- migrations/sqlite/0004_idempotency_keys.sql. (0003 belongs to another branch; the runner
-- applies every version not yet recorded, so the gap is harmless.)
-- Every statement can run again after a failure part way (IF NOT EXISTS).

-- One row per (user, scope, key); see the SQLite file for the states. Keys are printable
-- ASCII of at most 255 characters (api/trust_routes.cpp); the response is JSON Canopy wrote.
CREATE TABLE IF NOT EXISTS idempotency_keys (
  user_id         BIGINT       NOT NULL,
  scope           VARCHAR(128) NOT NULL,
  idem_key        VARCHAR(255) NOT NULL,
  request_digest  VARCHAR(64)  NOT NULL,
  state           VARCHAR(8)   NOT NULL,
  claim_token     VARCHAR(64)  NOT NULL,
  response_status INT,
  response_body   MEDIUMTEXT,
  created_at_ms   BIGINT       NOT NULL,
  started_at_ms   BIGINT       NOT NULL,
  completed_at_ms BIGINT,
  PRIMARY KEY (user_id, scope, idem_key),
  CONSTRAINT idempotency_keys_state CHECK (state IN ('running', 'done')),
  CONSTRAINT idempotency_keys_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
