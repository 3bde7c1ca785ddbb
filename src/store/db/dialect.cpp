// SQLite's and MariaDB/MySQL's forms of the SQL that differs, side by side.
#include "store/db/dialect.hpp"

namespace canopy::store::db {
namespace {

std::string assignments(std::initializer_list<std::string_view> columns,
                        std::string (*value)(std::string_view)) {
  std::string out;
  for (const auto column : columns) {
    if (!out.empty()) out += ", ";
    out.append(column).append(" = ").append(value(column));
  }
  return out;
}

class SqliteDialect final : public Dialect {
 public:
  std::string_view name() const override { return "sqlite"; }

  std::span<const Migration> migrations() const override { return sqlite_migrations(); }
  std::string_view create_schema_migrations() const override {
    return "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT"
           " NOT NULL, applied_at_ms INTEGER NOT NULL)";
  }
  // SQLite's DDL is transactional: a migration and its version's row commit together, so a
  // migration never stops part way.
  bool transactional_ddl() const override { return true; }
  // IMMEDIATE takes the write lock at BEGIN: no two writers ever both read, then both write.
  std::string_view begin_transaction() const override { return "BEGIN IMMEDIATE"; }
  // sqlite3_exec runs a whole script, so a file is one statement to run.
  std::vector<std::string> migration_statements(std::string_view script) const override {
    return {std::string(script)};
  }

  // SQLite locks the whole database for a writer from BEGIN IMMEDIATE on: there are no row
  // locks to take.
  std::string_view for_update() const override { return ""; }
  std::string upsert(std::string_view key,
                     std::initializer_list<std::string_view> columns) const override {
    return on_conflict_update(key) + assignments(columns, &excluded_value);
  }
  std::string on_conflict_update(std::string_view key) const override {
    return " ON CONFLICT (" + std::string(key) + ") DO UPDATE SET ";
  }
  std::string excluded(std::string_view column) const override { return excluded_value(column); }
  std::string on_conflict_do_nothing(std::string_view key, std::string_view) const override {
    return " ON CONFLICT (" + std::string(key) + ") DO NOTHING";
  }
  // SQLite's MAX with two arguments is the scalar one; it has no GREATEST.
  std::string_view greatest() const override { return "MAX"; }
  // SQLite's DELETE takes no ORDER BY or LIMIT (unless built with an option Debian's is not):
  // the rows are picked by a subquery on the rowid.
  std::string delete_oldest(std::string_view table, std::string_view where,
                            std::string_view order) const override {
    const std::string t(table);
    return "DELETE FROM " + t + " WHERE rowid IN (SELECT rowid FROM " + t + " WHERE " +
           std::string(where) + " ORDER BY " + std::string(order) + " LIMIT ?)";
  }
  // sqlite3_changes counts each row an upsert inserted or updated once.
  std::int64_t upserted_rows(std::int64_t inserted, std::int64_t updated) const override {
    return inserted + updated;
  }

 private:
  static std::string excluded_value(std::string_view column) {
    return "excluded." + std::string(column);
  }
};

// Splits a migration file into statements: each ends with ';' at the end of a line, and lines
// that are only a comment are dropped. Migrations never put ';' at a line end inside a
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

class MysqlDialect final : public Dialect {
 public:
  std::string_view name() const override { return "mysql"; }

  std::span<const Migration> migrations() const override { return mysql_migrations(); }
  std::string_view create_schema_migrations() const override {
    return "CREATE TABLE IF NOT EXISTS schema_migrations (version INT NOT NULL PRIMARY KEY,"
           " name VARCHAR(255) NOT NULL, applied_at_ms BIGINT NOT NULL)"
           " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin";
  }
  // Every DDL statement commits implicitly: a migration can stop between two statements, so
  // each is written to be re-runnable and the version is recorded last.
  bool transactional_ddl() const override { return false; }
  std::string_view begin_transaction() const override { return "START TRANSACTION"; }
  // Multi-statement mode stays off on the connection (it would let one injected ';' run
  // anything), so a file runs one statement at a time.
  std::vector<std::string> migration_statements(std::string_view script) const override {
    return split_statements(script);
  }

  // InnoDB locks rows, and a plain SELECT under READ COMMITTED locks none: a read that decides
  // a write must lock what it read.
  std::string_view for_update() const override { return " FOR UPDATE"; }
  std::string upsert(std::string_view key,
                     std::initializer_list<std::string_view> columns) const override {
    return on_conflict_update(key) + assignments(columns, &inserted_value);
  }
  // MariaDB has no ON CONFLICT; its upsert names no key (any unique key's duplicate counts).
  std::string on_conflict_update(std::string_view) const override {
    return " ON DUPLICATE KEY UPDATE ";
  }
  std::string excluded(std::string_view column) const override { return inserted_value(column); }
  // A no-op update rather than INSERT IGNORE: IGNORE also turns other errors (a value too long
  // for its column, a missing foreign key) into warnings, and takes only a shared lock on the
  // duplicate, where the update takes the exclusive one a following write needs. An update
  // that changes nothing counts no row (the connection does not ask for CLIENT_FOUND_ROWS).
  std::string on_conflict_do_nothing(std::string_view, std::string_view column) const override {
    const std::string c(column);
    return " ON DUPLICATE KEY UPDATE " + c + " = " + c;
  }
  // MySQL's MAX is only the aggregate.
  std::string_view greatest() const override { return "GREATEST"; }
  // DELETE ... ORDER BY ... LIMIT walks the index on `order` from its oldest end.
  std::string delete_oldest(std::string_view table, std::string_view where,
                            std::string_view order) const override {
    return "DELETE FROM " + std::string(table) + " WHERE " + std::string(where) + " ORDER BY " +
           std::string(order) + " LIMIT ?";
  }
  // ON DUPLICATE KEY UPDATE reports 1 per row inserted and 2 per row it changed.
  std::int64_t upserted_rows(std::int64_t inserted, std::int64_t updated) const override {
    return inserted + 2 * updated;
  }

 private:
  static std::string inserted_value(std::string_view column) {
    return "VALUES(" + std::string(column) + ")";
  }
};

}  // namespace

const Dialect& sqlite_dialect() {
  static const SqliteDialect dialect;
  return dialect;
}

const Dialect& mysql_dialect() {
  static const MysqlDialect dialect;
  return dialect;
}

}  // namespace canopy::store::db
