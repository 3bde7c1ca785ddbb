// RevocationStore: the revocation epoch, and which replicas polled it when.
#include "store/db/statements.hpp"
#include "store/sql/sql_store.hpp"

namespace canopy::store {
namespace {

std::int64_t read_epoch(db::Session& s, std::string_view engine) {
  auto q = s.prepare("SELECT epoch FROM revocation_epoch WHERE id = 1");
  if (!q->next()) throw StoreError(std::string(engine) + ": the revocation epoch is missing");
  return q->integer(0);
}

}  // namespace

std::int64_t SqlStore::revocation_epoch() {
  return db_->read("revocation_epoch",
                   [&](db::Session& s) { return read_epoch(s, dialect_.name()); });
}

EpochPoll SqlStore::poll_epoch(std::string_view replica, TimePoint now, TimePoint absent_before,
                               TimePoint live_since) {
  return db_->transact("poll_epoch", [&](db::Session& s) {
    const auto at = to_unix_ms(now);
    // A replica last seen before `absent_before` starts a new run of polls. first_seen_ms is
    // assigned before seen_ms, so it compares with the old seen_ms on either engine.
    s.prepare("INSERT INTO cache_replicas (id, first_seen_ms, seen_ms) VALUES (?, ?, ?)" +
              dialect_.on_conflict_update("id") + "first_seen_ms = CASE WHEN seen_ms < ? THEN " +
              dialect_.excluded("first_seen_ms") + " ELSE first_seen_ms END, seen_ms = " +
              std::string(dialect_.greatest()) + "(seen_ms, " + dialect_.excluded("seen_ms") + ")")
        ->bind(replica)
        .bind(at)
        .bind(at)
        .bind(to_unix_ms(absent_before))
        .execute();
    EpochPoll poll;
    poll.epoch = read_epoch(s, dialect_.name());
    auto live = s.prepare("SELECT id FROM cache_replicas WHERE seen_ms >= ? ORDER BY id");
    live->bind(to_unix_ms(live_since));
    poll.live = db::all_rows(*live, [](const db::Statement& r) { return r.text(0); });
    return poll;
  });
}

std::vector<ReplicaPresence> SqlStore::replicas_seen(TimePoint since) {
  return db_->read("replicas_seen", [&](db::Session& s) {
    auto q = s.prepare(
        "SELECT id, first_seen_ms, seen_ms FROM cache_replicas WHERE seen_ms >= ? ORDER BY id");
    q->bind(to_unix_ms(since));
    return db::all_rows(*q, [](const db::Statement& r) {
      return ReplicaPresence{r.text(0), from_unix_ms(r.integer(1)), from_unix_ms(r.integer(2))};
    });
  });
}

void SqlStore::forget_replica(std::string_view replica) {
  db_->transact("forget_replica", [&](db::Session& s) {
    s.prepare("DELETE FROM cache_replicas WHERE id = ?")->bind(replica).execute();
  });
}

std::size_t SqlStore::forget_replicas_before(TimePoint before) {
  return db_->transact("forget_replicas_before", [&](db::Session& s) {
    return static_cast<std::size_t>(s.prepare("DELETE FROM cache_replicas WHERE seen_ms < ?")
                                        ->bind(to_unix_ms(before))
                                        .execute());
  });
}

}  // namespace canopy::store
