// ConnectionStore: reading connections, and changing them with their audit records,
// notifications, partner events, idempotency answer and revocation epoch in one transaction.
#include <map>
#include <utility>

#include "store/db/statements.hpp"
#include "store/row_mapping.hpp"
#include "store/sql/sql_store.hpp"

namespace canopy::store {
namespace {

std::string select_connection() {
  return "SELECT " + std::string(rows::kConnectionColumns) +
         " FROM connections WHERE school_id = ? AND app_id = ?";
}

constexpr std::string_view kInsertNotification =
    "INSERT INTO notifications (school_id, kind, app_id, created_at_ms, request_id) VALUES ";

void bind_notification(db::Statement& q, const ConnectionChange& change, const AuditRecord& audit) {
  q.bind(change.school_id)
      .bind(to_string(*change.notify))
      .bind(change.app_id)
      .bind(to_unix_ms(change.at))
      .bind(audit.request_id);
}

// The last statements of a transaction that applies `changes`: the revocation epoch moves when
// one asks, and nothing commits after its deadline (COMMIT comes next).
void finish_transaction(db::Session& s, std::span<const AuditedChange> changes) {
  if (advances_epoch(changes))
    s.execute("UPDATE revocation_epoch SET epoch = epoch + 1 WHERE id = 1");
  check_commit_by(changes);
}

// A reject's reason and note, or two NULLs.
void bind_reason(db::Statement& q, const std::optional<RejectReason>& reason,
                 const std::string& note) {
  if (reason) {
    q.bind(to_string(*reason)).bind(note);
  } else {
    q.bind_null().bind_null();
  }
}

// Thrown out of a batch whose revision check failed: the transaction rolls back.
struct RevisionMoved {};

}  // namespace

std::optional<Connection> SqlStore::find_connection(std::string_view school, std::string_view app) {
  return db_->read("find_connection", [&](db::Session& s) -> std::optional<Connection> {
    auto q = s.prepare(select_connection());
    q->bind(school).bind(app);
    if (!q->next()) return std::nullopt;
    return rows::connection(*q);
  });
}

std::vector<Connection> SqlStore::list_connections(std::string_view school,
                                                   std::optional<ConnectionStatus> status) {
  return db_->read("list_connections", [&](db::Session& s) {
    auto q = s.prepare("SELECT " + std::string(rows::kConnectionColumns) +
                       " FROM connections WHERE school_id = ?" + (status ? " AND status = ?" : "") +
                       " ORDER BY app_id");
    q->bind(school);
    if (status) q->bind(to_string(*status));
    return db::all_rows(*q, [](const db::Statement& r) { return rows::connection(r); });
  });
}

std::vector<Connection> SqlStore::trust_connections(std::string_view trust_id) {
  return db_->read("trust_connections", [&](db::Session& s) {
    auto q = s.prepare("SELECT " + std::string(rows::kConnectionColumns) +
                       " FROM connections WHERE school_id IN"
                       " (SELECT id FROM sites WHERE trust_id = ? AND kind = 'school')"
                       " ORDER BY school_id, app_id");
    q->bind(trust_id);
    return db::all_rows(*q, [](const db::Statement& r) { return rows::connection(r); });
  });
}

std::vector<Connection> SqlStore::app_connections(std::string_view app_id,
                                                  const AppConnectionsQuery& query) {
  return db_->read("app_connections", [&](db::Session& s) {
    auto q = s.prepare(
        "SELECT " + std::string(rows::kConnectionColumns) +
        " FROM connections WHERE app_id = ? AND school_id > ?" +
        (query.status ? " AND status = ?" : "") +
        (query.approved_below ? " AND status = 'approved' AND permission_set_version < ?" : "") +
        " ORDER BY school_id LIMIT ?");
    q->bind(app_id).bind(query.after);
    if (query.status) q->bind(to_string(*query.status));
    if (query.approved_below) q->bind(*query.approved_below);
    q->bind(db::limit_value(query.limit));
    return db::all_rows(*q, [](const db::Statement& r) { return rows::connection(r); });
  });
}

std::vector<Connection> SqlStore::pending_requests_before(TimePoint cutoff, std::size_t limit) {
  return db_->read("pending_requests_before", [&](db::Session& s) {
    auto q = s.prepare("SELECT " + std::string(rows::kConnectionColumns) +
                       " FROM connections WHERE status = 'pending' AND requested_at_ms < ?"
                       " ORDER BY requested_at_ms LIMIT ?");
    q->bind(to_unix_ms(cutoff)).bind(db::limit_value(limit));
    return db::all_rows(*q, [](const db::Statement& r) { return rows::connection(r); });
  });
}

// Isolation on MariaDB: READ COMMITTED plus the revision check, not REPEATABLE READ. The check
// is the UPDATE's WHERE clause, and an InnoDB UPDATE is a locking read: it takes the row's
// exclusive lock and evaluates the WHERE on the newest committed version, whatever the
// isolation level. So when two admins decide at once, the second UPDATE waits for the first
// transaction, then sees revision N+1 instead of N and changes nothing: apply returns nullopt
// and the consent service decides again on fresh data. The audit row is inserted while the row
// lock is held, so its id is allocated after every earlier change of the same connection
// committed: audit ids follow the order of the changes. The insert path relies on the primary
// key the same way (a concurrent insert waits, then fails as a duplicate). REPEATABLE READ would
// add gap locks and snapshot reads that this needs for nothing. On SQLite the transaction holds
// the database's write lock from its start, which gives the same order.
std::optional<Connection> SqlStore::apply(const ConnectionChange& change,
                                          const AuditRecord& audit) {
  // Thrown inside the transaction, after the connection was written, to roll it back: the
  // link the change spends could not be spent.
  struct LinkNotSpent {};
  // Retrying after a lost connection re-runs the revision check, so a change can never be
  // applied (or audited) twice.
  try {
    return db_->transact("apply", [&](db::Session& s) -> std::optional<Connection> {
      if (change.expected_revision) {
        auto q =
            s.prepare(std::string("UPDATE connections SET status = ?, permission_set_version = ?,"
                                  " revision = revision + 1, reject_reason = ?, reject_note = ?") +
                      (change.is_decision ? ", decided_at_ms = ?, decided_by = ?" : "") +
                      (change.renews_request ? ", requested_at_ms = ?" : "") +
                      " WHERE school_id = ? AND app_id = ? AND revision = ?");
        q->bind(to_string(change.to)).bind(change.permission_set_version);
        bind_reason(*q, change.reject_reason, change.reject_note);
        if (change.is_decision) q->bind(to_unix_ms(change.at)).bind(change.decided_by);
        if (change.renews_request) q->bind(to_unix_ms(change.at));
        q->bind(change.school_id).bind(change.app_id).bind(*change.expected_revision);
        if (q->execute() == 0) return std::nullopt;
      } else {
        auto q = s.prepare(
            "INSERT INTO connections (school_id, app_id, status, permission_set_version,"
            " revision, requested_at_ms, decided_at_ms, decided_by, reject_reason, reject_note)"
            " VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?)");
        q->bind(change.school_id)
            .bind(change.app_id)
            .bind(to_string(change.to))
            .bind(change.permission_set_version)
            .bind(to_unix_ms(change.at));
        if (change.is_decision) {
          q->bind(to_unix_ms(change.at)).bind(change.decided_by);
        } else {
          q->bind_null().bind_null();
        }
        bind_reason(*q, change.reject_reason, change.reject_note);
        // The connection exists already: insert-if-absent writes nothing.
        if (!q->execute_unless_duplicate()) return std::nullopt;
      }
      if (change.spends_link && !spend_link(s, *change.spends_link)) throw LinkNotSpent{};
      const AuditRecord* records[] = {&audit};
      append_audits(s, records);
      if (change.notify) {
        auto q = s.prepare(std::string(kInsertNotification) + "(?, ?, ?, ?, ?)");
        bind_notification(*q, change, audit);
        q->execute();
      }
      const AuditedChange one{change, audit};
      const AuditedChange* just_one[] = {&one};
      if (change.event) write_events(s, just_one);
      if (change.deletion_due) write_deletion_requests(s, just_one);
      auto q = s.prepare(select_connection());
      q->bind(change.school_id).bind(change.app_id);
      if (!q->next()) {
        throw StoreError(std::string(dialect_.name()) +
                         ": connection vanished inside its own transaction");
      }
      auto written = rows::connection(*q);
      finish_transaction(s, std::span(&one, 1));
      return std::optional(std::move(written));
    });
  } catch (const LinkNotSpent&) {
    return std::nullopt;
  }
}

// The batch form of apply, built for thousands of changes: the rows are locked and their
// revisions checked with one SELECT ... FOR UPDATE per 1000 schools, written with one multi-row
// upsert per 1000 rows, audited and chained by append_audits, all in one transaction. Once
// locked and checked, no row can change under us; on MariaDB a pair that had no row is not
// locked (READ COMMITTED takes no gap locks), so the upsert's count of changed rows checks that
// too: a row inserted meanwhile by someone else shows as a mismatch.
std::optional<std::vector<Connection>> SqlStore::apply_all(std::span<const AuditedChange> changes,
                                                           const BatchAnswer* answer) {
  if (changes.empty() && answer == nullptr) return std::vector<Connection>{};
  try {
    return db_->transact("apply_all", [&](db::Session& s) {
      // Every row of the batch's schools, locked in key order. Locking whole schools, not just
      // the batch's pairs, costs a few rows more but finds them by a short range per school: a
      // 1000-pair (school_id, app_id) IN list took 30 ms per statement on MariaDB 10.11.
      const auto schools = db::distinct_sorted(
          changes,
          [](const AuditedChange& item) -> std::string_view { return item.change.school_id; });
      std::map<std::pair<std::string, std::string>, Connection, std::less<>> current;
      db::select_in(
          s,
          "SELECT " + std::string(rows::kConnectionColumns) + " FROM connections WHERE school_id",
          schools, " ORDER BY school_id, app_id" + std::string(dialect_.for_update()),
          [&](const db::Statement& r) {
            auto row = rows::connection(r);
            current.emplace(std::pair(row.school_id, row.app_id), std::move(row));
          });
      std::vector<Connection> out;
      out.reserve(changes.size());
      std::int64_t inserted = 0;
      std::int64_t updated = 0;
      for (const auto& [change, audit] : changes) {
        const auto it = current.find(std::pair(change.school_id, change.app_id));
        Connection next;
        if (change.expected_revision) {
          if (it == current.end() || it->second.revision != *change.expected_revision)
            throw RevisionMoved{};
          next = it->second;
          next.revision += 1;
          ++updated;
        } else {
          if (it != current.end()) throw RevisionMoved{};
          next = Connection{.school_id = change.school_id,
                            .app_id = change.app_id,
                            .revision = 1,
                            .requested_at = change.at};
          ++inserted;
        }
        next.status = change.to;
        next.permission_set_version = change.permission_set_version;
        next.reject_reason = change.reject_reason;
        next.reject_note = change.reject_reason ? change.reject_note : "";
        if (change.renews_request) next.requested_at = change.at;
        if (change.is_decision) {
          next.decided_at = change.at;
          next.decided_by = change.decided_by;
        }
        out.push_back(std::move(next));
      }
      const auto written = db::run_rows(
          s,
          "INSERT INTO connections (school_id, app_id, status, permission_set_version, revision,"
          " requested_at_ms, decided_at_ms, decided_by, reject_reason, reject_note) VALUES ",
          10,
          dialect_.upsert("school_id, app_id",
                          {"status", "permission_set_version", "revision", "requested_at_ms",
                           "decided_at_ms", "decided_by", "reject_reason", "reject_note"}),
          out.size(), [&](db::Statement& q, std::size_t i) {
            const Connection& n = out[i];
            q.bind(n.school_id)
                .bind(n.app_id)
                .bind(to_string(n.status))
                .bind(n.permission_set_version)
                .bind(n.revision)
                .bind(to_unix_ms(n.requested_at))
                .bind(n.decided_at ? std::optional(to_unix_ms(*n.decided_at)) : std::nullopt);
            if (n.decided_at) {
              q.bind(n.decided_by);
            } else {
              q.bind_null();
            }
            bind_reason(q, n.reject_reason, n.reject_note);
          });
      if (written != dialect_.upserted_rows(inserted, updated)) throw RevisionMoved{};
      std::vector<const AuditRecord*> records;
      records.reserve(changes.size());
      for (const auto& item : changes)
        records.push_back(&item.audit);
      append_audits(s, records);
      std::vector<const AuditedChange*> notifying;
      for (const auto& item : changes) {
        if (item.change.notify) notifying.push_back(&item);
      }
      db::run_rows(s, kInsertNotification, 5, "", notifying.size(),
                   [&](db::Statement& q, std::size_t i) {
                     bind_notification(q, notifying[i]->change, notifying[i]->audit);
                   });
      std::vector<const AuditedChange*> telling;
      for (const auto& item : changes) {
        if (item.change.event) telling.push_back(&item);
      }
      write_events(s, telling);
      std::vector<const AuditedChange*> revoking;
      for (const auto& item : changes) {
        if (item.change.deletion_due) revoking.push_back(&item);
      }
      write_deletion_requests(s, revoking);
      if (answer != nullptr) {
        const auto [status, body] = answer->encode(out);
        if (!finish_claim(s, answer->claim, status, body, answer->at)) throw RevisionMoved{};
      }
      finish_transaction(s, changes);
      return std::optional(std::move(out));
    });
  } catch (const RevisionMoved&) {
    return std::nullopt;
  }
}

}  // namespace canopy::store

namespace canopy::store {

std::optional<std::vector<Connection>> SqlStore::go_live(std::string_view school_id,
                                                         const GoLiveRecords& tell) {
  return db_->transact("go_live", [&](db::Session& s) -> std::optional<std::vector<Connection>> {
    auto live =
        s.prepare("UPDATE sites SET dummy = 0 WHERE id = ? AND kind = 'school' AND dummy = 1");
    live->bind(school_id);
    if (live->execute() == 0) return std::nullopt;
    // Locked, so an approval racing this one is told either by it or after it.
    auto q = s.prepare("SELECT " + std::string(rows::kConnectionColumns) +
                       " FROM connections WHERE school_id = ? AND status = ? ORDER BY app_id" +
                       std::string(dialect_.for_update()));
    q->bind(school_id).bind(to_string(ConnectionStatus::approved));
    std::vector<Connection> approved;
    while (q->next())
      approved.push_back(rows::connection(*q));
    const auto records = tell(approved);
    if (!records.empty()) {
      std::vector<const AuditRecord*> audits;
      std::vector<const AuditedChange*> events;
      for (const auto& r : records) {
        audits.push_back(&r.audit);
        if (r.change.event) events.push_back(&r);
      }
      append_audits(s, audits);
      write_events(s, events);
    }
    return std::optional(std::move(approved));
  });
}

}  // namespace canopy::store
