// SQL for the MySQL / MariaDB store. All SQL for MySQL lives in this file.
#include "store/mysql/mysql_store.hpp"

#include <cppconn/connection.h>
#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "store/audit_chain.hpp"
#include "store/migrations.hpp"
#include "store/row_mapping.hpp"

namespace canopy::store {
namespace {

// The rows of one query. Owns its statement too: Connector/C++ result sets of prepared
// statements read from buffers the statement owns, so the statement must outlive them.
class Rows {
 public:
  Rows(std::unique_ptr<sql::PreparedStatement> statement, std::unique_ptr<sql::ResultSet> rows)
      : statement_(std::move(statement)), rows_(std::move(rows)) {}
  bool next() { return rows_->next(); }
  // 0-based columns, like the SQLite wrapper (the driver counts from 1).
  bool is_null(unsigned column) const { return rows_->isNull(column + 1); }
  std::string text(unsigned column) const { return rows_->getString(column + 1).asStdString(); }
  std::int64_t integer(unsigned column) const { return rows_->getInt64(column + 1); }
  std::optional<std::int64_t> optional_integer(unsigned column) const {
    if (is_null(column)) return std::nullopt;
    return integer(column);
  }

 private:
  std::unique_ptr<sql::PreparedStatement> statement_;  // destroyed after rows_
  std::unique_ptr<sql::ResultSet> rows_;
};

// A prepared statement with positional parameters, bound in order.
class Query {
 public:
  Query(sql::Connection& connection, const std::string& text)
      : statement_(connection.prepareStatement(text)) {}

  Query& bind(std::string_view v) {
    statement_->setString(next(), sql::SQLString(v.data(), v.size()));
    return *this;
  }
  // Without this overload a string literal would convert to bool, not string_view.
  Query& bind(const char* v) { return bind(std::string_view(v)); }
  Query& bind(std::int64_t v) {
    statement_->setInt64(next(), v);
    return *this;
  }
  Query& bind(int v) { return bind(static_cast<std::int64_t>(v)); }
  Query& bind(bool v) { return bind(static_cast<std::int64_t>(v ? 1 : 0)); }
  Query& bind_null() {
    statement_->setNull(next(), sql::DataType::VARCHAR);
    return *this;
  }
  template <class T>
  Query& bind(const std::optional<T>& v) {
    return v ? bind(*v) : bind_null();
  }

  // Rows changed (not merely matched: the connection does not ask for CLIENT_FOUND_ROWS).
  int update() { return statement_->executeUpdate(); }
  // Ready to bind from the first parameter again: one prepared statement, run many times.
  Query& again() {
    statement_->clearParameters();
    index_ = 0;
    return *this;
  }
  // Runs the query; the Query is spent afterwards.
  Rows rows() {
    std::unique_ptr<sql::ResultSet> result(statement_->executeQuery());
    return Rows(std::move(statement_), std::move(result));
  }

 private:
  unsigned next() { return ++index_; }
  std::unique_ptr<sql::PreparedStatement> statement_;
  unsigned index_ = 0;
};

void execute(sql::Connection& connection, const std::string& statement) {
  std::unique_ptr<sql::Statement> s(connection.createStatement());
  s->execute(statement);
}

std::int64_t scalar(sql::Connection& connection, const std::string& statement) {
  auto rows = Query(connection, statement).rows();
  if (!rows.next()) throw StoreError("mysql: no row from: " + statement);
  return rows.integer(0);
}

// LIMIT takes a signed 64-bit value; "everything" must not wrap to a negative one.
std::int64_t limit_value(std::size_t limit) {
  return static_cast<std::int64_t>(std::min<std::size_t>(
      limit, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())));
}

constexpr std::size_t kMaxLimit = std::numeric_limits<std::int64_t>::max() - 1;

std::string select_connection() {
  return "SELECT " + std::string(rows::kConnectionColumns) +
         " FROM connections WHERE school_id = ? AND app_id = ?";
}

std::optional<Site> find_site_on(sql::Connection& c, std::string_view id, bool for_update) {
  auto rows = Query(c, std::string(rows::kSelectSites) + " WHERE s.id = ?" +
                           (for_update ? " FOR UPDATE" : ""))
                  .bind(id)
                  .rows();
  if (!rows.next()) return std::nullopt;
  return rows::site(rows);
}

// One statement for the user and their roles, so both come from the same committed state.
template <class Key>
std::optional<User> find_user_on(sql::Connection& c, std::string_view column, const Key& key) {
  Query q(c,
          "SELECT u.id, u.email, u.name, u.home_site, r.role, u.disabled_at_ms FROM users u"
          " LEFT JOIN user_roles r ON r.user_id = u.id WHERE u." +
              std::string(column) + " = ? ORDER BY r.role");
  auto rows = q.bind(key).rows();
  std::optional<User> user;
  while (rows.next()) {
    if (!user) {
      user.emplace();
      user->id = rows.integer(0);
      user->email = rows.text(1);
      user->name = rows.text(2);
      user->home_site = rows.text(3);
      user->disabled = !rows.is_null(5);
    }
    if (!rows.is_null(4)) user->roles.push_back(rows.text(4));
  }
  return user;
}

// Stores the answer of the claim `claim_token` holds; false when it was taken over meanwhile.
bool finish_claim(sql::Connection& c, const IdempotencyRecord& claim, int status,
                  const std::string& body, TimePoint at) {
  return Query(c,
               "UPDATE idempotency_keys SET state = 'done', response_status = ?,"
               " response_body = ?, completed_at_ms = ? WHERE user_id = ? AND scope = ?"
               " AND idem_key = ? AND state = 'running' AND claim_token = ?")
             .bind(status)
             .bind(body)
             .bind(to_unix_ms(at))
             .bind(claim.user_id)
             .bind(claim.scope)
             .bind(claim.key)
             .bind(claim.claim_token)
             .update() > 0;
}

// Migrations are written for MariaDB. MySQL 8 names the one collation they use differently:
// both are binary and NO PAD, so ids compare byte for byte on either server.
std::string for_mysql(std::string statement) {
  static constexpr std::string_view kMariadb = "utf8mb4_nopad_bin";
  static constexpr std::string_view kMysql = "utf8mb4_0900_bin";
  for (auto at = statement.find(kMariadb); at != std::string::npos;
       at = statement.find(kMariadb, at + kMysql.size())) {
    statement.replace(at, kMariadb.size(), kMysql);
  }
  return statement;
}

// Splits a migration file into statements: each ends with ';' at the end of a line, and
// lines that are only a comment are dropped. Migrations never put ';' at a line end inside a
// statement, which keeps this simple and avoids multi-statement mode on the connection.
std::vector<std::string> split_statements(std::string_view script) {
  std::vector<std::string> out;
  std::string current;
  std::size_t start = 0;
  while (start < script.size()) {
    auto end = script.find('\n', start);
    if (end == std::string_view::npos) end = script.size();
    std::string_view line = script.substr(start, end - start);
    start = end + 1;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line.substr(first, 2) == "--") continue;
    const auto last = line.find_last_not_of(" \t\r");
    line = line.substr(0, last + 1);
    if (line.back() == ';') {
      current.append(line.substr(0, line.size() - 1));
      out.push_back(std::move(current));
      current.clear();
    } else {
      current.append(line).append("\n");
    }
  }
  if (current.find_first_not_of(" \t\r\n") != std::string::npos) out.push_back(current);
  return out;
}

// Asks transact() for one more attempt from the start (a concurrent insert won a race).
struct RetryTransaction {};

// Thrown out of a transaction whose revision check failed: transact() rolls it back.
struct RevisionMoved {};

// Rows per multi-row statement: few round trips, and far below the 65,535 placeholders a
// prepared statement may have (13 columns x 1000 rows).
constexpr std::size_t kRowsPerStatement = 1000;

// "(?, ?), (?, ?)" for `rows` rows of `columns` values.
std::string row_placeholders(std::size_t rows, std::size_t columns) {
  const std::string row = "(" + rows::placeholders(columns) + ")";
  std::string out;
  out.reserve(rows * (row.size() + 2));
  for (std::size_t i = 0; i < rows; ++i)
    out.append(i == 0 ? "" : ", ").append(row);
  return out;
}

// Runs "<head><rows of placeholders><tail>" over `count` items, kRowsPerStatement at a time,
// preparing once per chunk size; `bind(query, i)` binds item i's row. Returns rows affected.
template <class Bind>
std::int64_t run_rows(sql::Connection& c, std::string_view head, std::size_t columns,
                      std::string_view tail, std::size_t count, Bind bind) {
  std::int64_t affected = 0;
  std::optional<Query> q;
  std::size_t prepared_rows = 0;
  for (std::size_t start = 0; start < count; start += kRowsPerStatement) {
    const std::size_t n = std::min(kRowsPerStatement, count - start);
    if (n != prepared_rows) {
      q.emplace(c, std::string(head) + row_placeholders(n, columns) + std::string(tail));
      prepared_rows = n;
    } else {
      q->again();
    }
    for (std::size_t i = start; i < start + n; ++i)
      bind(*q, i);
    affected += q->update();
  }
  return affected;
}

// The distinct values of `key(item)` over `items`, sorted: for schools, the order in which
// their rows are locked. Views into `items`: `key` must return a view of the item, not a copy.
template <class Items, class Key>
std::vector<std::string_view> distinct_sorted(const Items& items, Key key) {
  std::vector<std::string_view> out;
  for (const auto& item : items)
    out.push_back(key(item));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Runs "<head> IN (?, ...)<tail>" over `values`, kRowsPerStatement at a time, handing each row
// to `each`.
template <class Each>
void select_in(sql::Connection& c, const std::string& head,
               std::span<const std::string_view> values, std::string_view tail, Each each) {
  for (std::size_t start = 0; start < values.size(); start += kRowsPerStatement) {
    const std::size_t n = std::min(kRowsPerStatement, values.size() - start);
    Query q(c, head + " IN (" + row_placeholders(n, 1) + ")" + std::string(tail));
    for (std::size_t i = start; i < start + n; ++i)
      q.bind(values[i]);
    for (auto rows = q.rows(); rows.next();)
      each(rows);
  }
}

// The ids one multi-row INSERT gives its rows. With innodb_autoinc_lock_mode 0 or 1 a "simple
// insert" (its row count known up front, no ON DUPLICATE KEY UPDATE) reserves its whole range at
// once, so its rows get first, first + step, ... in row order (step = auto_increment_increment,
// above 1 on Galera). Mode 2 may interleave concurrent statements' rows, so there a batch learns
// its ids one row at a time.
struct IdAllocation {
  bool consecutive = true;
  std::int64_t step = 1;
};

IdAllocation id_allocation(sql::Connection& c, AuditIds policy) {
  if (policy == AuditIds::per_row) return {.consecutive = false};
  auto rows = Query(c, "SELECT @@innodb_autoinc_lock_mode, @@auto_increment_increment").rows();
  if (!rows.next()) throw StoreError("mysql: no auto-increment settings");
  return {.consecutive = rows.integer(0) != 2, .step = rows.integer(1)};
}

constexpr std::string_view kInsertAudit =
    "INSERT INTO audit_log (school_id, app_id, actor_kind, actor, actor_site, actor_role,"
    " via_trust, action, from_status, to_status, permission_set_version, at_ms, request_id,"
    " client_request_id) VALUES ";
constexpr std::size_t kAuditColumns = 14;

void bind_audit(Query& q, const AuditRecord& audit) {
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
      .bind(audit.client_request_id);
}

// Inserts the records into audit_log; returns their ids, in order.
std::vector<std::int64_t> insert_audits(sql::Connection& c,
                                        std::span<const AuditRecord* const> records,
                                        AuditIds policy) {
  std::vector<std::int64_t> ids;
  ids.reserve(records.size());
  // One row's id is LAST_INSERT_ID() whatever the lock mode: no need to ask for it.
  const IdAllocation allocation = records.size() == 1 ? IdAllocation{} : id_allocation(c, policy);
  const std::size_t per_statement = allocation.consecutive ? kRowsPerStatement : 1;
  std::optional<Query> q;
  std::size_t prepared_rows = 0;
  for (std::size_t start = 0; start < records.size(); start += per_statement) {
    const std::size_t n = std::min(per_statement, records.size() - start);
    if (n != prepared_rows) {
      q.emplace(c, std::string(kInsertAudit) + row_placeholders(n, kAuditColumns));
      prepared_rows = n;
    } else {
      q->again();
    }
    for (std::size_t i = start; i < start + n; ++i)
      bind_audit(*q, *records[i]);
    q->update();
    const std::int64_t first = scalar(c, "SELECT LAST_INSERT_ID()");
    for (std::size_t i = 0; i < n; ++i)
      ids.push_back(first + static_cast<std::int64_t>(i) * allocation.step);
  }
  return ids;
}

// Links records[i] (stored as ids[i]) at the end of its school's chain, in order. Lock order: a
// change first locks its connection rows, then its schools' head rows here, in school order, and
// nothing locks them the other way round, so changes wait for each other instead of
// deadlocking. The upsert takes each head row's exclusive lock even when the row exists (INSERT
// ... ON DUPLICATE KEY UPDATE locks the duplicate exclusively), so two first changes of a school
// do not both take a shared lock and then deadlock upgrading it. Round trips do not grow with
// the number of records: one upsert and one read of the heads, one INSERT of the links and one
// upsert of the new heads per 1000 rows.
void link_audits(sql::Connection& c, std::span<const AuditRecord* const> records,
                 std::span<const std::int64_t> ids) {
  const auto schools = distinct_sorted(
      records, [](const AuditRecord* r) -> std::string_view { return r->school_id; });
  run_rows(c, "INSERT INTO audit_heads (school_id, seq, hash, audit_id) VALUES ", 4,
           " ON DUPLICATE KEY UPDATE seq = seq", schools.size(),
           [&](Query& q, std::size_t i) { q.bind(schools[i]).bind(0).bind("").bind(0); });
  std::map<std::string, AuditHead, std::less<>> heads;
  select_in(c,
            "SELECT " + std::string(rows::kAuditHeadColumns) + " FROM audit_heads WHERE school_id",
            schools, " FOR UPDATE", [&](Rows& rows) {
              auto head = rows::audit_head(rows);
              std::string key = head.school_id;
              heads.emplace(std::move(key), std::move(head));
            });
  if (heads.size() != schools.size())
    throw StoreError("mysql: an audit chain head vanished inside its transaction");

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
    if (found == heads.end())
      throw StoreError("mysql: no audit chain head for the school of a record");
    AuditHead& head = found->second;
    Link link{.audit_id = ids[i], .seq = head.seq + 1, .prev_hash = std::move(head.hash)};
    link.hash = audit_hash(*records[i], link.seq, link.prev_hash);
    head.seq = link.seq;
    head.hash = link.hash;
    head.audit_id = link.audit_id;
    links.push_back(std::move(link));
  }
  run_rows(c, "INSERT INTO audit_chain (audit_id, school_id, seq, prev_hash, hash) VALUES ", 5, "",
           links.size(), [&](Query& q, std::size_t i) {
             q.bind(links[i].audit_id)
                 .bind(records[i]->school_id)
                 .bind(links[i].seq)
                 .bind(links[i].prev_hash)
                 .bind(links[i].hash);
           });
  std::vector<const AuditHead*> moved;
  for (const auto& [school, head] : heads)
    moved.push_back(&head);
  run_rows(c, "INSERT INTO audit_heads (school_id, seq, hash, audit_id) VALUES ", 4,
           " ON DUPLICATE KEY UPDATE seq = VALUES(seq), hash = VALUES(hash),"
           " audit_id = VALUES(audit_id)",
           moved.size(), [&](Query& q, std::size_t i) {
             q.bind(moved[i]->school_id)
                 .bind(moved[i]->seq)
                 .bind(moved[i]->hash)
                 .bind(moved[i]->audit_id);
           });
}

// Writes the records and links them at the end of their schools' chains, in order.
void append_audits(sql::Connection& c, std::span<const AuditRecord* const> records,
                   AuditIds policy) {
  if (records.empty()) return;
  // Hashed as stored: a new record's client request id is never NULL, "" when it has none.
  std::vector<AuditRecord> stored;
  stored.reserve(records.size());
  std::vector<const AuditRecord*> pointers;
  pointers.reserve(records.size());
  for (const auto* r : records) {
    AuditRecord& s = stored.emplace_back(*r);
    if (!s.client_request_id) s.client_request_id.emplace();
    pointers.push_back(&s);
  }
  link_audits(c, pointers, insert_audits(c, pointers, policy));
}

// Chains every audit record that has no link yet (migration kAuditChainVersion); returns how
// many.
std::int64_t chain_unchained(sql::Connection& c) {
  // In batches, each one transaction, so a long history does not make one huge transaction.
  // Each school's records in id order: the order they were written, deterministically.
  constexpr std::int64_t kBatch = 1000;
  std::int64_t chained = 0;
  for (;;) {
    execute(c, "START TRANSACTION");
    std::vector<AuditRecord> batch;
    auto rows = Query(c, rows::select_audit_before_client_ids() +
                             " WHERE c.audit_id IS NULL ORDER BY a.school_id, a.id LIMIT ?")
                    .bind(kBatch)
                    .rows();
    while (rows.next())
      batch.push_back(rows::audit(rows, rows::ClientIdColumn::absent));
    std::vector<const AuditRecord*> records;
    std::vector<std::int64_t> ids;
    for (const auto& r : batch) {
      records.push_back(&r);
      ids.push_back(r.id);
    }
    if (!batch.empty()) link_audits(c, records, ids);
    execute(c, "COMMIT");
    chained += static_cast<std::int64_t>(batch.size());
    if (static_cast<std::int64_t>(batch.size()) < kBatch) return chained;
  }
}

// The last statements of a transaction that applies `changes`: the revocation epoch moves when
// one asks, and nothing commits after its deadline (transact sends COMMIT next).
void finish_transaction(sql::Connection& c, std::span<const AuditedChange> changes) {
  if (advances_epoch(changes))
    execute(c, "UPDATE revocation_epoch SET epoch = epoch + 1 WHERE id = 1");
  check_commit_by(changes);
}

constexpr std::chrono::seconds kMigrationLockWait{120};

}  // namespace

MysqlStore::MysqlStore(MysqlConfig config)
    : audit_ids_(config.audit_ids), pool_(std::move(config)) {}

template <class Work>
auto MysqlStore::read(std::string_view what, Work&& work) {
  for (int attempt = 0;; ++attempt) {
    auto lease = pool_.acquire(attempt > 0);
    try {
      return work(*lease);
    } catch (const sql::SQLException& e) {
      const bool broken = mysql::is_connection_error(e);
      if (broken) {
        lease.discard();
        pool_.note_connection_failure();
        if (attempt == 0) {
          spdlog::warn("mysql: {}: connection lost ({}); retrying on a new connection", what,
                       e.getErrorCode());
          continue;
        }
      }
      throw StoreError(mysql::describe(e, what, pool_.config().password));
    }
  }
}

template <class Work>
auto MysqlStore::transact(std::string_view what, Work&& work) {
  bool fresh = false;  // after a broken connection, never retry on another pooled one
  for (int attempt = 0;; ++attempt) {
    auto lease = pool_.acquire(fresh);
    bool committing = false;
    const auto roll_back = [&] {
      try {
        execute(*lease, "ROLLBACK");
      } catch (const sql::SQLException&) {
        // A connection that cannot roll back must not go back to the pool mid-transaction.
        lease.discard();
      }
    };
    try {
      execute(*lease, "START TRANSACTION");
      auto result = work(*lease);
      committing = true;
      execute(*lease, "COMMIT");
      return result;
    } catch (const sql::SQLException& e) {
      const bool broken = mysql::is_connection_error(e);
      if (broken) {
        lease.discard();
        pool_.note_connection_failure();
        fresh = true;
      } else {
        roll_back();
      }
      const bool retry =
          attempt == 0 && !committing && (broken || e.getErrorCode() == mysql::kDeadlock);
      if (retry) {
        spdlog::warn("mysql: {}: {} ({}); retrying the transaction", what,
                     broken ? "connection lost" : "deadlock", e.getErrorCode());
        continue;
      }
      throw StoreError(mysql::describe(e, what, pool_.config().password) +
                       (committing && broken ? "; the commit's outcome is unknown" : ""));
    } catch (const RetryTransaction&) {
      roll_back();
      if (attempt == 0) continue;
      throw StoreError("mysql: " + std::string(what) +
                       ": kept conflicting with a concurrent change");
    } catch (...) {
      roll_back();
      throw;
    }
  }
}

int MysqlStore::schema_version() {
  return read("schema_version", [](sql::Connection& c) {
    return static_cast<int>(scalar(c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  });
}

int MysqlStore::latest_schema_version() const {
  return latest_version(mysql_migrations());
}

std::optional<PoolStats> MysqlStore::pool_stats() const {
  return pool_.stats();
}

Result<MigrationReport> MysqlStore::migrate(const Clock& clock) {
  const auto migrations = mysql_migrations();
  const int known = latest_version(migrations);
  const std::string& password = pool_.config().password;
  // Named locks are server-wide; the database name keeps two Canopy databases on one server
  // from waiting for each other. MySQL caps lock names at 64 characters.
  const std::string lock_name = ("canopy.migrate." + pool_.config().database).substr(0, 64);
  auto lease = pool_.acquire();
  bool locked = false;
  try {
    sql::Connection& c = *lease;
    auto got = Query(c, "SELECT GET_LOCK(?, ?)")
                   .bind(lock_name)
                   .bind(static_cast<std::int64_t>(kMigrationLockWait.count()))
                   .rows();
    if (!got.next() || got.is_null(0) || got.integer(0) != 1) {
      throw StoreError("mysql: migrate: another process held the migration lock for " +
                       std::to_string(kMigrationLockWait.count()) + " s");
    }
    locked = true;
    const bool mariadb = [&] {
      auto rows = Query(c, "SELECT VERSION()").rows();
      return rows.next() && rows.text(0).find("MariaDB") != std::string::npos;
    }();
    const auto in_dialect = [&](std::string statement) {
      return mariadb ? statement : for_mysql(std::move(statement));
    };
    execute(c, in_dialect("CREATE TABLE IF NOT EXISTS schema_migrations (version INT NOT NULL"
                          " PRIMARY KEY, name VARCHAR(255) NOT NULL, applied_at_ms BIGINT NOT NULL)"
                          " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin"));
    MigrationReport report;
    report.from_version =
        static_cast<int>(scalar(c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    const auto unlock = [&] {
      (void)Query(c, "SELECT RELEASE_LOCK(?)").bind(lock_name).rows();
      locked = false;
    };
    if (report.from_version > known) {
      unlock();
      return make_error(Errc::unavailable, "database schema version " +
                                               std::to_string(report.from_version) +
                                               " is newer than this canopy understands (" +
                                               std::to_string(known) + "); run a newer canopy");
    }
    // Every version not recorded yet, not only those above the newest: branches that each add
    // a migration merge in any order, and a database may already hold a higher one.
    std::set<std::int64_t> applied;
    for (auto rows = Query(c, "SELECT version FROM schema_migrations").rows(); rows.next();)
      applied.insert(rows.integer(0));
    for (const auto& m : migrations) {
      if (applied.contains(m.version)) continue;
      // DDL commits implicitly; each statement of a migration is written to be re-runnable,
      // or, where MySQL 8 has no IF [NOT] EXISTS (CREATE INDEX, ADD COLUMN, DROP and ADD of a
      // foreign key), an index, column or key that exists already, or a key already dropped,
      // is taken as the work of an earlier run that stopped part way.
      for (auto& statement : split_statements(m.sql)) {
        try {
          execute(c, in_dialect(std::move(statement)));
        } catch (const sql::SQLException& e) {
          const int code = e.getErrorCode();
          if (code != mysql::kDuplicateKeyName && code != mysql::kDuplicateColumnName &&
              code != mysql::kCannotDropKey && code != mysql::kDuplicateForeignKeyName) {
            throw;
          }
          spdlog::info("mysql: migration {}: done by an earlier run: {}", m.name, e.what());
        }
      }
      // Before the version is recorded: a run that stops part way is re-run, and chains what
      // is still unchained.
      if (m.version == kAuditChainVersion) report.audit_chained = chain_unchained(c);
      Query(c, "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)")
          .bind(m.version)
          .bind(m.name)
          .bind(to_unix_ms(clock.now()))
          .update();
      spdlog::info("mysql: applied migration {}", m.name);
    }
    unlock();
    report.to_version = std::max(report.from_version, known);
    return report;
  } catch (const sql::SQLException& e) {
    // Closing the connection also releases the named lock if we still held it.
    if (mysql::is_connection_error(e) || locked) lease.discard();
    throw StoreError(mysql::describe(e, "migrate", password));
  } catch (...) {
    if (locked) lease.discard();
    throw;
  }
}

std::optional<Connection> MysqlStore::find_connection(std::string_view school,
                                                      std::string_view app) {
  return read("find_connection", [&](sql::Connection& c) -> std::optional<Connection> {
    auto rows = Query(c, select_connection()).bind(school).bind(app).rows();
    if (!rows.next()) return std::nullopt;
    return rows::connection(rows);
  });
}

std::vector<Connection> MysqlStore::list_connections(std::string_view school,
                                                     std::optional<ConnectionStatus> status) {
  return read("list_connections", [&](sql::Connection& c) {
    Query q(c, "SELECT " + std::string(rows::kConnectionColumns) +
                   " FROM connections WHERE school_id = ?" + (status ? " AND status = ?" : "") +
                   " ORDER BY app_id");
    q.bind(school);
    if (status) q.bind(to_string(*status));
    auto rows = q.rows();
    std::vector<Connection> out;
    while (rows.next())
      out.push_back(rows::connection(rows));
    return out;
  });
}

// Isolation: READ COMMITTED plus the revision check, not REPEATABLE READ. The check is the
// UPDATE's WHERE clause, and an InnoDB UPDATE is a locking read: it takes the row's exclusive
// lock and evaluates the WHERE on the newest committed version, whatever the isolation level.
// So when two admins decide at once, the second UPDATE waits for the first transaction,
// then sees revision N+1 instead of N and changes nothing: apply returns nullopt and the
// consent service decides again on fresh data. The audit row is inserted while the row lock
// is held, so its AUTO_INCREMENT id is allocated after every earlier change of the same
// connection committed: audit ids follow the order of the changes. The insert path relies on
// the primary key the same way (a concurrent insert waits, then fails as a duplicate).
// REPEATABLE READ would add gap locks and snapshot reads that this needs for nothing.
std::optional<Connection> MysqlStore::apply(const ConnectionChange& change,
                                            const AuditRecord& audit) {
  // Retrying after a lost connection re-runs the revision check, so a change can never be
  // applied (or audited) twice.
  return transact("apply", [&](sql::Connection& c) -> std::optional<Connection> {
    if (change.expected_revision) {
      Query q(c, std::string("UPDATE connections SET status = ?, permission_set_version = ?,"
                             " revision = revision + 1") +
                     (change.is_decision ? ", decided_at_ms = ?, decided_by = ?" : "") +
                     " WHERE school_id = ? AND app_id = ? AND revision = ?");
      q.bind(to_string(change.to)).bind(change.permission_set_version);
      if (change.is_decision) q.bind(to_unix_ms(change.at)).bind(change.decided_by);
      q.bind(change.school_id).bind(change.app_id).bind(*change.expected_revision);
      if (q.update() == 0) return std::nullopt;
    } else {
      Query q(
          c,
          "INSERT INTO connections (school_id, app_id, status, permission_set_version,"
          " revision, requested_at_ms, decided_at_ms, decided_by) VALUES (?, ?, ?, ?, 1, ?, ?, ?)");
      q.bind(change.school_id)
          .bind(change.app_id)
          .bind(to_string(change.to))
          .bind(change.permission_set_version)
          .bind(to_unix_ms(change.at));
      if (change.is_decision) {
        q.bind(to_unix_ms(change.at)).bind(change.decided_by);
      } else {
        q.bind_null().bind_null();
      }
      try {
        q.update();
      } catch (const sql::SQLException& e) {
        // The connection exists already: insert-if-absent writes nothing.
        if (e.getErrorCode() == mysql::kDuplicateKey) return std::nullopt;
        throw;
      }
    }
    const AuditRecord* records[] = {&audit};
    append_audits(c, records, audit_ids_);
    if (change.notify) {
      Query(c,
            "INSERT INTO notifications (school_id, kind, app_id, created_at_ms, request_id)"
            " VALUES (?, ?, ?, ?, ?)")
          .bind(change.school_id)
          .bind(to_string(*change.notify))
          .bind(change.app_id)
          .bind(to_unix_ms(change.at))
          .bind(audit.request_id)
          .update();
    }
    auto rows = Query(c, select_connection()).bind(change.school_id).bind(change.app_id).rows();
    if (!rows.next()) throw StoreError("mysql: connection vanished inside its own transaction");
    auto written = rows::connection(rows);
    const AuditedChange one{change, audit};
    finish_transaction(c, std::span(&one, 1));
    return std::optional(std::move(written));
  });
}

// The batch form of apply, built for thousands of changes: the rows are locked and their
// revisions checked with one SELECT ... FOR UPDATE per 1000 schools, written with one multi-row
// INSERT ... ON DUPLICATE KEY UPDATE per 1000 rows, audited and chained by append_audits, all in
// one transaction. Once locked and checked, no row can change under us;
// a pair that had no row is not locked (READ COMMITTED takes no gap locks), so the upsert's
// count of affected rows checks that too: 1 per row inserted, 2 per row updated (a revision
// always changes), so a row inserted meanwhile by someone else shows as a mismatch.
std::optional<std::vector<Connection>> MysqlStore::apply_all(std::span<const AuditedChange> changes,
                                                             const BatchAnswer* answer) {
  if (changes.empty() && answer == nullptr) return std::vector<Connection>{};
  try {
    return transact("apply_all", [&](sql::Connection& c) {
      // Every row of the batch's schools, locked in key order. Locking whole schools, not just
      // the batch's pairs, costs a few rows more but finds them by a short range per school: a
      // 1000-pair (school_id, app_id) IN list took 30 ms per statement on MariaDB 10.11.
      const auto schools = distinct_sorted(
          changes,
          [](const AuditedChange& item) -> std::string_view { return item.change.school_id; });
      std::map<std::pair<std::string, std::string>, Connection, std::less<>> current;
      select_in(
          c,
          "SELECT " + std::string(rows::kConnectionColumns) + " FROM connections WHERE school_id",
          schools, " ORDER BY school_id, app_id FOR UPDATE", [&](Rows& rows) {
            auto row = rows::connection(rows);
            current.emplace(std::pair(row.school_id, row.app_id), std::move(row));
          });
      std::vector<Connection> out;
      out.reserve(changes.size());
      std::int64_t expected_affected = 0;
      for (const auto& [change, audit] : changes) {
        const auto it = current.find(std::pair(change.school_id, change.app_id));
        Connection next;
        if (change.expected_revision) {
          if (it == current.end() || it->second.revision != *change.expected_revision)
            throw RevisionMoved{};
          next = it->second;
          next.revision += 1;
          expected_affected += 2;
        } else {
          if (it != current.end()) throw RevisionMoved{};
          next = Connection{.school_id = change.school_id,
                            .app_id = change.app_id,
                            .revision = 1,
                            .requested_at = change.at};
          expected_affected += 1;
        }
        next.status = change.to;
        next.permission_set_version = change.permission_set_version;
        if (change.is_decision) {
          next.decided_at = change.at;
          next.decided_by = change.decided_by;
        }
        out.push_back(std::move(next));
      }
      const auto written = run_rows(
          c,
          "INSERT INTO connections (school_id, app_id, status, permission_set_version, revision,"
          " requested_at_ms, decided_at_ms, decided_by) VALUES ",
          8,
          " ON DUPLICATE KEY UPDATE status = VALUES(status),"
          " permission_set_version = VALUES(permission_set_version), revision = VALUES(revision),"
          " decided_at_ms = VALUES(decided_at_ms), decided_by = VALUES(decided_by)",
          out.size(), [&](Query& q, std::size_t i) {
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
          });
      if (written != expected_affected) throw RevisionMoved{};
      std::vector<const AuditRecord*> records;
      records.reserve(changes.size());
      for (const auto& item : changes)
        records.push_back(&item.audit);
      append_audits(c, records, audit_ids_);
      std::vector<const AuditedChange*> notifying;
      for (const auto& item : changes) {
        if (item.change.notify) notifying.push_back(&item);
      }
      run_rows(c,
               "INSERT INTO notifications (school_id, kind, app_id, created_at_ms, request_id)"
               " VALUES ",
               5, "", notifying.size(), [&](Query& q, std::size_t i) {
                 const auto& [change, audit] = *notifying[i];
                 q.bind(change.school_id)
                     .bind(to_string(*change.notify))
                     .bind(change.app_id)
                     .bind(to_unix_ms(change.at))
                     .bind(audit.request_id);
               });
      if (answer != nullptr) {
        const auto [status, body] = answer->encode(out);
        if (!finish_claim(c, answer->claim, status, body, answer->at)) throw RevisionMoved{};
      }
      finish_transaction(c, changes);
      return std::optional(std::move(out));
    });
  } catch (const RevisionMoved&) {
    return std::nullopt;
  }
}

std::vector<Connection> MysqlStore::trust_connections(std::string_view trust_id) {
  return read("trust_connections", [&](sql::Connection& c) {
    auto rows = Query(c, "SELECT " + std::string(rows::kConnectionColumns) +
                             " FROM connections WHERE school_id IN"
                             " (SELECT id FROM sites WHERE trust_id = ? AND kind = 'school')"
                             " ORDER BY school_id, app_id")
                    .bind(trust_id)
                    .rows();
    std::vector<Connection> out;
    while (rows.next())
      out.push_back(rows::connection(rows));
    return out;
  });
}

EpochPoll MysqlStore::poll_epoch(std::string_view replica, TimePoint now, TimePoint absent_before,
                                 TimePoint live_since) {
  return transact("poll_epoch", [&](sql::Connection& c) {
    const auto at = to_unix_ms(now);
    Query(c,
          "INSERT INTO cache_replicas (id, first_seen_ms, seen_ms) VALUES (?, ?, ?)"
          " ON DUPLICATE KEY UPDATE first_seen_ms = IF(seen_ms < ?, VALUES(first_seen_ms),"
          " first_seen_ms), seen_ms = GREATEST(seen_ms, VALUES(seen_ms))")
        .bind(replica)
        .bind(at)
        .bind(at)
        .bind(to_unix_ms(absent_before))
        .update();
    EpochPoll poll;
    auto epoch = Query(c, "SELECT epoch FROM revocation_epoch WHERE id = 1").rows();
    if (!epoch.next()) throw StoreError("mysql: the revocation epoch is missing");
    poll.epoch = epoch.integer(0);
    auto live = Query(c, "SELECT id FROM cache_replicas WHERE seen_ms >= ? ORDER BY id")
                    .bind(to_unix_ms(live_since))
                    .rows();
    while (live.next())
      poll.live.push_back(live.text(0));
    return poll;
  });
}

std::vector<ReplicaPresence> MysqlStore::replicas_seen(TimePoint since) {
  return read("replicas_seen", [&](sql::Connection& c) {
    auto rows = Query(c,
                      "SELECT id, first_seen_ms, seen_ms FROM cache_replicas WHERE seen_ms >= ?"
                      " ORDER BY id")
                    .bind(to_unix_ms(since))
                    .rows();
    std::vector<ReplicaPresence> out;
    while (rows.next())
      out.push_back({rows.text(0), from_unix_ms(rows.integer(1)), from_unix_ms(rows.integer(2))});
    return out;
  });
}

void MysqlStore::forget_replica(std::string_view replica) {
  transact("forget_replica", [&](sql::Connection& c) {
    Query(c, "DELETE FROM cache_replicas WHERE id = ?").bind(replica).update();
    return 0;
  });
}

std::size_t MysqlStore::forget_replicas_before(TimePoint before) {
  return transact("forget_replicas_before", [&](sql::Connection& c) {
    return static_cast<std::size_t>(
        Query(c, "DELETE FROM cache_replicas WHERE seen_ms < ?").bind(to_unix_ms(before)).update());
  });
}

std::vector<RecordedGrant> MysqlStore::record_grants(const std::vector<RecordedGrant>& sets) {
  return transact("record_grants", [&](sql::Connection& c) {
    for (const auto& g : sets) {
      (void)Query(c,
                  "INSERT IGNORE INTO permission_grants (app_id, version, grants, recorded_at_ms)"
                  " VALUES (?, ?, ?, ?)")
          .bind(g.app_id)
          .bind(static_cast<std::int64_t>(g.version))
          .bind(g.grants)
          .bind(to_unix_ms(g.recorded_at))
          .update();
    }
    std::vector<RecordedGrant> out;
    auto rows = Query(c,
                      "SELECT app_id, version, grants, recorded_at_ms FROM permission_grants"
                      " ORDER BY app_id, version")
                    .rows();
    while (rows.next()) {
      out.push_back({rows.text(0), static_cast<int>(rows.integer(1)), rows.text(2),
                     from_unix_ms(rows.integer(3))});
    }
    return out;
  });
}

std::int64_t MysqlStore::revocation_epoch() {
  return read("revocation_epoch", [&](sql::Connection& c) {
    auto rows = Query(c, "SELECT epoch FROM revocation_epoch WHERE id = 1").rows();
    if (!rows.next()) throw StoreError("mysql: the revocation epoch is missing");
    return rows.integer(0);
  });
}

std::vector<AuditRecord> MysqlStore::audit_for_school(std::string_view school, std::size_t limit) {
  return read("audit_for_school", [&](sql::Connection& c) {
    auto rows = Query(c, rows::select_audit() + " WHERE a.school_id = ? ORDER BY a.id LIMIT ?")
                    .bind(school)
                    .bind(limit_value(limit))
                    .rows();
    std::vector<AuditRecord> out;
    while (rows.next())
      out.push_back(rows::audit(rows));
    return out;
  });
}

std::int64_t MysqlStore::audit_count() {
  return read("audit_count",
              [](sql::Connection& c) { return scalar(c, "SELECT COUNT(*) FROM audit_log"); });
}

AuditPage MysqlStore::find_audit(const AuditQuery& q) {
  if (q.schools.empty()) return {};
  return read("find_audit", [&](sql::Connection& c) {
    Query query(c, rows::select_audit() + rows::audit_filter(q) +
                       " ORDER BY a.at_ms DESC, a.school_id DESC, a.id DESC LIMIT ?");
    rows::bind_audit_filter(q, [&](const auto& v) { query.bind(v); });
    // One more than asked for tells whether another page follows.
    auto rows = query.bind(limit_value(q.limit) + (q.limit < kMaxLimit ? 1 : 0)).rows();
    AuditPage page;
    while (rows.next())
      page.items.push_back(rows::audit(rows));
    if (page.items.size() > q.limit) {
      page.items.resize(q.limit);
      page.more = true;
    }
    return page;
  });
}

std::optional<AuditRecord> MysqlStore::find_audit_record(std::int64_t id) {
  return read("find_audit_record", [&](sql::Connection& c) -> std::optional<AuditRecord> {
    auto rows = Query(c, rows::select_audit() + " WHERE a.id = ?").bind(id).rows();
    if (!rows.next()) return std::nullopt;
    return rows::audit(rows);
  });
}

std::vector<std::string> MysqlStore::audited_schools() {
  return read("audited_schools", [&](sql::Connection& c) {
    auto rows = Query(c,
                      "SELECT school_id FROM audit_heads UNION SELECT school_id FROM audit_chain"
                      " UNION SELECT school_id FROM audit_log ORDER BY 1")
                    .rows();
    std::vector<std::string> out;
    while (rows.next())
      out.push_back(rows.text(0));
    return out;
  });
}

std::optional<AuditHead> MysqlStore::audit_head(std::string_view school) {
  return read("audit_head", [&](sql::Connection& c) -> std::optional<AuditHead> {
    auto rows = Query(c, "SELECT " + std::string(rows::kAuditHeadColumns) +
                             " FROM audit_heads WHERE school_id = ?")
                    .bind(school)
                    .rows();
    if (!rows.next()) return std::nullopt;
    return rows::audit_head(rows);
  });
}

std::vector<AuditLink> MysqlStore::audit_links(std::string_view school, std::int64_t after_seq,
                                               std::size_t limit) {
  return read("audit_links", [&](sql::Connection& c) {
    auto rows = Query(c, rows::select_audit_links() +
                             " WHERE c.school_id = ? AND c.seq > ? ORDER BY c.seq LIMIT ?")
                    .bind(school)
                    .bind(after_seq)
                    .bind(limit_value(limit))
                    .rows();
    std::vector<AuditLink> out;
    while (rows.next())
      out.push_back(rows::audit_link(rows));
    return out;
  });
}

std::vector<std::int64_t> MysqlStore::unchained_audit_ids(std::string_view school,
                                                          std::size_t limit) {
  return read("unchained_audit_ids", [&](sql::Connection& c) {
    auto rows = Query(c,
                      "SELECT a.id FROM audit_log a"
                      " LEFT JOIN audit_chain c ON c.audit_id = a.id AND c.school_id = a.school_id"
                      " WHERE a.school_id = ? AND c.audit_id IS NULL ORDER BY a.id LIMIT ?")
                    .bind(school)
                    .bind(limit_value(limit))
                    .rows();
    std::vector<std::int64_t> out;
    while (rows.next())
      out.push_back(rows.integer(0));
    return out;
  });
}

Upsert MysqlStore::upsert_site(const Site& site) {
  return transact("upsert_site", [&](sql::Connection& c) {
    // FOR UPDATE: two importers comparing against the same old row must not both decide.
    const std::optional<Site> existing = find_site_on(c, site.id, true);
    if (existing && *existing == site) return Upsert::unchanged;
    Query q(c, existing ? "UPDATE sites SET name = ?, kind = ?, trust_id = ?, urn = ?, phase = ?,"
                          " dummy = ? WHERE id = ?"
                        : "INSERT INTO sites (name, kind, trust_id, urn, phase, dummy, id)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?)");
    q.bind(site.name)
        .bind(site.kind == SiteKind::trust ? "trust" : "school")
        .bind(site.trust_id.empty() ? std::nullopt : std::optional<std::string_view>(site.trust_id))
        .bind(site.urn)
        .bind(site.phase)
        .bind(site.dummy)
        .bind(site.id);
    try {
      q.update();
    } catch (const sql::SQLException& e) {
      // Someone created it between our read and insert: compare again against theirs.
      if (e.getErrorCode() == mysql::kDuplicateKey) throw RetryTransaction{};
      throw;
    }
    Query(c,
          "INSERT INTO site_terms (site_id, version, title) VALUES (?, ?, ?)"
          " ON DUPLICATE KEY UPDATE version = VALUES(version), title = VALUES(title)")
        .bind(site.id)
        .bind(site.terms.version)
        .bind(site.terms.title)
        .update();
    return existing ? Upsert::changed : Upsert::created;
  });
}

std::optional<Site> MysqlStore::find_site(std::string_view id) {
  return read("find_site", [&](sql::Connection& c) { return find_site_on(c, id, false); });
}

std::vector<Site> MysqlStore::list_sites() {
  return read("list_sites", [](sql::Connection& c) {
    auto rows = Query(c, std::string(rows::kSelectSites) + " ORDER BY s.id").rows();
    std::vector<Site> out;
    while (rows.next())
      out.push_back(rows::site(rows));
    return out;
  });
}

Upsert MysqlStore::upsert_user(const User& user) {
  std::vector<std::string> roles = user.roles;
  std::sort(roles.begin(), roles.end());
  return transact("upsert_user", [&](sql::Connection& c) {
    // Lock the user's row first, so concurrent upserts of one user take turns.
    std::optional<std::int64_t> id;
    {
      auto rows =
          Query(c, "SELECT id FROM users WHERE email = ? FOR UPDATE").bind(user.email).rows();
      if (rows.next()) id = rows.integer(0);
    }
    const bool existed = id.has_value();
    if (existed) {
      const auto existing = find_user_on(c, "id", *id);
      if (existing && existing->name == user.name && existing->home_site == user.home_site &&
          existing->roles == roles) {
        return Upsert::unchanged;
      }
      Query(c, "UPDATE users SET name = ?, home_site = ? WHERE id = ?")
          .bind(user.name)
          .bind(user.home_site)
          .bind(*id)
          .update();
      Query(c, "DELETE FROM user_roles WHERE user_id = ?").bind(*id).update();
    } else {
      try {
        Query(c, "INSERT INTO users (email, name, home_site) VALUES (?, ?, ?)")
            .bind(user.email)
            .bind(user.name)
            .bind(user.home_site)
            .update();
      } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == mysql::kDuplicateKey) throw RetryTransaction{};
        throw;
      }
      id = scalar(c, "SELECT LAST_INSERT_ID()");
    }
    for (const auto& role : roles)
      Query(c, "INSERT INTO user_roles (user_id, role) VALUES (?, ?)")
          .bind(*id)
          .bind(role)
          .update();
    return existed ? Upsert::changed : Upsert::created;
  });
}

std::optional<User> MysqlStore::find_user(std::int64_t id) {
  return read("find_user", [&](sql::Connection& c) { return find_user_on(c, "id", id); });
}

std::optional<User> MysqlStore::find_user_by_email(std::string_view email) {
  return read("find_user_by_email",
              [&](sql::Connection& c) { return find_user_on(c, "email", email); });
}

std::vector<User> MysqlStore::users_of_site(std::string_view site_id) {
  return read("users_of_site", [&](sql::Connection& c) {
    auto rows = Query(c, rows::select_users_of_site()).bind(site_id).rows();
    return rows::users_with_roles(rows, [&] { return rows.next(); });
  });
}

std::optional<std::string> MysqlStore::password_hash(std::int64_t user_id) {
  return read("password_hash", [&](sql::Connection& c) -> std::optional<std::string> {
    auto rows = Query(c, "SELECT password_hash FROM users WHERE id = ?").bind(user_id).rows();
    if (!rows.next() || rows.is_null(0)) return std::nullopt;
    return rows.text(0);
  });
}

std::size_t MysqlStore::set_password_hash(std::int64_t user_id, const std::string& hash) {
  return transact("set_password_hash", [&](sql::Connection& c) {
    Query(c,
          "UPDATE users SET password_hash = ?, failed_attempts = 0, locked_until_ms = NULL"
          " WHERE id = ?")
        .bind(hash)
        .bind(user_id)
        .update();
    return static_cast<std::size_t>(
        Query(c, "DELETE FROM sessions WHERE user_id = ?").bind(user_id).update());
  });
}

std::vector<User> MysqlStore::list_users() {
  return read("list_users", [&](sql::Connection& c) {
    auto rows = Query(c, rows::select_all_users()).rows();
    return rows::users_with_roles(rows, [&] { return rows.next(); });
  });
}

// A sign-in that checked the password before this commits can still insert its session after
// it: SessionService::authenticate refuses every session of a disabled user, so that session
// is never usable, and it goes when it expires.
std::optional<UserDisabled> MysqlStore::disable_user(std::int64_t user_id, TimePoint at) {
  return transact("disable_user", [&](sql::Connection& c) -> std::optional<UserDisabled> {
    auto rows =
        Query(c, "SELECT disabled_at_ms FROM users WHERE id = ? FOR UPDATE").bind(user_id).rows();
    if (!rows.next()) return std::nullopt;
    UserDisabled out{.already = !rows.is_null(0)};
    if (!out.already) {
      Query(c, "UPDATE users SET disabled_at_ms = ? WHERE id = ?")
          .bind(to_unix_ms(at))
          .bind(user_id)
          .update();
    }
    out.sessions_ended = static_cast<std::size_t>(
        Query(c, "DELETE FROM sessions WHERE user_id = ?").bind(user_id).update());
    return out;
  });
}

bool MysqlStore::enable_user(std::int64_t user_id) {
  return transact("enable_user", [&](sql::Connection& c) {
    return Query(c,
                 "UPDATE users SET disabled_at_ms = NULL WHERE id = ? AND disabled_at_ms IS NOT "
                 "NULL")
               .bind(user_id)
               .update() > 0;
  });
}

void MysqlStore::set_partner_secret_hash(std::string_view app_id, const std::string& hash,
                                         TimePoint at) {
  transact("set_partner_secret_hash", [&](sql::Connection& c) {
    return Query(c,
                 "INSERT INTO partner_credentials (app_id, secret_hash, created_at_ms) VALUES (?, "
                 "?, ?)"
                 " ON DUPLICATE KEY UPDATE secret_hash = VALUES(secret_hash),"
                 " created_at_ms = VALUES(created_at_ms)")
        .bind(app_id)
        .bind(hash)
        .bind(to_unix_ms(at))
        .update();
  });
}

std::optional<std::string> MysqlStore::partner_secret_hash(std::string_view app_id) {
  return read("partner_secret_hash", [&](sql::Connection& c) -> std::optional<std::string> {
    auto rows = Query(c, "SELECT secret_hash FROM partner_credentials WHERE app_id = ?")
                    .bind(app_id)
                    .rows();
    if (!rows.next()) return std::nullopt;
    return rows.text(0);
  });
}

void MysqlStore::create_session(const Session& session) {
  transact("create_session", [&](sql::Connection& c) {
    return Query(c,
                 "INSERT INTO sessions (token_hash, user_id, created_at_ms, expires_at_ms)"
                 " VALUES (?, ?, ?, ?)")
        .bind(session.token_hash)
        .bind(session.user_id)
        .bind(to_unix_ms(session.created_at))
        .bind(to_unix_ms(session.expires_at))
        .update();
  });
}

std::optional<Session> MysqlStore::find_session(std::string_view token_hash) {
  return read("find_session", [&](sql::Connection& c) -> std::optional<Session> {
    auto rows = Query(c,
                      "SELECT token_hash, user_id, created_at_ms, expires_at_ms FROM sessions"
                      " WHERE token_hash = ?")
                    .bind(token_hash)
                    .rows();
    if (!rows.next()) return std::nullopt;
    return Session{rows.text(0), rows.integer(1), from_unix_ms(rows.integer(2)),
                   from_unix_ms(rows.integer(3))};
  });
}

bool MysqlStore::delete_session(std::string_view token_hash) {
  return transact("delete_session", [&](sql::Connection& c) {
    return Query(c, "DELETE FROM sessions WHERE token_hash = ?").bind(token_hash).update() > 0;
  });
}

std::size_t MysqlStore::delete_expired_sessions(TimePoint now) {
  return transact("delete_expired_sessions", [&](sql::Connection& c) {
    return static_cast<std::size_t>(
        Query(c, "DELETE FROM sessions WHERE expires_at_ms <= ?").bind(to_unix_ms(now)).update());
  });
}

void MysqlStore::record_login(const LoginAttempt& a) {
  transact("record_login", [&](sql::Connection& c) {
    return Query(c,
                 "INSERT INTO login_history (email, user_id, at_ms, address, user_agent, outcome)"
                 " VALUES (?, ?, ?, ?, ?, ?)")
        .bind(a.email)
        .bind(a.user_id)
        .bind(to_unix_ms(a.at))
        .bind(a.address)
        .bind(a.user_agent)
        .bind(a.outcome)
        .update();
  });
}

std::vector<LoginAttempt> MysqlStore::logins_for_user(std::int64_t user_id, std::size_t limit,
                                                      std::optional<std::int64_t> before_id) {
  return read("logins_for_user", [&](sql::Connection& c) {
    Query q(c, "SELECT " + std::string(rows::kLoginColumns) +
                   " FROM login_history WHERE user_id = ?" + (before_id ? " AND id < ?" : "") +
                   " ORDER BY id DESC LIMIT ?");
    q.bind(user_id);
    if (before_id) q.bind(*before_id);
    auto rows = q.bind(limit_value(limit)).rows();
    std::vector<LoginAttempt> out;
    while (rows.next())
      out.push_back(rows::login(rows));
    return out;
  });
}

std::vector<LoginAttempt> MysqlStore::latest_logins(std::span<const std::int64_t> user_ids) {
  if (user_ids.empty()) return {};
  return read("latest_logins", [&](sql::Connection& c) {
    Query q(c, rows::select_latest_logins(user_ids.size()));
    for (const auto id : user_ids)
      q.bind(id);
    auto rows = q.rows();
    std::vector<LoginAttempt> out;
    while (rows.next())
      out.push_back(rows::login(rows));
    return out;
  });
}

bool MysqlStore::login_succeeded_from(std::string_view email, std::string_view address,
                                      TimePoint since) {
  return read("login_succeeded_from", [&](sql::Connection& c) {
    return Query(c,
                 "SELECT 1 FROM login_history WHERE email = ? AND address = ?"
                 " AND outcome = 'success' AND at_ms >= ? LIMIT 1")
        .bind(email)
        .bind(address)
        .bind(to_unix_ms(since))
        .rows()
        .next();
  });
}

std::vector<Site> MysqlStore::schools_of_trust(std::string_view trust_id) {
  return read("schools_of_trust", [&](sql::Connection& c) {
    auto rows = Query(c, std::string(rows::kSelectSites) +
                             " WHERE s.trust_id = ? AND s.kind = 'school' ORDER BY s.id")
                    .bind(trust_id)
                    .rows();
    std::vector<Site> out;
    while (rows.next())
      out.push_back(rows::site(rows));
    return out;
  });
}

bool MysqlStore::accept_terms(const TermsAcceptance& a) {
  return transact("accept_terms", [&](sql::Connection& c) {
    try {
      Query(c, "INSERT INTO terms_acceptances (" + std::string(rows::kTermsColumns) +
                   ") VALUES (?, ?, ?, ?, ?, ?, ?)")
          .bind(a.user_id)
          .bind(a.site_id)
          .bind(a.version)
          .bind(a.title)
          .bind(a.acting_site)
          .bind(to_unix_ms(a.accepted_at))
          .bind(a.request_id)
          .update();
    } catch (const sql::SQLException& e) {
      // Accepted before: the first acceptance stays on record.
      if (e.getErrorCode() == mysql::kDuplicateKey) return false;
      throw;
    }
    return true;
  });
}

std::optional<TermsAcceptance> MysqlStore::find_terms_acceptance(std::int64_t user_id,
                                                                 std::string_view site_id,
                                                                 int version) {
  return read("find_terms_acceptance", [&](sql::Connection& c) -> std::optional<TermsAcceptance> {
    auto rows =
        Query(c, "SELECT " + std::string(rows::kTermsColumns) +
                     " FROM terms_acceptances WHERE user_id = ? AND site_id = ? AND version = ?")
            .bind(user_id)
            .bind(site_id)
            .bind(version)
            .rows();
    if (!rows.next()) return std::nullopt;
    return rows::terms_acceptance(rows);
  });
}

std::vector<TermsAcceptance> MysqlStore::terms_accepted_by(std::int64_t user_id) {
  return read("terms_accepted_by", [&](sql::Connection& c) {
    auto rows = Query(c, "SELECT " + std::string(rows::kTermsColumns) +
                             " FROM terms_acceptances WHERE user_id = ? ORDER BY site_id, version")
                    .bind(user_id)
                    .rows();
    std::vector<TermsAcceptance> out;
    while (rows.next())
      out.push_back(rows::terms_acceptance(rows));
    return out;
  });
}

NotificationPage MysqlStore::notifications_for(std::int64_t user_id,
                                               std::span<const std::string> schools,
                                               std::size_t limit,
                                               std::optional<std::int64_t> before_id) {
  if (schools.empty()) return {};
  return read("notifications_for", [&](sql::Connection& c) {
    NotificationPage page;
    const std::string in = " n.school_id IN (" + rows::placeholders(schools.size()) + ")";
    Query q(c, std::string(rows::kSelectNotifications) + " WHERE" + in +
                   (before_id ? " AND n.id < ?" : "") + " ORDER BY n.id DESC LIMIT ?");
    q.bind(user_id);
    for (const auto& school : schools)
      q.bind(school);
    if (before_id) q.bind(*before_id);
    // One more than asked for tells whether another page follows.
    auto rows = q.bind(limit_value(limit) + (limit < kMaxLimit ? 1 : 0)).rows();
    while (rows.next())
      page.items.push_back(rows::notification(rows));
    if (page.items.size() > limit) {
      page.items.resize(limit);
      page.more = true;
    }
    Query count(c, "SELECT COUNT(*) FROM notifications n WHERE" + in +
                       " AND NOT EXISTS (SELECT 1 FROM notification_reads r"
                       " WHERE r.notification_id = n.id AND r.user_id = ?)");
    for (const auto& school : schools)
      count.bind(school);
    auto counted = count.bind(user_id).rows();
    if (!counted.next()) throw StoreError("mysql: no row from the unread count");
    page.unread = counted.integer(0);
    return page;
  });
}

std::optional<Notification> MysqlStore::find_notification(std::int64_t id, std::int64_t user_id) {
  return read("find_notification", [&](sql::Connection& c) -> std::optional<Notification> {
    auto rows = Query(c, std::string(rows::kSelectNotifications) + " WHERE n.id = ?")
                    .bind(user_id)
                    .bind(id)
                    .rows();
    if (!rows.next()) return std::nullopt;
    return rows::notification(rows);
  });
}

bool MysqlStore::mark_notification_read(std::int64_t id, std::int64_t user_id, TimePoint at) {
  return transact("mark_notification_read", [&](sql::Connection& c) {
    // A no-op update on a duplicate changes no row, so 0 means "read before".
    return Query(c,
                 "INSERT INTO notification_reads (user_id, notification_id, read_at_ms)"
                 " VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE read_at_ms = read_at_ms")
               .bind(user_id)
               .bind(id)
               .bind(to_unix_ms(at))
               .update() > 0;
  });
}

std::size_t MysqlStore::mark_notifications_read(std::int64_t user_id,
                                                std::span<const std::string> schools,
                                                std::int64_t up_to, TimePoint at) {
  if (schools.empty()) return 0;
  return transact("mark_notifications_read", [&](sql::Connection& c) {
    Query q(c,
            "INSERT INTO notification_reads (user_id, notification_id, read_at_ms)"
            " SELECT ?, n.id, ? FROM notifications n WHERE n.school_id IN (" +
                rows::placeholders(schools.size()) +
                ") AND n.id <= ?"
                " ON DUPLICATE KEY UPDATE read_at_ms = notification_reads.read_at_ms");
    q.bind(user_id).bind(to_unix_ms(at));
    for (const auto& school : schools)
      q.bind(school);
    return static_cast<std::size_t>(q.bind(up_to).update());
  });
}

IdempotencyOutcome MysqlStore::claim_idempotency_key(const IdempotencyRecord& running,
                                                     TimePoint stale_before) {
  return transact("claim_idempotency_key", [&](sql::Connection& c) {
    // FOR UPDATE: two replicas taking over one stale claim take turns; the second sees the
    // first's fresh start and answers in_progress.
    auto rows =
        Query(c, "SELECT " + std::string(rows::kIdempotencyColumns) +
                     " FROM idempotency_keys WHERE user_id = ? AND scope = ? AND idem_key = ?"
                     " FOR UPDATE")
            .bind(running.user_id)
            .bind(running.scope)
            .bind(running.key)
            .rows();
    if (rows.next()) {
      IdempotencyOutcome out{rows::claim_against(rows::idempotency(rows), running, stale_before),
                             rows::idempotency(rows)};
      if (out.claim != IdempotencyClaim::claimed) return out;
      Query(c,
            "UPDATE idempotency_keys SET claim_token = ?, started_at_ms = ?"
            " WHERE user_id = ? AND scope = ? AND idem_key = ?")
          .bind(running.claim_token)
          .bind(to_unix_ms(running.started_at))
          .bind(running.user_id)
          .bind(running.scope)
          .bind(running.key)
          .update();
      out.record.claim_token = running.claim_token;
      out.record.started_at = running.started_at;
      return out;
    }
    try {
      Query(c,
            "INSERT INTO idempotency_keys (user_id, scope, idem_key, request_digest, state,"
            " claim_token, created_at_ms, started_at_ms) VALUES (?, ?, ?, ?, 'running', ?, ?, ?)")
          .bind(running.user_id)
          .bind(running.scope)
          .bind(running.key)
          .bind(running.request_digest)
          .bind(running.claim_token)
          .bind(to_unix_ms(running.created_at))
          .bind(to_unix_ms(running.started_at))
          .update();
    } catch (const sql::SQLException& e) {
      // A concurrent first use of the key won: look at theirs.
      if (e.getErrorCode() == mysql::kDuplicateKey) throw RetryTransaction{};
      throw;
    }
    return IdempotencyOutcome{IdempotencyClaim::claimed, running};
  });
}

bool MysqlStore::finish_idempotency_key(const IdempotencyRecord& claim, int status,
                                        const std::string& body, TimePoint at) {
  return transact("finish_idempotency_key",
                  [&](sql::Connection& c) { return finish_claim(c, claim, status, body, at); });
}

void MysqlStore::release_idempotency_key(const IdempotencyRecord& claim) {
  transact("release_idempotency_key", [&](sql::Connection& c) {
    return Query(c,
                 "DELETE FROM idempotency_keys WHERE user_id = ? AND scope = ? AND idem_key = ?"
                 " AND state = 'running' AND claim_token = ?")
        .bind(claim.user_id)
        .bind(claim.scope)
        .bind(claim.key)
        .bind(claim.claim_token)
        .update();
  });
}

// Each batch is its own short transaction: purging a year of history never holds many locks
// for long. DELETE ... ORDER BY ... LIMIT walks the time index from its oldest end.
std::size_t MysqlStore::delete_logins_before(TimePoint cutoff, std::size_t limit) {
  return transact("delete_logins_before", [&](sql::Connection& c) {
    return static_cast<std::size_t>(
        Query(c, "DELETE FROM login_history WHERE at_ms < ? ORDER BY at_ms LIMIT ?")
            .bind(to_unix_ms(cutoff))
            .bind(limit_value(limit))
            .update());
  });
}

std::size_t MysqlStore::delete_idempotency_keys_before(TimePoint cutoff, std::size_t limit) {
  return transact("delete_idempotency_keys_before", [&](sql::Connection& c) {
    return static_cast<std::size_t>(
        Query(c,
              "DELETE FROM idempotency_keys WHERE created_at_ms < ? ORDER BY created_at_ms"
              " LIMIT ?")
            .bind(to_unix_ms(cutoff))
            .bind(limit_value(limit))
            .update());
  });
}

}  // namespace canopy::store
