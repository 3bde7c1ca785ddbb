// GrantStore: the permission set each app version granted, as first recorded.
#include "store/db/statements.hpp"
#include "store/sql/sql_store.hpp"

namespace canopy::store {

std::vector<RecordedGrant> SqlStore::record_grants(const std::vector<RecordedGrant>& sets) {
  return db_->transact("record_grants", [&](db::Session& s) {
    // A version recorded before keeps its first grants: rows are never changed.
    auto insert = s.prepare(
        "INSERT INTO permission_grants (app_id, version, grants, recorded_at_ms)"
        " VALUES (?, ?, ?, ?)" +
        dialect_.on_conflict_do_nothing("app_id, version", "permission_grants.version"));
    for (const auto& g : sets) {
      insert->again()
          .bind(g.app_id)
          .bind(g.version)
          .bind(g.grants)
          .bind(to_unix_ms(g.recorded_at))
          .execute();
    }
    auto q = s.prepare(
        "SELECT app_id, version, grants, recorded_at_ms FROM permission_grants"
        " ORDER BY app_id, version");
    return db::all_rows(*q, [](const db::Statement& r) {
      return RecordedGrant{r.text(0), static_cast<int>(r.integer(1)), r.text(2),
                           from_unix_ms(r.integer(3))};
    });
  });
}

}  // namespace canopy::store
