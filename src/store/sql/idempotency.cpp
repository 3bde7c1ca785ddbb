// IdempotencyStore: claims on the keys of requests that must not run twice, and their answers.
#include "store/db/statements.hpp"
#include "store/row_mapping.hpp"
#include "store/sql/sql_store.hpp"

namespace canopy::store {

IdempotencyOutcome SqlStore::claim_idempotency_key(const IdempotencyRecord& running,
                                                   TimePoint stale_before) {
  return db_->transact("claim_idempotency_key", [&](db::Session& s) {
    // Locked: two replicas taking over one stale claim take turns; the second sees the first's
    // fresh start and answers in_progress.
    auto find =
        s.prepare("SELECT " + std::string(rows::kIdempotencyColumns) +
                  " FROM idempotency_keys WHERE user_id = ? AND scope = ? AND idem_key = ?" +
                  std::string(dialect_.for_update()));
    find->bind(running.user_id).bind(running.scope).bind(running.key);
    if (find->next()) {
      IdempotencyOutcome out{rows::claim_against(rows::idempotency(*find), running, stale_before),
                             rows::idempotency(*find)};
      if (out.claim != IdempotencyClaim::claimed) return out;
      s.prepare(
           "UPDATE idempotency_keys SET claim_token = ?, started_at_ms = ?"
           " WHERE user_id = ? AND scope = ? AND idem_key = ?")
          ->bind(running.claim_token)
          .bind(to_unix_ms(running.started_at))
          .bind(running.user_id)
          .bind(running.scope)
          .bind(running.key)
          .execute();
      out.record.claim_token = running.claim_token;
      out.record.started_at = running.started_at;
      return out;
    }
    auto insert = s.prepare(
        "INSERT INTO idempotency_keys (user_id, scope, idem_key, request_digest, state,"
        " claim_token, created_at_ms, started_at_ms) VALUES (?, ?, ?, ?, 'running', ?, ?, ?)");
    insert->bind(running.user_id)
        .bind(running.scope)
        .bind(running.key)
        .bind(running.request_digest)
        .bind(running.claim_token)
        .bind(to_unix_ms(running.created_at))
        .bind(to_unix_ms(running.started_at));
    // A concurrent first use of the key won: look at theirs.
    if (!insert->execute_unless_duplicate()) throw db::RetryTransaction{};
    return IdempotencyOutcome{IdempotencyClaim::claimed, running};
  });
}

bool SqlStore::finish_claim(db::Session& s, const IdempotencyRecord& claim, int status,
                            const std::string& body, TimePoint at) {
  return s.prepare(
              "UPDATE idempotency_keys SET state = 'done', response_status = ?,"
              " response_body = ?, completed_at_ms = ? WHERE user_id = ? AND scope = ?"
              " AND idem_key = ? AND state = 'running' AND claim_token = ?")
             ->bind(status)
             .bind(body)
             .bind(to_unix_ms(at))
             .bind(claim.user_id)
             .bind(claim.scope)
             .bind(claim.key)
             .bind(claim.claim_token)
             .execute() > 0;
}

bool SqlStore::finish_idempotency_key(const IdempotencyRecord& claim, int status,
                                      const std::string& body, TimePoint at) {
  return db_->transact("finish_idempotency_key",
                       [&](db::Session& s) { return finish_claim(s, claim, status, body, at); });
}

void SqlStore::release_idempotency_key(const IdempotencyRecord& claim) {
  db_->transact("release_idempotency_key", [&](db::Session& s) {
    s.prepare(
         "DELETE FROM idempotency_keys WHERE user_id = ? AND scope = ? AND idem_key = ?"
         " AND state = 'running' AND claim_token = ?")
        ->bind(claim.user_id)
        .bind(claim.scope)
        .bind(claim.key)
        .bind(claim.claim_token)
        .execute();
  });
}

std::size_t SqlStore::delete_idempotency_keys_before(TimePoint cutoff, std::size_t limit) {
  return db_->transact("delete_idempotency_keys_before", [&](db::Session& s) {
    return static_cast<std::size_t>(
        s.prepare(dialect_.delete_oldest("idempotency_keys", "created_at_ms < ?", "created_at_ms"))
            ->bind(to_unix_ms(cutoff))
            .bind(db::limit_value(limit))
            .execute());
  });
}

}  // namespace canopy::store
