// Appending to the audit trail: writing records and linking each at the end of its school's hash
// chain (store/audit_chain.hpp), and chaining the records written before the chain existed.
#include <map>

#include "store/audit_chain.hpp"
#include "store/db/statements.hpp"
#include "store/row_mapping.hpp"
#include "store/sql/sql_store.hpp"

namespace canopy::store {
namespace {

constexpr std::string_view kInsertAudit =
    "INSERT INTO audit_log (school_id, app_id, actor_kind, actor, actor_site, actor_role,"
    " via_trust, action, from_status, to_status, permission_set_version, at_ms, request_id,"
    " client_request_id, reason, reason_note) VALUES ";
constexpr std::size_t kAuditColumns = 16;

void bind_audit(db::Statement& q, const AuditRecord& audit) {
  q.bind(audit.school_id)
      .bind(audit.app_id)
      .bind(to_string(audit.actor_kind))
      .bind(audit.actor)
      .bind(audit.actor_site)
      .bind(audit.actor_role)
      .bind(audit.via_trust)
      .bind(audit.action)
      .bind(audit.from_status ? std::optional<std::string_view>(to_string(*audit.from_status))
                              : std::nullopt)
      .bind(to_string(audit.to_status))
      .bind(audit.permission_set_version)
      .bind(to_unix_ms(audit.at))
      .bind(audit.request_id)
      // Never NULL from here on (append_audits): NULL marks the records hashed before the
      // field existed.
      .bind(audit.client_request_id)
      .bind(audit.reason);
  if (audit.reason) {
    q.bind(audit.reason_note);
  } else {
    q.bind_null();
  }
}

// Inserts the records into audit_log; returns their ids, in order.
std::vector<std::int64_t> insert_audits(db::Session& s,
                                        std::span<const AuditRecord* const> records) {
  std::vector<std::int64_t> ids;
  ids.reserve(records.size());
  // One row's id needs no knowledge of how ids are allocated.
  const db::IdAllocation allocation = records.size() == 1 ? db::IdAllocation{} : s.id_allocation();
  const std::size_t per_statement = allocation.consecutive ? db::kRowsPerStatement : 1;
  std::unique_ptr<db::Statement> q;
  std::size_t prepared_rows = 0;
  for (std::size_t start = 0; start < records.size(); start += per_statement) {
    const std::size_t n = std::min(per_statement, records.size() - start);
    if (n != prepared_rows) {
      q = s.prepare(std::string(kInsertAudit) + db::row_placeholders(n, kAuditColumns));
      prepared_rows = n;
    } else {
      q->again();
    }
    for (std::size_t i = start; i < start + n; ++i)
      bind_audit(*q, *records[i]);
    q->execute();
    const std::int64_t first = s.first_inserted_id(n);
    for (std::size_t i = 0; i < n; ++i)
      ids.push_back(first + static_cast<std::int64_t>(i) * allocation.step);
  }
  return ids;
}

// Links records[i] (stored as ids[i]) at the end of its school's chain, in order. Lock order on
// MariaDB: a change first locks its connection rows, then its schools' head rows here, in school
// order, and nothing locks them the other way round, so changes wait for each other instead of
// deadlocking. The first upsert takes each head row's exclusive lock even when the row exists
// (INSERT ... ON DUPLICATE KEY UPDATE locks the duplicate exclusively), so two first changes of
// a school do not both take a shared lock and then deadlock upgrading it. Round trips do not
// grow with the number of records: one upsert and one read of the heads, one INSERT of the links
// and one upsert of the new heads per 1000 rows. On SQLite the transaction's write lock already
// orders appends, and the same statements give the same chain.
void link_audits(db::Session& s, const db::Dialect& dialect,
                 std::span<const AuditRecord* const> records, std::span<const std::int64_t> ids) {
  const auto schools = db::distinct_sorted(
      records, [](const AuditRecord* r) -> std::string_view { return r->school_id; });
  db::run_rows(
      s, "INSERT INTO audit_heads (school_id, seq, hash, audit_id) VALUES ", 4,
      dialect.on_conflict_do_nothing("school_id", "seq"), schools.size(),
      [&](db::Statement& q, std::size_t i) { q.bind(schools[i]).bind(0).bind("").bind(0); });
  std::map<std::string, AuditHead, std::less<>> heads;
  db::select_in(
      s, "SELECT " + std::string(rows::kAuditHeadColumns) + " FROM audit_heads WHERE school_id",
      schools, dialect.for_update(), [&](const db::Statement& r) {
        auto head = rows::audit_head(r);
        std::string key = head.school_id;
        heads.emplace(std::move(key), std::move(head));
      });
  if (heads.size() != schools.size()) {
    throw StoreError(std::string(dialect.name()) +
                     ": an audit chain head vanished inside its transaction");
  }

  struct Link {
    std::int64_t audit_id;
    std::int64_t seq;
    std::string prev_hash;
    std::string hash;
  };
  std::vector<Link> links;
  links.reserve(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    // The heads are keyed by the ids the database returned: a record whose id compares equal
    // in SQL but not byte for byte (a collation that pads) must fail the change, not crash.
    const auto found = heads.find(records[i]->school_id);
    if (found == heads.end()) {
      throw StoreError(std::string(dialect.name()) +
                       ": no audit chain head for the school of a record");
    }
    AuditHead& head = found->second;
    Link link{.audit_id = ids[i], .seq = head.seq + 1, .prev_hash = std::move(head.hash)};
    link.hash = audit_hash(*records[i], link.seq, link.prev_hash);
    head.seq = link.seq;
    head.hash = link.hash;
    head.audit_id = link.audit_id;
    links.push_back(std::move(link));
  }
  db::run_rows(s, "INSERT INTO audit_chain (audit_id, school_id, seq, prev_hash, hash) VALUES ", 5,
               "", links.size(), [&](db::Statement& q, std::size_t i) {
                 q.bind(links[i].audit_id)
                     .bind(records[i]->school_id)
                     .bind(links[i].seq)
                     .bind(links[i].prev_hash)
                     .bind(links[i].hash);
               });
  std::vector<const AuditHead*> moved;
  for (const auto& [school, head] : heads)
    moved.push_back(&head);
  db::run_rows(s, "INSERT INTO audit_heads (school_id, seq, hash, audit_id) VALUES ", 4,
               dialect.upsert("school_id", {"seq", "hash", "audit_id"}), moved.size(),
               [&](db::Statement& q, std::size_t i) {
                 q.bind(moved[i]->school_id)
                     .bind(moved[i]->seq)
                     .bind(moved[i]->hash)
                     .bind(moved[i]->audit_id);
               });
}

}  // namespace

void SqlStore::append_audits(db::Session& s, std::span<const AuditRecord* const> records) {
  if (records.empty()) return;
  // Hashed as stored: a new record's client request id is never NULL, "" when it has none.
  std::vector<AuditRecord> stored;
  stored.reserve(records.size());
  std::vector<const AuditRecord*> pointers;
  pointers.reserve(records.size());
  for (const auto* r : records) {
    AuditRecord& copy = stored.emplace_back(*r);
    if (!copy.client_request_id) copy.client_request_id.emplace();
    pointers.push_back(&copy);
  }
  link_audits(s, dialect_, pointers, insert_audits(s, pointers));
}

std::int64_t SqlStore::chain_unchained(db::Session& s, bool in_transaction) {
  // In batches, each one transaction where the caller has none, so a long history does not
  // make one huge transaction. Each school's records in id order: the order they were written,
  // deterministically.
  constexpr std::int64_t kBatch = 1000;
  std::int64_t chained = 0;
  for (;;) {
    if (!in_transaction) s.execute(dialect_.begin_transaction());
    std::vector<AuditRecord> batch;
    {
      auto q = s.prepare(rows::select_audit_before_client_ids() +
                         " WHERE c.audit_id IS NULL ORDER BY a.school_id, a.id LIMIT ?");
      q->bind(kBatch);
      while (q->next())
        batch.push_back(rows::audit(*q, rows::ClientIdColumn::absent));
    }
    std::vector<const AuditRecord*> records;
    std::vector<std::int64_t> ids;
    for (const auto& r : batch) {
      records.push_back(&r);
      ids.push_back(r.id);
    }
    if (!batch.empty()) link_audits(s, dialect_, records, ids);
    if (!in_transaction) s.execute("COMMIT");
    chained += static_cast<std::int64_t>(batch.size());
    if (static_cast<std::int64_t>(batch.size()) < kBatch) return chained;
  }
}

}  // namespace canopy::store
