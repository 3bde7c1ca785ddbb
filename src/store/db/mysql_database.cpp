// MariaDB / MySQL sessions over pooled Connector/C++ connections: statements, the retry rules
// of reads and transactions, the migration lock, and what the server's error codes mean.
#include "store/db/mysql_database.hpp"

#include <cppconn/connection.h>
#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <string>
#include <utility>

namespace canopy::store::db {
namespace {

void run_sql(sql::Connection& connection, std::string_view statement) {
  std::unique_ptr<sql::Statement> s(connection.createStatement());
  s->execute(sql::SQLString(statement.data(), statement.size()));
}

class MysqlStatement final : public Statement {
 public:
  MysqlStatement(sql::Connection& connection, std::string_view text)
      : statement_(connection.prepareStatement(sql::SQLString(text.data(), text.size()))) {}

  Statement& again() override {
    rows_.reset();
    statement_->clearParameters();
    index_ = 0;
    return *this;
  }
  std::int64_t execute() override { return statement_->executeUpdate(); }
  std::optional<std::int64_t> execute_unless_duplicate() override {
    try {
      return statement_->executeUpdate();
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() == mysql::kDuplicateKey) return std::nullopt;
      throw;
    }
  }
  bool next() override {
    if (!rows_) rows_.reset(statement_->executeQuery());
    return rows_->next();
  }

  // The driver counts columns from 1.
  bool is_null(int column) const override { return rows_->isNull(index(column)); }
  std::string text(int column) const override {
    return rows_->getString(index(column)).asStdString();
  }
  std::int64_t integer(int column) const override { return rows_->getInt64(index(column)); }

 protected:
  void bind_text(std::string_view value) override {
    statement_->setString(++index_, sql::SQLString(value.data(), value.size()));
  }
  void bind_integer(std::int64_t value) override { statement_->setInt64(++index_, value); }
  void bind_no_value() override { statement_->setNull(++index_, sql::DataType::VARCHAR); }

 private:
  static std::uint32_t index(int column) { return static_cast<std::uint32_t>(column) + 1; }
  // A result set of a prepared statement reads from buffers the statement owns: rows_ is
  // declared last, so it goes first.
  std::unique_ptr<sql::PreparedStatement> statement_;
  std::unique_ptr<sql::ResultSet> rows_;
  unsigned index_ = 0;
};

std::int64_t scalar(sql::Connection& connection, std::string_view query) {
  MysqlStatement s(connection, query);
  if (!s.next()) throw StoreError("mysql: no row from: " + std::string(query));
  return s.integer(0);
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

class MysqlSession final : public Session {
 public:
  MysqlSession(sql::Connection& connection, AuditIds audit_ids)
      : connection_(connection), audit_ids_(audit_ids) {}

  std::unique_ptr<Statement> prepare(std::string_view sql) override {
    return std::make_unique<MysqlStatement>(connection_, sql);
  }
  void execute(std::string_view sql) override { run_sql(connection_, sql); }
  // With innodb_autoinc_lock_mode 0 or 1 a "simple insert" (its row count known up front, no ON
  // DUPLICATE KEY UPDATE) reserves its whole range at once, so its rows get first, first +
  // step, ... in row order (step = auto_increment_increment, above 1 on Galera). Mode 2 may
  // interleave concurrent statements' rows.
  IdAllocation id_allocation() override {
    if (audit_ids_ == AuditIds::per_row) return {.consecutive = false};
    MysqlStatement s(connection_, "SELECT @@innodb_autoinc_lock_mode, @@auto_increment_increment");
    if (!s.next()) throw StoreError("mysql: no auto-increment settings");
    return {.consecutive = s.integer(0) != 2, .step = s.integer(1)};
  }
  // LAST_INSERT_ID() is the id of the first row a multi-row INSERT wrote.
  std::int64_t first_inserted_id(std::size_t) override {
    return scalar(connection_, "SELECT LAST_INSERT_ID()");
  }
  // DDL commits implicitly; each statement of a migration is written to be re-runnable, or,
  // where MySQL 8 has no IF [NOT] EXISTS (CREATE INDEX, ADD COLUMN, DROP and ADD of a foreign
  // key), an index, column or key that exists already, or a key already dropped, is taken as
  // the work of an earlier run that stopped part way.
  std::optional<std::string> execute_migration_statement(std::string_view sql) override {
    try {
      run_sql(connection_, mariadb() ? std::string(sql) : for_mysql(std::string(sql)));
      return std::nullopt;
    } catch (const sql::SQLException& e) {
      const int code = e.getErrorCode();
      if (code != mysql::kDuplicateKeyName && code != mysql::kDuplicateColumnName &&
          code != mysql::kCannotDropKey && code != mysql::kDuplicateForeignKeyName) {
        throw;
      }
      return e.what();
    }
  }

 private:
  bool mariadb() {
    if (!mariadb_) {
      MysqlStatement s(connection_, "SELECT VERSION()");
      mariadb_ = s.next() && s.text(0).find("MariaDB") != std::string::npos;
    }
    return *mariadb_;
  }

  sql::Connection& connection_;
  AuditIds audit_ids_;
  std::optional<bool> mariadb_;
};

constexpr std::chrono::seconds kMigrationLockWait{120};

// True when `e` says the connection itself is unusable: then it is closed instead of going back
// to the pool, and the pool checks its idle connections before handing them out again.
bool drop_if_broken(mysql::Pool& pool, mysql::Pool::Lease& lease, const sql::SQLException& e) {
  if (!mysql::is_connection_error(e)) return false;
  lease.discard();
  pool.note_connection_failure();
  return true;
}

}  // namespace

MysqlDatabase::MysqlDatabase(MysqlConfig config)
    : audit_ids_(config.audit_ids), pool_(std::move(config)) {}

void MysqlDatabase::run(Use use, std::string_view what, const std::function<void(Session&)>& work) {
  switch (use) {
    case Use::read:
      return read(what, work);
    case Use::transact:
      return transact(what, work);
    case Use::migrate:
      return migrate(what, work);
  }
}

void MysqlDatabase::read(std::string_view what, const std::function<void(Session&)>& work) {
  for (int attempt = 0;; ++attempt) {
    auto lease = pool_.acquire(attempt > 0);
    try {
      MysqlSession session(*lease, audit_ids_);
      work(session);
      return;
    } catch (const sql::SQLException& e) {
      if (drop_if_broken(pool_, lease, e) && attempt == 0) {
        spdlog::warn("mysql: {}: connection lost ({}); retrying on a new connection", what,
                     e.getErrorCode());
        continue;
      }
      throw StoreError(mysql::describe(e, what, pool_.config().password));
    }
  }
}

// Retried once from the start when the connection broke before COMMIT was sent (the server
// then rolls the attempt back), on a deadlock (InnoDB rolled it back), or when the work asks
// for it; never when COMMIT itself failed, because then the outcome is unknown.
void MysqlDatabase::transact(std::string_view what, const std::function<void(Session&)>& work) {
  bool fresh = false;  // after a broken connection, never retry on another pooled one
  for (int attempt = 0;; ++attempt) {
    auto lease = pool_.acquire(fresh);
    bool committing = false;
    const auto roll_back = [&] {
      try {
        run_sql(*lease, "ROLLBACK");
      } catch (const sql::SQLException&) {
        // A connection that cannot roll back must not go back to the pool mid-transaction.
        lease.discard();
      }
    };
    try {
      run_sql(*lease, "START TRANSACTION");
      MysqlSession session(*lease, audit_ids_);
      work(session);
      committing = true;
      run_sql(*lease, "COMMIT");
      return;
    } catch (const sql::SQLException& e) {
      const bool broken = drop_if_broken(pool_, lease, e);
      if (broken) {
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

// Under a server-wide named lock, so replicas starting together migrate once. Named locks are
// server-wide; the database name keeps two Canopy databases on one server from waiting for each
// other. MySQL caps lock names at 64 characters.
void MysqlDatabase::migrate(std::string_view what, const std::function<void(Session&)>& work) {
  const std::string lock_name = ("canopy.migrate." + pool_.config().database).substr(0, 64);
  auto lease = pool_.acquire();
  try {
    {
      MysqlStatement got(*lease, "SELECT GET_LOCK(?, ?)");
      got.bind(lock_name).bind(static_cast<std::int64_t>(kMigrationLockWait.count()));
      if (!got.next() || got.is_null(0) || got.integer(0) != 1) {
        throw StoreError("mysql: migrate: another process held the migration lock for " +
                         std::to_string(kMigrationLockWait.count()) + " s");
      }
    }
    MysqlSession session(*lease, audit_ids_);
    work(session);
    MysqlStatement released(*lease, "SELECT RELEASE_LOCK(?)");
    released.bind(lock_name);
    (void)released.next();
  } catch (const sql::SQLException& e) {
    // Closing the connection also releases the named lock if we still held it.
    lease.discard();
    throw StoreError(mysql::describe(e, what, pool_.config().password));
  } catch (...) {
    lease.discard();
    throw;
  }
}

}  // namespace canopy::store::db
