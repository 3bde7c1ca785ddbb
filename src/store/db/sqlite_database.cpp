// SQLite sessions, statements (prepared once, then reused) and transactions.
#include "store/db/sqlite_database.hpp"

#include <string>
#include <utility>

namespace canopy::store::db {
namespace {

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite::Database& db, std::string_view sql)
      : db_(db), sql_(sql), statement_(db.take_prepared(sql)) {}
  ~SqliteStatement() override {
    statement_->reset();
    db_.give_back(sql_, std::move(statement_));
  }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  Statement& again() override {
    statement_->reset();
    index_ = 0;
    return *this;
  }
  std::int64_t execute() override {
    statement_->run();
    return db_.changes();
  }
  std::optional<std::int64_t> execute_unless_duplicate() override {
    if (!statement_->run_unless_duplicate()) return std::nullopt;
    return db_.changes();
  }
  bool next() override { return statement_->step(); }

  bool is_null(int column) const override { return statement_->is_null(column); }
  std::string text(int column) const override { return statement_->text(column); }
  std::int64_t integer(int column) const override { return statement_->integer(column); }

 protected:
  void bind_text(std::string_view value) override { statement_->bind(++index_, value); }
  void bind_integer(std::int64_t value) override { statement_->bind(++index_, value); }
  void bind_no_value() override { statement_->bind_null(++index_); }

 private:
  sqlite::Database& db_;
  std::string sql_;
  std::unique_ptr<sqlite::Statement> statement_;
  int index_ = 0;
};

class SqliteSession final : public Session {
 public:
  explicit SqliteSession(sqlite::Database& db) : db_(db) {}

  std::unique_ptr<Statement> prepare(std::string_view sql) override {
    return std::make_unique<SqliteStatement>(db_, sql);
  }
  void execute(std::string_view sql) override { db_.exec(sql); }
  // Nothing else writes while a transaction holds the write lock (BEGIN IMMEDIATE), so one
  // INSERT's rows get consecutive rowids.
  IdAllocation id_allocation() override { return {}; }
  // sqlite3_last_insert_rowid names the last row of the last INSERT, not the first.
  std::int64_t first_inserted_id(std::size_t rows) override {
    return db_.last_insert_id() - static_cast<std::int64_t>(rows) + 1;
  }
  std::optional<std::string> execute_migration_statement(std::string_view sql) override {
    db_.exec(sql);
    return std::nullopt;
  }

 private:
  sqlite::Database& db_;
};

}  // namespace

SqliteDatabase::SqliteDatabase(const std::filesystem::path& file) : db_(file) {}

void SqliteDatabase::run(Use use, std::string_view what,
                         const std::function<void(Session&)>& work) {
  std::lock_guard lock(mutex_);
  SqliteSession session(db_);
  if (use != Use::transact) {
    work(session);
    return;
  }
  // Under mutex_ and BEGIN IMMEDIATE no concurrent insert can win a race, so RetryTransaction
  // is not expected here; it is honoured all the same, once, as the seam promises.
  for (int attempt = 0;; ++attempt) {
    try {
      sqlite::Transaction tx(db_);
      work(session);
      tx.commit();
      return;
    } catch (const RetryTransaction&) {
      if (attempt == 0) continue;
      throw StoreError("sqlite: " + std::string(what) +
                       ": kept conflicting with a concurrent change");
    }
  }
}

}  // namespace canopy::store::db
