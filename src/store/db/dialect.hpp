// The SQL that differs between the engines, and nothing else: the store (store/sql) writes each
// statement once and asks its Dialect for the pieces below. sqlite_dialect() and mysql_dialect()
// say, piece by piece, why their engine needs its form.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/migrations.hpp"

namespace canopy::store::db {

class Dialect {
 public:
  virtual ~Dialect() = default;

  // How messages name the engine ("sqlite", "mysql").
  virtual std::string_view name() const = 0;

  // ---- Migrations ----
  // The embedded migrations/<dialect>/ files.
  virtual std::span<const Migration> migrations() const = 0;
  // Creates the table of applied versions if it is missing.
  virtual std::string_view create_schema_migrations() const = 0;
  // True when a migration and its version's row commit together; false when DDL commits by
  // itself, so a migration can stop part way and its statements must be re-runnable.
  virtual bool transactional_ddl() const = 0;
  // Starts the transaction of a migration step or a batch of chaining.
  virtual std::string_view begin_transaction() const = 0;
  // A migration file as the statements to run one at a time.
  virtual std::vector<std::string> migration_statements(std::string_view script) const = 0;

  // ---- Statements ----
  // Appended to a SELECT that reads rows the transaction will change: locks them until it ends.
  virtual std::string_view for_update() const = 0;
  // Appended to "INSERT ... VALUES (...)": on a row whose key `key` (the column list of the
  // primary or a unique key) exists, set each of `columns` to the value the insert carried.
  virtual std::string upsert(std::string_view key,
                             std::initializer_list<std::string_view> columns) const = 0;
  // The start of an upsert whose assignments the caller writes itself, with excluded() for the
  // values the insert carried.
  virtual std::string on_conflict_update(std::string_view key) const = 0;
  virtual std::string excluded(std::string_view column) const = 0;
  // Appended to an INSERT: a row whose key `key` exists is left as it is and not counted as
  // changed. `column` is any column of the table, qualified by its table's name.
  virtual std::string on_conflict_do_nothing(std::string_view key,
                                             std::string_view column) const = 0;
  // The scalar function giving the larger of two values.
  virtual std::string_view greatest() const = 0;
  // Deletes at most `?` (the last parameter) rows of `table` matching `where`, those with the
  // smallest `order` first.
  virtual std::string delete_oldest(std::string_view table, std::string_view where,
                                    std::string_view order) const = 0;
  // The rows an upsert of `inserted` new and `updated` existing rows reports as changed (every
  // update here changes the row).
  virtual std::int64_t upserted_rows(std::int64_t inserted, std::int64_t updated) const = 0;
};

const Dialect& sqlite_dialect();
const Dialect& mysql_dialect();

}  // namespace canopy::store::db
