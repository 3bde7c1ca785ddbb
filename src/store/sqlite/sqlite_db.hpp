// A thin RAII layer over the SQLite C API: a database handle and prepared statements.
// Every failure throws StoreError with SQLite's message; callers never see a raw sqlite3*.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace canopy::store::sqlite {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::string_view value);
  // Without this, a string literal would bind as bool (pointer-to-bool beats string_view).
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind_null(int index);
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  // Advances to the next row; false when done.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  // run(), except that a row whose primary or unique key is taken already is no error: false,
  // and the statement wrote nothing.
  bool run_unless_duplicate();
  // Ready to run again with new bindings (a statement reused inside one transaction).
  Statement& reset();

  std::string text(int column) const;
  std::int64_t integer(int column) const;
  bool is_null(int column) const;
  std::optional<std::int64_t> optional_integer(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  explicit Database(const std::filesystem::path& file);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  Statement prepare(std::string_view sql) { return Statement(db_, sql); }
  int changes() const;
  std::int64_t last_insert_id() const;

  // Prepared statements kept for reuse: a statement of `sql` prepared before and given back,
  // else a new one. Give it back reset, under the same text, when done with it.
  std::unique_ptr<Statement> take_prepared(std::string_view sql);
  void give_back(std::string_view sql, std::unique_ptr<Statement> statement);

 private:
  sqlite3* db_ = nullptr;
  // Emptied before sqlite3_close, which needs every statement finalized.
  std::multimap<std::string, std::unique_ptr<Statement>, std::less<>> prepared_;
};

// Commits on commit(); rolls back if destroyed without it (an exception unwinding through).
class Transaction {
 public:
  explicit Transaction(Database& db, bool immediate = true);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace canopy::store::sqlite
