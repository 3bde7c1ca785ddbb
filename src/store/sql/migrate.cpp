// The schema: the migration runner, the schema version, and how the store is put together.
#include <set>

#include <spdlog/spdlog.h>

#include "store/db/statements.hpp"
#include "store/migrations.hpp"
#include "store/sql/sql_store.hpp"

namespace canopy::store {
namespace {

// Rolls back a transaction the runner began unless it committed (an exception unwinding).
class MigrationStep {
 public:
  MigrationStep(db::Session& s, const db::Dialect& dialect)
      : s_(s), open_(dialect.transactional_ddl()) {
    if (open_) s_.execute(dialect.begin_transaction());
  }
  ~MigrationStep() {
    if (!open_) return;
    try {
      s_.execute("ROLLBACK");
    } catch (...) {
      // The failure that unwinds is the one to report; the engine rolls back a broken session.
    }
  }
  MigrationStep(const MigrationStep&) = delete;
  MigrationStep& operator=(const MigrationStep&) = delete;
  bool in_transaction() const { return open_; }
  void commit() {
    if (!open_) return;
    s_.execute("COMMIT");
    open_ = false;
  }

 private:
  db::Session& s_;
  bool open_;
};

}  // namespace

SqlStore::SqlStore(std::unique_ptr<db::Database> database, const db::Dialect& dialect)
    : db_(std::move(database)), dialect_(dialect) {}

int SqlStore::schema_version() {
  return db_->read("schema_version", [&](db::Session& s) {
    return static_cast<int>(
        db::scalar(s, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", dialect_.name()));
  });
}

int SqlStore::latest_schema_version() const {
  return latest_version(dialect_.migrations());
}

std::optional<PoolStats> SqlStore::pool_stats() const {
  return db_->pool_stats();
}

Result<MigrationReport> SqlStore::migrate(const Clock& clock) {
  const auto migrations = dialect_.migrations();
  const int known = latest_version(migrations);
  return db_->migrate("migrate", [&](db::Session& s) -> Result<MigrationReport> {
    s.execute_migration_statement(dialect_.create_schema_migrations());
    MigrationReport report;
    report.from_version = static_cast<int>(
        db::scalar(s, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", dialect_.name()));
    if (report.from_version > known) {
      return make_error(Errc::unavailable, "database schema version " +
                                               std::to_string(report.from_version) +
                                               " is newer than this canopy understands (" +
                                               std::to_string(known) + "); run a newer canopy");
    }
    // Every version not recorded yet, not only those above the newest: branches that each add
    // a migration merge in any order, and a database may already hold a higher one.
    std::set<std::int64_t> applied;
    {
      auto q = s.prepare("SELECT version FROM schema_migrations");
      while (q->next())
        applied.insert(q->integer(0));
    }
    for (const auto& m : migrations) {
      if (applied.contains(m.version)) continue;
      MigrationStep step(s, dialect_);
      for (const auto& statement : dialect_.migration_statements(m.sql)) {
        if (auto done = s.execute_migration_statement(statement)) {
          spdlog::info("{}: migration {}: done by an earlier run: {}", dialect_.name(), m.name,
                       *done);
        }
      }
      // Before the version is recorded: a run that stops part way is re-run, and chains what
      // is still unchained.
      if (m.version == kAuditChainVersion)
        report.audit_chained = chain_unchained(s, step.in_transaction());
      s.prepare("INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)")
          ->bind(m.version)
          .bind(m.name)
          .bind(to_unix_ms(clock.now()))
          .execute();
      step.commit();
      // Where a migration can stop part way, the log says how far a run got.
      if (!dialect_.transactional_ddl())
        spdlog::info("{}: applied migration {}", dialect_.name(), m.name);
    }
    report.to_version = std::max(report.from_version, known);
    return report;
  });
}

}  // namespace canopy::store
