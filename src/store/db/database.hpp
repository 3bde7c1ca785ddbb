// The database seam: what the one SQL store (store/sql) needs from an engine. SQLite
// (db/sqlite_database) and MariaDB/MySQL through Connector/C++ (db/mysql_database) implement
// it; the SQL text that differs between them comes from a Dialect (db/dialect.hpp).
// Every call blocks the calling thread, as the drivers do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "store/store.hpp"

namespace canopy::store::db {

// A prepared statement with positional parameters ('?'), bound in order, and the current row
// of its result, columns counted from 0 (store/row_mapping.hpp reads rows through this).
class Statement {
 public:
  virtual ~Statement() = default;

  Statement& bind(std::string_view value) {
    bind_text(value);
    return *this;
  }
  // Without this overload a string literal would convert to bool, not string_view.
  Statement& bind(const char* value) { return bind(std::string_view(value)); }
  Statement& bind(std::int64_t value) {
    bind_integer(value);
    return *this;
  }
  Statement& bind(int value) { return bind(static_cast<std::int64_t>(value)); }
  Statement& bind(bool value) { return bind(static_cast<std::int64_t>(value ? 1 : 0)); }
  Statement& bind_null() {
    bind_no_value();
    return *this;
  }
  template <class T>
  Statement& bind(const std::optional<T>& value) {
    return value ? bind(*value) : bind_null();
  }
  // Ready to bind from the first parameter again: one prepared statement, run many times.
  virtual Statement& again() = 0;

  // Runs a statement that returns no rows; the rows it changed (not merely matched).
  virtual std::int64_t execute() = 0;
  // execute(), except that a row whose primary or unique key is taken already is no error:
  // nullopt, and the statement wrote nothing.
  virtual std::optional<std::int64_t> execute_unless_duplicate() = 0;
  // Runs the query on the first call; moves to the next row, false when there is none.
  virtual bool next() = 0;

  virtual bool is_null(int column) const = 0;
  virtual std::string text(int column) const = 0;
  virtual std::int64_t integer(int column) const = 0;
  std::optional<std::int64_t> optional_integer(int column) const {
    if (is_null(column)) return std::nullopt;
    return integer(column);
  }

 protected:
  virtual void bind_text(std::string_view value) = 0;
  virtual void bind_integer(std::int64_t value) = 0;
  virtual void bind_no_value() = 0;
};

// How the ids one multi-row INSERT gives its rows follow each other: first, first + step, ...
// when `consecutive`; otherwise a batch must insert one row at a time to learn them.
struct IdAllocation {
  bool consecutive = true;
  std::int64_t step = 1;
};

// One connection to the database, for the duration of one read, transaction or migration run.
class Session {
 public:
  virtual ~Session() = default;
  virtual std::unique_ptr<Statement> prepare(std::string_view sql) = 0;
  // A statement with neither parameters nor rows.
  virtual void execute(std::string_view sql) = 0;
  // How the ids of the next multi-row INSERT will be allocated (asked once per batch).
  virtual IdAllocation id_allocation() = 0;
  // The id the first row of the last INSERT got, that INSERT having written `rows` rows.
  virtual std::int64_t first_inserted_id(std::size_t rows) = 0;
  // Runs one statement of a migration file. Where DDL is not transactional, a migration that
  // stopped part way runs again: an error saying that an earlier run did this statement's work
  // (the index, column or key exists, or is gone already) comes back as its text instead.
  virtual std::optional<std::string> execute_migration_statement(std::string_view sql) = 0;
};

// Thrown by transact()'s work to be run once more from the start, in a new transaction: a
// concurrent insert won a race the work lost, and it must look at the winner's row.
struct RetryTransaction {};

// Where sessions come from, and the rules each kind of use runs under. Failures of the database
// itself come out as StoreError (CommitTooLate and the work's own exceptions pass through).
class Database {
 public:
  virtual ~Database() = default;

  // Runs `work` in autocommit mode. Only for statements that are safe to run twice: an engine
  // may retry it once on a fresh connection when the connection broke.
  template <class Work>
  auto read(std::string_view what, Work&& work) {
    return run_as(Use::read, what, std::forward<Work>(work));
  }
  // Runs `work` in one transaction and commits when it returns. An engine may run it once
  // more from the start when the attempt was rolled back before COMMIT was sent (a lost
  // connection, a deadlock, RetryTransaction); never when the COMMIT itself failed.
  template <class Work>
  auto transact(std::string_view what, Work&& work) {
    return run_as(Use::transact, what, std::forward<Work>(work));
  }
  // Runs `work` on one session held throughout and kept from every other migration run (of any
  // process), outside any transaction and without retries: for migrations.
  template <class Work>
  auto migrate(std::string_view what, Work&& work) {
    return run_as(Use::migrate, what, std::forward<Work>(work));
  }

  // The connection pool's state, for an engine that has one.
  virtual std::optional<PoolStats> pool_stats() const { return std::nullopt; }

 protected:
  enum class Use { read, transact, migrate };
  virtual void run(Use use, std::string_view what, const std::function<void(Session&)>& work) = 0;

 private:
  template <class Work>
  auto run_as(Use use, std::string_view what, Work&& work) {
    using Out = std::invoke_result_t<Work&, Session&>;
    if constexpr (std::is_void_v<Out>) {
      run(use, what, [&](Session& s) { work(s); });
    } else {
      std::optional<Out> out;
      run(use, what, [&](Session& s) { out.emplace(work(s)); });
      return std::move(*out);
    }
  }
};

}  // namespace canopy::store::db
