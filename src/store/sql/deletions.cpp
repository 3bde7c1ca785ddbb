// DeletionStore: what partners were asked to delete after a revocation, and their attestations.
// ConnectionStore::apply writes the requests (connections.cpp, write_deletion_requests below).
#include <algorithm>
#include <tuple>

#include "store/db/statements.hpp"
#include "store/sql/sql_store.hpp"

namespace canopy::store {
namespace {

constexpr std::string_view kColumns =
    "school_id, app_id, requested_at_ms, due_at_ms, event_id, attested_at_ms, note, id";

DeletionRequest request_row(const db::Statement& r) {
  DeletionRequest d;
  d.school_id = r.text(0);
  d.app_id = r.text(1);
  d.requested_at = from_unix_ms(r.integer(2));
  d.due_at = from_unix_ms(r.integer(3));
  d.event_id = r.text(4);
  if (auto at = r.optional_integer(5)) d.attested_at = from_unix_ms(*at);
  d.note = r.text(6);
  d.id = r.integer(7);
  return d;
}

}  // namespace

void SqlStore::write_deletion_requests(db::Session& s,
                                       std::span<const AuditedChange* const> changes) {
  db::run_rows(s,
               "INSERT INTO deletion_attestations (school_id, app_id, requested_at_ms, due_at_ms,"
               " event_id) VALUES ",
               5, "", changes.size(), [&](db::Statement& q, std::size_t i) {
                 const ConnectionChange& c = changes[i]->change;
                 q.bind(c.school_id)
                     .bind(c.app_id)
                     .bind(to_unix_ms(c.at))
                     .bind(to_unix_ms(*c.deletion_due))
                     .bind(c.event ? std::string_view(c.event->id) : std::string_view());
               });
}

std::vector<DeletionRequest> SqlStore::deletion_requests(std::span<const std::string> schools,
                                                         bool open_only) {
  return db_->read("deletion_requests", [&](db::Session& s) {
    std::vector<std::string_view> ids(schools.begin(), schools.end());
    std::vector<DeletionRequest> out;
    db::select_in(s,
                  "SELECT " + std::string(kColumns) + " FROM deletion_attestations WHERE school_id",
                  ids, open_only ? " AND attested_at_ms IS NULL" : "",
                  [&](const db::Statement& r) { out.push_back(request_row(r)); });
    // Newest first: by time, then by id (two revocations in one millisecond).
    std::sort(out.begin(), out.end(), [](const DeletionRequest& a, const DeletionRequest& b) {
      return std::tie(b.requested_at, b.id) < std::tie(a.requested_at, a.id);
    });
    return out;
  });
}

std::optional<DeletionRequest> SqlStore::attest_deletion(std::string_view school,
                                                         std::string_view app, TimePoint at,
                                                         std::string_view note) {
  return db_->transact("attest_deletion", [&](db::Session& s) -> std::optional<DeletionRequest> {
    auto newest = s.prepare("SELECT " + std::string(kColumns) +
                            " FROM deletion_attestations WHERE school_id = ? AND app_id = ?"
                            " ORDER BY id DESC LIMIT 1" +
                            std::string(dialect_.for_update()));
    newest->bind(school).bind(app);
    if (!newest->next()) return std::nullopt;
    auto request = request_row(*newest);
    const std::int64_t id = newest->integer(7);
    if (request.attested_at) return request;
    auto q = s.prepare(
        "UPDATE deletion_attestations SET attested_at_ms = ?, note = ?"
        " WHERE id = ? AND attested_at_ms IS NULL");
    q->bind(to_unix_ms(at)).bind(note).bind(id).execute();
    request.attested_at = at;
    request.note = std::string(note);
    return request;
  });
}

}  // namespace canopy::store
