-- Idempotency keys of requests that must not run twice (bulk decisions): the first answer is
-- kept and given again to a replay, across replicas. (0003 belongs to another branch; the
-- runner applies every version not yet recorded, so the gap is harmless.)

-- One row per (user, scope, key). `scope` names what the key is for (e.g. a trust's bulk
-- decisions). A row is `running` from the claim until the answer is stored (`done`); a running
-- row whose `started_at_ms` is old may be taken over (the process that claimed it died).
-- `claim_token` identifies the claimer, so only it can store the answer or give the key up.
CREATE TABLE idempotency_keys (
  user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  scope           TEXT NOT NULL,
  idem_key        TEXT NOT NULL,
  request_digest  TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('running', 'done')),
  claim_token     TEXT NOT NULL,
  response_status INTEGER,
  response_body   TEXT,
  created_at_ms   INTEGER NOT NULL,
  started_at_ms   INTEGER NOT NULL,
  completed_at_ms INTEGER,
  PRIMARY KEY (user_id, scope, idem_key)
);
