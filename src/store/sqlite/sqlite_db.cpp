// SQLite handles and statements with errors turned into StoreError.
#include "store/sqlite/sqlite_db.hpp"

#include <sqlite3.h>

#include "store/store.hpp"

namespace canopy::store::sqlite {
namespace {
[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw StoreError("sqlite: " + std::string(what) + ": " +
                   (db ? sqlite3_errmsg(db) : "out of memory"));
}
}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
      SQLITE_OK) {
    fail(db, "prepare");
  }
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::string_view value) {
  if (sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK) {
    fail(db_, "bind");
  }
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

bool Statement::step() {
  switch (sqlite3_step(stmt_)) {
    case SQLITE_ROW:
      return true;
    case SQLITE_DONE:
      return false;
    default:
      fail(db_, "step");
  }
}

void Statement::run() {
  while (step()) {
  }
}

bool Statement::run_unless_duplicate() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_DONE) return true;
  if (rc == SQLITE_ROW) {
    run();
    return true;
  }
  const int code = sqlite3_extended_errcode(db_);
  if (code == SQLITE_CONSTRAINT_PRIMARYKEY || code == SQLITE_CONSTRAINT_UNIQUE) {
    // The failed statement was rolled back on its own; the transaction goes on.
    sqlite3_reset(stmt_);
    return false;
  }
  fail(db_, "step");
}

Statement& Statement::reset() {
  // sqlite3_reset repeats the last step's error, which step() has already reported.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  return *this;
}

std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
           : std::string();
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::optional<std::int64_t> Statement::optional_integer(int column) const {
  if (is_null(column)) return std::nullopt;
  return integer(column);
}

Database::Database(const std::filesystem::path& file) {
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(file.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string message = "cannot open " + file.string();
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("sqlite: " + message);
  }
  sqlite3_busy_timeout(db_, 5000);
  exec("PRAGMA foreign_keys = ON");
  exec("PRAGMA journal_mode = WAL");
  // FULL: every commit syncs the WAL before it returns, so a change the service has answered
  // survives a power cut or kernel crash, not only a crash of the process (NORMAL). The cost
  // is measured in docs/performance.md (bench/bulk).
  exec("PRAGMA synchronous = FULL");
}

Database::~Database() {
  prepared_.clear();
  sqlite3_close(db_);
}

std::unique_ptr<Statement> Database::take_prepared(std::string_view sql) {
  if (const auto found = prepared_.find(sql); found != prepared_.end()) {
    auto statement = std::move(found->second);
    prepared_.erase(found);
    return statement;
  }
  return std::make_unique<Statement>(db_, sql);
}

void Database::give_back(std::string_view sql, std::unique_ptr<Statement> statement) {
  // Statements with a varying number of placeholders (IN lists, multi-row inserts) come in
  // many texts: starting afresh when full keeps the cache small and the hot statements in it.
  constexpr std::size_t kMaxKept = 64;
  if (prepared_.size() >= kMaxKept) prepared_.clear();
  prepared_.emplace(std::string(sql), std::move(statement));
}

void Database::exec(std::string_view sql) {
  char* message = nullptr;
  const std::string statement(sql);
  if (sqlite3_exec(db_, statement.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    throw StoreError("sqlite: " + text);
  }
}

int Database::changes() const {
  return sqlite3_changes(db_);
}

std::int64_t Database::last_insert_id() const {
  return sqlite3_last_insert_rowid(db_);
}

Transaction::Transaction(Database& db, bool immediate) : db_(db) {
  db_.exec(immediate ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    db_.exec("ROLLBACK");
  } catch (const StoreError&) {
    // Nothing more can be done: SQLite already rolled back when the failure was fatal.
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace canopy::store::sqlite
