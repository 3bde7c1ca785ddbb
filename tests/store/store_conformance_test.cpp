// One suite for every Store backend: each behaviour test runs against SQLite and MariaDB, so
// the backends cannot drift apart. Built twice: store_conformance_test runs it on SQLite with no
// server, store_conformance_mysql_test (CANOPY_TEST_ON_MARIADB, labelled mysql) on MariaDB.
// MariaDB-only tests (pool, reconnect) are at the end.
#include <gtest/gtest.h>

#ifdef CANOPY_TEST_ON_MARIADB
#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#endif

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cache/local_cache.hpp"
#include "consent/service.hpp"
#include "policy/snapshot.hpp"
#include "store/audit_chain.hpp"
#include "store/migrations.hpp"
#include "store/retention.hpp"
#ifdef CANOPY_TEST_ON_MARIADB
#include "store/mysql/mysql_pool.hpp"
#include "store/mysql/mysql_store.hpp"
#else
#include "store/sqlite/sqlite_db.hpp"
#include "store/sqlite/sqlite_store.hpp"
#endif
#include "support/eventually.hpp"
#include "support/import.hpp"
#include "support/manual_clock.hpp"
#include "support/servers.hpp"
#include "support/temp_dir.hpp"
#include "tenancy/actor.hpp"
#include "tenancy/importer.hpp"
#include "tenancy/tenants.hpp"

namespace canopy::store {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// ---- Backends: each gives a fresh, empty database and raw SQL access to it. ----

#ifndef CANOPY_TEST_ON_MARIADB
class SqliteBackend {
 public:
  static constexpr const char* kName = "sqlite";
  std::unique_ptr<Store> open() { return std::make_unique<SqliteStore>(file()); }
  void exec(const std::string& sql) { sqlite::Database(file()).exec(sql); }
  void exec_script(const std::string& sql) { exec(sql); }
  static int latest() { return latest_version(sqlite_migrations()); }
  static std::span<const Migration> migrations() { return sqlite_migrations(); }

 private:
  fs::path file() const { return dir_.path() / "canopy.db"; }
  testing::TempDir dir_;
};
#else

// Runs a statement that returns no rows on a Connector connection (test-side administration
// only; a SELECT must go through int_column, or its unread rows break the connection).
void run_sql(sql::Connection& c, const std::string& statement) {
  std::unique_ptr<sql::Statement> s(c.createStatement());
  s->execute(statement);
}

std::vector<std::int64_t> int_column(sql::Connection& c, const std::string& query) {
  std::unique_ptr<sql::Statement> s(c.createStatement());
  std::unique_ptr<sql::ResultSet> rows(s->executeQuery(query));
  std::vector<std::int64_t> out;
  while (rows->next())
    out.push_back(rows->getInt64(1));
  return out;
}

// A database of its own on the fixture's MariaDB, dropped afterwards.
class MysqlBackend {
 public:
  static constexpr const char* kName = "mariadb";

  MysqlBackend() {
    std::random_device random;
    const std::uint64_t id = (std::uint64_t{random()} << 32) | random();
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(id));
    database_ = std::string("canopy_t_") + hex;
    run_sql(*admin_, "CREATE DATABASE " + database_ + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
  }
  ~MysqlBackend() {
    try {
      run_sql(*admin_, "DROP DATABASE IF EXISTS " + database_);
    } catch (const std::exception&) {
      // A failed drop leaves a stray database on a throwaway server; not worth a crash.
    }
  }
  MysqlBackend(const MysqlBackend&) = delete;
  MysqlBackend& operator=(const MysqlBackend&) = delete;

  MysqlConfig config() const {
    const auto& servers = testing::TestServers::get();
    MysqlConfig c;
    c.host = servers.mysql_host;
    c.port = servers.mysql_port;
    c.user = servers.mysql_user;
    c.password = servers.mysql_password;
    c.database = database_;
    return c;
  }
  std::unique_ptr<Store> open() { return std::make_unique<MysqlStore>(config()); }
  std::unique_ptr<MysqlStore> open_mysql(std::size_t pool_size,
                                         std::chrono::milliseconds checkout_timeout) {
    auto c = config();
    c.pool_size = pool_size;
    c.checkout_timeout = checkout_timeout;
    return std::make_unique<MysqlStore>(c);
  }
  void exec(const std::string& sql) { run_sql(*connect(), sql); }
  // A migration file: one statement at a time, each ending with ';' at a line end.
  void exec_script(const std::string& script) {
    auto c = connect();
    std::istringstream lines(script);
    std::string line;
    std::string statement;
    while (std::getline(lines, line)) {
      if (line.rfind("--", 0) == 0) continue;
      statement += line + "\n";
      const auto end = line.find_last_not_of(" \t\r");
      if (end != std::string::npos && line[end] == ';') {
        run_sql(*c, statement.substr(0, statement.rfind(';')));
        statement.clear();
      }
    }
  }
  static int latest() { return latest_version(mysql_migrations()); }
  static std::span<const Migration> migrations() { return mysql_migrations(); }

  // A connection of the test's own, on the test database.
  std::unique_ptr<sql::Connection> connect() const { return mysql::open_connection(config()); }
  // The server's ids of every connection to the test database except `admin`'s own.
  std::vector<std::int64_t> store_connection_ids() const {
    return int_column(*admin_, "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '" +
                                   database_ + "' AND ID <> CONNECTION_ID() ORDER BY ID");
  }
  void kill(std::int64_t id) const { run_sql(*admin_, "KILL CONNECTION " + std::to_string(id)); }
  sql::Connection& admin() const { return *admin_; }
  const std::string& database() const { return database_; }

 private:
  static std::unique_ptr<sql::Connection> open_admin() {
    const auto& servers = testing::TestServers::get();
    MysqlConfig c;
    c.host = servers.mysql_host;
    c.port = servers.mysql_port;
    c.user = servers.mysql_user;
    c.password = servers.mysql_password;
    return mysql::open_connection(c);
  }
  std::unique_ptr<sql::Connection> admin_ = open_admin();
  std::string database_;
};

// MariaDB with every batch's audit ids taken one row at a time: the path a server that
// interleaves auto-increment ids (innodb_autoinc_lock_mode = 2) takes.
class MysqlPerRowIdsBackend : public MysqlBackend {
 public:
  static constexpr const char* kName = "mariadb_per_row_ids";
  std::unique_ptr<Store> open() {
    auto c = config();
    c.audit_ids = AuditIds::per_row;
    return std::make_unique<MysqlStore>(c);
  }
};
#endif

struct BackendNames {
  template <class Backend>
  static std::string GetName(int) {
    return Backend::kName;
  }
};

#ifdef CANOPY_TEST_ON_MARIADB
using Backends = ::testing::Types<MysqlBackend>;
#else
using Backends = ::testing::Types<SqliteBackend>;
#endif

// ---- Helpers ----

Site school(std::string id, std::string trust = "") {
  Site s;
  s.id = std::move(id);
  s.name = "School " + s.id;
  s.kind = SiteKind::school;
  s.trust_id = std::move(trust);
  s.urn = 123456;
  s.phase = "primary";
  return s;
}

Site trust(std::string id) {
  Site s;
  s.id = std::move(id);
  s.name = "Trust " + s.id;
  s.kind = SiteKind::trust;
  return s;
}

User user(std::string email, std::string home, std::vector<std::string> roles) {
  User u;
  u.email = std::move(email);
  u.name = "Name of " + u.email;
  u.home_site = std::move(home);
  u.roles = std::move(roles);
  return u;
}

using testing::eventually;

template <class Backend>
class StoreConformance : public ::testing::Test {
 protected:
  void SetUp() override { store_ = backend_.open(); }

  void migrate() {
    auto r = store_->migrate(clock_);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  // The schema as a release before `version` left it: every older migration, recorded.
  void migrate_below(int version) {
    backend_.exec(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at_ms BIGINT NOT NULL)");
    for (const auto& m : Backend::migrations()) {
      if (m.version >= version) continue;
      backend_.exec_script(m.sql);
      backend_.exec("INSERT INTO schema_migrations VALUES (" + std::to_string(m.version) + ", '" +
                    m.name + "', 0)");
    }
  }

  ConnectionChange insert(std::string school_id, std::string app, ConnectionStatus to,
                          bool decision = false) {
    return ConnectionChange{.school_id = std::move(school_id),
                            .app_id = std::move(app),
                            .expected_revision = std::nullopt,
                            .to = to,
                            .permission_set_version = 3,
                            .at = clock_.now(),
                            .is_decision = decision,
                            .decided_by = decision ? "someone@example.org" : ""};
  }

  AuditRecord audit(const ConnectionChange& c, std::optional<ConnectionStatus> from,
                    std::string request_id = "req") {
    return AuditRecord{.school_id = c.school_id,
                       .app_id = c.app_id,
                       .actor_kind = ActorKind::user,
                       .actor = "amir@example.org",
                       .actor_site = c.school_id,
                       .actor_role = "school_administrator",
                       .via_trust = false,
                       .action = from ? "approve" : "request",
                       .from_status = from,
                       .to_status = c.to,
                       .permission_set_version = c.permission_set_version,
                       .at = c.at,
                       .request_id = std::move(request_id)};
  }

  std::int64_t add_user(const std::string& email, const std::string& home = "oak") {
    EXPECT_EQ(store_->upsert_user(user(email, home, {"school_administrator"})), Upsert::created);
    return store_->find_user_by_email(email).value().id;
  }

  Backend backend_;  // declared first: the store closes before its database goes
  testing::ManualClock clock_;
  std::unique_ptr<Store> store_;
};

// A store with the schema and two schools in place.
template <class Backend>
class StoreData : public StoreConformance<Backend> {
 protected:
  void SetUp() override {
    StoreConformance<Backend>::SetUp();
    this->migrate();
    ASSERT_EQ(this->store_->upsert_site(school("oak")), Upsert::created);
    ASSERT_EQ(this->store_->upsert_site(school("elm")), Upsert::created);
  }
};

TYPED_TEST_SUITE(StoreConformance, Backends, BackendNames);
TYPED_TEST_SUITE(StoreData, Backends, BackendNames);

// ---- Migrations ----

TYPED_TEST(StoreConformance, MigrateNewDatabaseGoesFromZeroToLatest) {
  const int latest = TypeParam::latest();
  ASSERT_GE(latest, 1);
  auto r = this->store_->migrate(this->clock_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->from_version, 0);
  EXPECT_EQ(r->to_version, latest);
  EXPECT_EQ(this->store_->schema_version(), latest);
}

TYPED_TEST(StoreConformance, MigrateAgainIsANoOp) {
  this->migrate();
  ASSERT_EQ(this->store_->upsert_site(school("oak")), Upsert::created);
  const int latest = TypeParam::latest();
  auto again = this->store_->migrate(this->clock_);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->from_version, latest);
  EXPECT_EQ(again->to_version, latest);
  EXPECT_TRUE(this->store_->find_site("oak").has_value());

  // And from a fresh store on the same database.
  this->store_.reset();
  auto reopened = this->backend_.open();
  auto third = reopened->migrate(this->clock_);
  ASSERT_TRUE(third.ok()) << third.error().message;
  EXPECT_EQ(third->from_version, latest);
  EXPECT_EQ(third->to_version, latest);
  EXPECT_TRUE(reopened->find_site("oak").has_value());
}

TYPED_TEST(StoreConformance, NewerDatabaseIsRefused) {
  // Written by hand, as a newer canopy would have left it (SQL both dialects accept).
  this->backend_.exec(
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
      " applied_at_ms BIGINT NOT NULL)");
  this->backend_.exec("INSERT INTO schema_migrations VALUES (999, 'from_the_future', 0)");
  auto r = this->store_->migrate(this->clock_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::unavailable);
  EXPECT_NE(r.error().message.find("newer"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("999"), std::string::npos) << r.error().message;
  EXPECT_EQ(this->store_->schema_version(), 999);
}

TYPED_TEST(StoreConformance, NewerVersionAfterAMigrationIsRefusedAndChangesNothing) {
  this->migrate();
  ASSERT_EQ(this->store_->upsert_site(school("oak")), Upsert::created);
  const int latest = TypeParam::latest();
  this->backend_.exec("INSERT INTO schema_migrations VALUES (" + std::to_string(latest + 1) +
                      ", '9999_later', 0)");
  auto r = this->store_->migrate(this->clock_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::unavailable);
  EXPECT_NE(r.error().message.find("newer"), std::string::npos) << r.error().message;
  EXPECT_EQ(this->store_->schema_version(), latest + 1);
  EXPECT_TRUE(this->store_->find_site("oak").has_value());
}

TYPED_TEST(StoreConformance, AMigrationMissingBelowTheNewestIsApplied) {
  // Branches add migrations independently (0003 and 0004 are merged in either order), so a
  // database may hold a newer version without an older one: the older is applied all the same.
  this->migrate();
  for (const auto* table :
       {"notification_reads", "notifications", "terms_acceptances", "site_terms"}) {
    this->backend_.exec(std::string("DROP TABLE ") + table);
  }
  this->backend_.exec("DELETE FROM schema_migrations WHERE version = 2");
  const int latest = TypeParam::latest();
  ASSERT_GT(latest, 2);
  auto r = this->store_->migrate(this->clock_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->from_version, latest);
  EXPECT_EQ(r->to_version, latest);
  ASSERT_EQ(this->store_->upsert_site(school("oak")), Upsert::created);
  EXPECT_EQ(this->store_->find_site("oak")->terms.version, 1);
}

TYPED_TEST(StoreConformance, AColumnMigrationStoppedPartWayRunsAgain) {
  if (TypeParam::kName == std::string("sqlite")) {
    GTEST_SKIP() << "SQLite applies each migration in one transaction: it cannot stop part way";
  }
  // 0007 added its first column, then stopped: running it again must not fail on the column
  // that exists (MySQL 8 has no ADD COLUMN IF NOT EXISTS).
  this->migrate();
  this->backend_.exec("DELETE FROM schema_migrations WHERE version = 7");
  this->backend_.exec("ALTER TABLE audit_log DROP COLUMN client_request_id");
  auto r = this->store_->migrate(this->clock_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(this->store_->schema_version(), TypeParam::latest());
  this->backend_.exec("ALTER TABLE audit_log DROP COLUMN client_request_id");
  this->backend_.exec("ALTER TABLE users DROP COLUMN disabled_at_ms");
}

TYPED_TEST(StoreConformance, AnIndexMigrationStoppedPartWayRunsAgain) {
  // 0005 made its first index, then stopped before it was recorded: running it again must not
  // fail on the index that exists (MySQL 8 has no CREATE INDEX IF NOT EXISTS).
  this->migrate();
  this->backend_.exec("DELETE FROM schema_migrations WHERE version = 5");
  this->backend_.exec(TypeParam::kName == std::string("sqlite")
                          ? "DROP INDEX idempotency_keys_by_time"
                          : "DROP INDEX idempotency_keys_by_time ON idempotency_keys");
  auto r = this->store_->migrate(this->clock_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(this->store_->schema_version(), TypeParam::latest());
  // Both indexes are there: dropping them again works.
  this->backend_.exec(TypeParam::kName == std::string("sqlite")
                          ? "DROP INDEX idempotency_keys_by_time"
                          : "DROP INDEX idempotency_keys_by_time ON idempotency_keys");
  this->backend_.exec(TypeParam::kName == std::string("sqlite")
                          ? "DROP INDEX login_history_by_time"
                          : "DROP INDEX login_history_by_time ON login_history");
}

// A database from before sign-in throttling kept failed attempts at unknown emails; 0008
// deletes them and keeps the attempts at accounts.
TYPED_TEST(StoreConformance, SignInThrottlingMigrationDropsAttemptsAtUnknownEmails) {
  constexpr int kThrottlingVersion = 8;
  this->migrate_below(kThrottlingVersion);
  auto& store = *this->store_;
  ASSERT_EQ(store.upsert_site(school("oak")), Upsert::created);
  // Written as that version's schema has it: today's upsert_user writes later columns too.
  const std::int64_t uid = 41;
  this->backend_.exec(
      "INSERT INTO users (id, email, name, home_site) VALUES (41, 'amir@example.org', 'Amir', "
      "'oak')");
  const TimePoint at = this->clock_.now();
  store.record_login({0, "amir@example.org", uid, at, "192.0.2.1", "x", "success"});
  store.record_login(
      {0, "ghost@example.org", std::nullopt, at, "192.0.2.9", "x", "invalid_credentials"});
  auto r = store.migrate(this->clock_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(store.login_succeeded_from("amir@example.org", "192.0.2.1", at));
  EXPECT_EQ(store.logins_for_user(uid, 10, std::nullopt).size(), 1u);
  // Only the account's attempt is left to delete.
  EXPECT_EQ(store.delete_logins_before(at + 1h, 100), 1u);
}

// A database at schema version 2 with audit records written before the chain existed: the
// migration that adds the chain links them, per school in id order, so the chains verify at once.
TYPED_TEST(StoreConformance, MigrationChainsTheRecordsWrittenBeforeIt) {
  this->backend_.exec(
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
      " applied_at_ms BIGINT NOT NULL)");
  for (const auto& m : TypeParam::migrations()) {
    if (m.version >= kAuditChainVersion) continue;
    this->backend_.exec_script(m.sql);
    this->backend_.exec("INSERT INTO schema_migrations VALUES (" + std::to_string(m.version) +
                        ", '" + m.name + "', 0)");
  }
  const std::vector<std::pair<std::string, std::string>> written = {{"oak", "parentpay"},
                                                                    {"elm", "wonde"},
                                                                    {"oak", "parentpay"},
                                                                    {"elm", "cpoms"},
                                                                    {"oak", "wonde"}};
  int n = 0;
  for (const auto& [school_id, app] : written) {
    ++n;
    this->backend_.exec(
        "INSERT INTO audit_log (school_id, app_id, actor_kind, actor, actor_site, actor_role,"
        " via_trust, action, from_status, to_status, permission_set_version, at_ms, request_id)"
        " VALUES ('" +
        school_id + "', '" + app + "', 'user', 'amir@example.org', '" + school_id +
        "', 'school_administrator', 0, 'approve', 'pending', 'approved', 2, " +
        std::to_string(1000 * n) + ", 'req-" + std::to_string(n) + "')");
  }
  auto r = this->store_->migrate(this->clock_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->from_version, kAuditChainVersion - 1);
  EXPECT_EQ(r->audit_chained, 5);
  const auto oak = this->store_->audit_for_school("oak", 10);
  ASSERT_EQ(oak.size(), 3u);
  for (std::size_t i = 0; i < oak.size(); ++i) {
    EXPECT_EQ(oak[i].seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(oak[i].prev_hash, i == 0 ? "" : oak[i - 1].hash);
    EXPECT_EQ(oak[i].hash, audit_hash(oak[i], oak[i].seq, oak[i].prev_hash));
  }
  EXPECT_EQ(oak[1].request_id, "req-3");
  const auto report = verify_audit_chains(*this->store_, std::nullopt);
  EXPECT_TRUE(report.breaks.empty()) << report.breaks.front().problem;
  EXPECT_EQ(report.records, 5);
  EXPECT_EQ(report.schools, 2u);
  // Migrating again chains nothing more.
  EXPECT_EQ(this->store_->migrate(this->clock_)->audit_chained, 0);
}

// A database at schema version 6 whose chains were hashed before records had a client request
// id: migration 0007 adds the column (NULL on those records), the chains verify unchanged, new
// records continue them with the client's id in their hash, and dropping or adding the field
// behind Canopy's back is caught on either kind of record.
TYPED_TEST(StoreConformance, ChainsFromBeforeClientRequestIdsStillVerify) {
  constexpr int kClientIdsVersion = 7;
  this->migrate_below(kClientIdsVersion);
  // Two records of one school, chained as the schema-6 store chained them.
  std::string prev;
  for (int n = 1; n <= 2; ++n) {
    const AuditRecord r{.school_id = "oak",
                        .app_id = "parentpay",
                        .actor_kind = ActorKind::user,
                        .actor = "amir@example.org",
                        .actor_site = "oak",
                        .actor_role = "school_administrator",
                        .action = "approve",
                        .from_status = ConnectionStatus::pending,
                        .to_status = ConnectionStatus::approved,
                        .permission_set_version = 2,
                        .at = from_unix_ms(1000 * n),
                        .request_id = "client-chosen-" + std::to_string(n)};
    this->backend_.exec(
        "INSERT INTO audit_log (id, school_id, app_id, actor_kind, actor, actor_site, actor_role,"
        " via_trust, action, from_status, to_status, permission_set_version, at_ms, request_id)"
        " VALUES (" +
        std::to_string(n) +
        ", 'oak', 'parentpay', 'user', 'amir@example.org', 'oak', 'school_administrator', 0,"
        " 'approve', 'pending', 'approved', 2, " +
        std::to_string(1000 * n) + ", '" + r.request_id + "')");
    const std::string hash = audit_hash(r, n, prev);
    this->backend_.exec(
        "INSERT INTO audit_chain (audit_id, school_id, seq, prev_hash, hash) VALUES (" +
        std::to_string(n) + ", 'oak', " + std::to_string(n) + ", '" + prev + "', '" + hash + "')");
    prev = hash;
  }
  this->backend_.exec(
      "INSERT INTO audit_heads (school_id, seq, hash, audit_id) VALUES ('oak', 2, '" + prev +
      "', 2)");

  this->migrate();
  EXPECT_EQ(this->store_->schema_version(), TypeParam::latest());
  const auto verify = [&] { return verify_audit_chains(*this->store_, std::nullopt); };
  auto report = verify();
  EXPECT_TRUE(report.breaks.empty()) << report.breaks.front().problem;
  EXPECT_EQ(report.records, 2);
  const auto old = this->store_->audit_for_school("oak", 10);
  ASSERT_EQ(old.size(), 2u);
  EXPECT_FALSE(old[0].client_request_id.has_value());
  EXPECT_EQ(old[1].request_id, "client-chosen-2");

  // A new record continues the chain, with the client's id in its hash; one without a client
  // id is stored with "" (never NULL).
  ASSERT_EQ(this->store_->upsert_site(school("oak")), Upsert::created);
  auto change = this->insert("oak", "wonde", ConnectionStatus::pending);
  auto record = this->audit(change, std::nullopt, "0123456789abcdef");
  record.client_request_id = "forged-id";
  ASSERT_TRUE(this->store_->apply(change, record).has_value());
  auto plain = this->insert("oak", "cpoms", ConnectionStatus::pending);
  ASSERT_TRUE(this->store_->apply(plain, this->audit(plain, std::nullopt)).has_value());
  const auto all = this->store_->audit_for_school("oak", 10);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[2].seq, 3);
  EXPECT_EQ(all[2].prev_hash, old[1].hash);
  EXPECT_EQ(all[2].request_id, "0123456789abcdef");
  EXPECT_EQ(all[2].client_request_id, std::optional<std::string>("forged-id"));
  EXPECT_EQ(all[3].client_request_id, std::optional<std::string>(""));
  report = verify();
  EXPECT_TRUE(report.breaks.empty()) << report.breaks.front().problem;

  // Turning the new record into an old-style one, or changing its client id, is an edit.
  for (const std::string value : {"NULL", "'other-id'"}) {
    this->backend_.exec("UPDATE audit_log SET client_request_id = " + value +
                        " WHERE id = " + std::to_string(all[2].id));
    report = verify();
    ASSERT_EQ(report.breaks.size(), 1u) << value;
    EXPECT_EQ(report.breaks[0].record_id, all[2].id) << value;
    EXPECT_NE(report.breaks[0].problem.find("hash mismatch"), std::string::npos);
  }
  this->backend_.exec("UPDATE audit_log SET client_request_id = 'forged-id' WHERE id = " +
                      std::to_string(all[2].id));
  EXPECT_TRUE(verify().breaks.empty());
  // An old record given a client id no longer matches its hash either.
  this->backend_.exec("UPDATE audit_log SET client_request_id = '' WHERE id = 1");
  report = verify();
  ASSERT_EQ(report.breaks.size(), 1u);
  EXPECT_EQ(report.breaks[0].record_id, 1);
}

// ---- Connections and their audit trail ----

TYPED_TEST(StoreData, InsertCreatesRevisionOneAndOneAuditRow) {
  auto& store = *this->store_;
  const auto change = this->insert("oak", "parentpay", ConnectionStatus::pending);
  auto c = store.apply(change, this->audit(change, std::nullopt, "req-insert"));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->school_id, "oak");
  EXPECT_EQ(c->app_id, "parentpay");
  EXPECT_EQ(c->status, ConnectionStatus::pending);
  EXPECT_EQ(c->revision, 1);
  EXPECT_EQ(c->permission_set_version, 3);
  EXPECT_EQ(c->requested_at, this->clock_.now());
  EXPECT_FALSE(c->decided_at.has_value());
  EXPECT_EQ(c->decided_by, "");
  EXPECT_EQ(store.audit_count(), 1);

  auto found = store.find_connection("oak", "parentpay");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->revision, 1);
  EXPECT_FALSE(store.find_connection("elm", "parentpay").has_value());

  const auto rows = store.audit_for_school("oak", 10);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_GT(rows[0].id, 0);
  EXPECT_EQ(rows[0].school_id, "oak");
  EXPECT_EQ(rows[0].app_id, "parentpay");
  EXPECT_EQ(rows[0].actor_kind, ActorKind::user);
  EXPECT_EQ(rows[0].actor, "amir@example.org");
  EXPECT_EQ(rows[0].actor_site, "oak");
  EXPECT_EQ(rows[0].actor_role, "school_administrator");
  EXPECT_FALSE(rows[0].via_trust);
  EXPECT_EQ(rows[0].action, "request");
  EXPECT_FALSE(rows[0].from_status.has_value());
  EXPECT_EQ(rows[0].to_status, ConnectionStatus::pending);
  EXPECT_EQ(rows[0].permission_set_version, 3);
  EXPECT_EQ(rows[0].at, this->clock_.now());
  EXPECT_EQ(rows[0].request_id, "req-insert");
  EXPECT_TRUE(store.audit_for_school("elm", 10).empty());
}

// Below the edge's grammar, the database itself compares ids and emails byte for byte (issue 9):
// under MariaDB's old PAD SPACE collation 'oak ' found 'oak', and the padded id then became a
// cache key and an audit school that nothing else names.
TYPED_TEST(StoreData, IdsAndEmailsCompareExactly) {
  auto& store = *this->store_;
  const auto change = this->insert("oak", "parentpay", ConnectionStatus::pending);
  ASSERT_TRUE(store.apply(change, this->audit(change, std::nullopt, "req-exact")).has_value());
  this->add_user("amir@example.org");
  for (const std::string_view oak : {"oak ", "oak  ", "OAK", "Oak", " oak", "oak\t"}) {
    EXPECT_FALSE(store.find_site(oak).has_value()) << "'" << oak << "'";
    EXPECT_FALSE(store.find_connection(oak, "parentpay").has_value()) << "'" << oak << "'";
    EXPECT_TRUE(store.list_connections(oak, std::nullopt).empty()) << "'" << oak << "'";
  }
  EXPECT_FALSE(store.find_connection("oak", "parentpay ").has_value());
  EXPECT_FALSE(store.find_user_by_email("amir@example.org ").has_value());
  EXPECT_TRUE(store.find_connection("oak", "parentpay").has_value());
  EXPECT_TRUE(store.find_user_by_email("amir@example.org").has_value());
}

TYPED_TEST(StoreData, AuditKeepsEveryActorField) {
  auto& store = *this->store_;
  const auto change = this->insert("oak", "wonde", ConnectionStatus::approved, true);
  AuditRecord a = this->audit(change, std::nullopt, "req-trust");
  a.actor_kind = ActorKind::partner;
  a.actor = "dana.central@oakfield.example";
  a.actor_site = "oakfield-trust";
  a.actor_role = "trust_central_team";
  a.via_trust = true;
  a.action = "import";
  ASSERT_TRUE(store.apply(change, a).has_value());
  const auto rows = store.audit_for_school("oak", 10);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].actor_kind, ActorKind::partner);
  EXPECT_EQ(rows[0].actor, "dana.central@oakfield.example");
  EXPECT_EQ(rows[0].actor_site, "oakfield-trust");
  EXPECT_EQ(rows[0].actor_role, "trust_central_team");
  EXPECT_TRUE(rows[0].via_trust);
  EXPECT_EQ(rows[0].action, "import");
  EXPECT_EQ(rows[0].to_status, ConnectionStatus::approved);
}

TYPED_TEST(StoreData, InsertOfADecisionSetsDecidedFields) {
  const auto change = this->insert("oak", "wonde", ConnectionStatus::approved, true);
  auto c = this->store_->apply(change, this->audit(change, std::nullopt));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->status, ConnectionStatus::approved);
  ASSERT_TRUE(c->decided_at.has_value());
  EXPECT_EQ(*c->decided_at, this->clock_.now());
  EXPECT_EQ(c->decided_by, "someone@example.org");
}

TYPED_TEST(StoreData, SecondInsertForTheSamePairWritesNothing) {
  auto& store = *this->store_;
  const auto first = this->insert("oak", "parentpay", ConnectionStatus::pending);
  ASSERT_TRUE(store.apply(first, this->audit(first, std::nullopt)).has_value());
  this->clock_.advance(1min);
  const auto second = this->insert("oak", "parentpay", ConnectionStatus::approved, true);
  EXPECT_FALSE(store.apply(second, this->audit(second, std::nullopt)).has_value());
  EXPECT_EQ(store.audit_count(), 1);
  auto c = store.find_connection("oak", "parentpay");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->status, ConnectionStatus::pending);
  EXPECT_EQ(c->revision, 1);
  EXPECT_EQ(c->requested_at, first.at);
}

TYPED_TEST(StoreData, UpdateWithTheRightRevision) {
  auto& store = *this->store_;
  const auto first = this->insert("oak", "parentpay", ConnectionStatus::pending);
  ASSERT_TRUE(store.apply(first, this->audit(first, std::nullopt)).has_value());
  this->clock_.advance(10min);
  ConnectionChange change{.school_id = "oak",
                          .app_id = "parentpay",
                          .expected_revision = 1,
                          .to = ConnectionStatus::approved,
                          .permission_set_version = 4,
                          .at = this->clock_.now(),
                          .is_decision = true,
                          .decided_by = "amir@example.org"};
  auto c = store.apply(change, this->audit(change, ConnectionStatus::pending, "req-approve"));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->status, ConnectionStatus::approved);
  EXPECT_EQ(c->revision, 2);
  EXPECT_EQ(c->permission_set_version, 4);
  EXPECT_EQ(c->requested_at, first.at);
  ASSERT_TRUE(c->decided_at.has_value());
  EXPECT_EQ(*c->decided_at, this->clock_.now());
  EXPECT_EQ(c->decided_by, "amir@example.org");
  EXPECT_EQ(store.audit_count(), 2);

  const auto rows = store.audit_for_school("oak", 10);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_LT(rows[0].id, rows[1].id);
  EXPECT_EQ(rows[1].action, "approve");
  ASSERT_TRUE(rows[1].from_status.has_value());
  EXPECT_EQ(*rows[1].from_status, ConnectionStatus::pending);
  EXPECT_EQ(rows[1].to_status, ConnectionStatus::approved);
  EXPECT_EQ(rows[1].permission_set_version, 4);
  EXPECT_EQ(rows[1].request_id, "req-approve");
  EXPECT_EQ(store.audit_for_school("oak", 1).size(), 1u);
}

// ---- Revocation without Redis (issue 9, points 5 and 14) ----

TYPED_TEST(StoreData, OnlyAChangeThatAsksMovesTheRevocationEpochInItsOwnTransaction) {
  auto& store = *this->store_;
  EXPECT_EQ(store.revocation_epoch(), 1);
  const auto first = this->insert("oak", "parentpay", ConnectionStatus::pending);
  ASSERT_TRUE(store.apply(first, this->audit(first, std::nullopt)).has_value());
  EXPECT_EQ(store.revocation_epoch(), 1) << "a change that does not ask leaves it";
  ConnectionChange reject{.school_id = "oak",
                          .app_id = "parentpay",
                          .expected_revision = 1,
                          .to = ConnectionStatus::rejected,
                          .permission_set_version = 3,
                          .at = this->clock_.now(),
                          .is_decision = true,
                          .decided_by = "amir@example.org",
                          .guard = {.advance_epoch = true}};
  // A change that fails its revision check writes nothing, the epoch included.
  ConnectionChange stale = reject;
  stale.expected_revision = 7;
  EXPECT_FALSE(store.apply(stale, this->audit(stale, ConnectionStatus::pending)).has_value());
  EXPECT_EQ(store.revocation_epoch(), 1);
  ASSERT_TRUE(store.apply(reject, this->audit(reject, ConnectionStatus::pending)).has_value());
  EXPECT_EQ(store.revocation_epoch(), 2);
  // A batch moves it once, whichever of its changes asks.
  std::vector<AuditedChange> batch;
  for (const char* app : {"wonde", "cpoms"}) {
    auto change = this->insert("elm", app, ConnectionStatus::pending);
    batch.push_back({change, this->audit(change, std::nullopt)});
  }
  batch[1].change.guard.advance_epoch = true;
  ASSERT_TRUE(store.apply_all(batch).has_value());
  EXPECT_EQ(store.revocation_epoch(), 3);
}

TYPED_TEST(StoreData, AChangePastItsCommitDeadlineIsRolledBack) {
  auto& store = *this->store_;
  auto late = this->insert("oak", "parentpay", ConnectionStatus::pending);
  late.guard = {.advance_epoch = true,
                .commit_by = std::chrono::steady_clock::now() - std::chrono::milliseconds(1)};
  EXPECT_THROW(store.apply(late, this->audit(late, std::nullopt)), CommitTooLate);
  EXPECT_FALSE(store.find_connection("oak", "parentpay").has_value());
  EXPECT_EQ(store.audit_count(), 0);
  EXPECT_EQ(store.revocation_epoch(), 1);
  std::vector<AuditedChange> batch{{late, this->audit(late, std::nullopt)}};
  EXPECT_THROW(store.apply_all(batch), CommitTooLate);
  EXPECT_FALSE(store.find_connection("oak", "parentpay").has_value());
  // In time, it commits.
  late.guard.commit_by = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  EXPECT_TRUE(store.apply(late, this->audit(late, std::nullopt)).has_value());
}

TYPED_TEST(StoreData, PollsOfTheEpochKeepEachReplicasRunOfPolls) {
  auto& store = *this->store_;
  const auto t0 = this->clock_.now();
  auto poll = [&](const char* replica) {
    const auto now = this->clock_.now();
    return store.poll_epoch(replica, now, now - 3s, now - 3s);
  };
  EXPECT_EQ(poll("b-one").epoch, 1);
  this->clock_.advance(1s);
  const auto second = poll("b-two");
  EXPECT_EQ(second.live, (std::vector<std::string>{"b-one", "b-two"}));
  this->clock_.advance(1s);
  poll("b-one");
  auto seen = store.replicas_seen(t0);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].id, "b-one");
  EXPECT_EQ(seen[0].first_seen, t0) << "the same run of polls";
  EXPECT_EQ(seen[0].seen, t0 + 2s);
  // Absent for longer than the window: b-two's next poll starts a new run, and meanwhile the
  // others no longer list it.
  this->clock_.advance(5s);
  EXPECT_EQ(poll("b-one").live, (std::vector<std::string>{"b-one"}));
  poll("b-two");
  seen = store.replicas_seen(t0);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].first_seen, t0 + 7s);
  store.forget_replica("b-one");
  EXPECT_EQ(store.replicas_seen(t0).size(), 1u);
  EXPECT_EQ(store.forget_replicas_before(this->clock_.now() + 1s), 1u);
  EXPECT_TRUE(store.replicas_seen(t0).empty());
}

TYPED_TEST(StoreData, UpdateThatIsNotADecisionKeepsDecidedFields) {
  auto& store = *this->store_;
  const auto first = this->insert("oak", "wonde", ConnectionStatus::approved, true);
  ASSERT_TRUE(store.apply(first, this->audit(first, std::nullopt)).has_value());
  this->clock_.advance(1h);
  ConnectionChange change{.school_id = "oak",
                          .app_id = "wonde",
                          .expected_revision = 1,
                          .to = ConnectionStatus::approved,
                          .permission_set_version = 5,
                          .at = this->clock_.now(),
                          .is_decision = false};
  auto c = store.apply(change, this->audit(change, ConnectionStatus::approved));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->revision, 2);
  EXPECT_EQ(c->permission_set_version, 5);
  ASSERT_TRUE(c->decided_at.has_value());
  EXPECT_EQ(*c->decided_at, first.at);
  EXPECT_EQ(c->decided_by, "someone@example.org");
}

TYPED_TEST(StoreData, UpdateWithAStaleRevisionWritesNothing) {
  auto& store = *this->store_;
  const auto first = this->insert("oak", "parentpay", ConnectionStatus::pending);
  ASSERT_TRUE(store.apply(first, this->audit(first, std::nullopt)).has_value());
  ConnectionChange approve{.school_id = "oak",
                           .app_id = "parentpay",
                           .expected_revision = 1,
                           .to = ConnectionStatus::approved,
                           .permission_set_version = 3,
                           .at = this->clock_.now(),
                           .is_decision = true,
                           .decided_by = "first@example.org"};
  ASSERT_TRUE(store.apply(approve, this->audit(approve, ConnectionStatus::pending)).has_value());

  this->clock_.advance(1min);
  ConnectionChange stale = approve;
  stale.to = ConnectionStatus::rejected;
  stale.at = this->clock_.now();
  stale.decided_by = "second@example.org";  // still expects revision 1
  EXPECT_FALSE(store.apply(stale, this->audit(stale, ConnectionStatus::pending)).has_value());
  EXPECT_EQ(store.audit_count(), 2);
  auto c = store.find_connection("oak", "parentpay");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->status, ConnectionStatus::approved);
  EXPECT_EQ(c->revision, 2);
  EXPECT_EQ(c->decided_by, "first@example.org");
}

TYPED_TEST(StoreData, UpdateOfAMissingConnectionWritesNothing) {
  auto& store = *this->store_;
  ConnectionChange change{.school_id = "oak",
                          .app_id = "ghost",
                          .expected_revision = 1,
                          .to = ConnectionStatus::approved,
                          .at = this->clock_.now(),
                          .is_decision = true,
                          .decided_by = "x@example.org"};
  EXPECT_FALSE(store.apply(change, this->audit(change, ConnectionStatus::pending)).has_value());
  EXPECT_EQ(store.audit_count(), 0);
  EXPECT_FALSE(store.find_connection("oak", "ghost").has_value());
}

TYPED_TEST(StoreData, ConnectionForAnUnknownSchoolIsAStoreErrorAndWritesNothing) {
  // The schema refuses it (foreign key); the whole transaction, audit row included, goes.
  auto& store = *this->store_;
  const auto change = this->insert("nowhere", "parentpay", ConnectionStatus::pending);
  EXPECT_THROW((void)store.apply(change, this->audit(change, std::nullopt)), StoreError);
  EXPECT_EQ(store.audit_count(), 0);
  EXPECT_FALSE(store.find_connection("nowhere", "parentpay").has_value());
  // The store is still usable afterwards.
  const auto ok = this->insert("oak", "parentpay", ConnectionStatus::pending);
  EXPECT_TRUE(store.apply(ok, this->audit(ok, std::nullopt)).has_value());
}

// ---- The audit chain ----

template <class Fixture>
void decide(Fixture& f, const std::string& school_id, const std::string& app, ConnectionStatus to) {
  auto& store = *f.store_;
  const auto current = store.find_connection(school_id, app);
  f.clock_.advance(1s);
  ConnectionChange change{
      .school_id = school_id,
      .app_id = app,
      .expected_revision = current ? std::optional<std::int64_t>(current->revision) : std::nullopt,
      .to = to,
      .permission_set_version = 3,
      .at = f.clock_.now(),
      .is_decision = current.has_value(),
      .decided_by = "amir@example.org"};
  ASSERT_TRUE(
      store.apply(change, f.audit(change, current ? std::optional(current->status) : std::nullopt))
          .has_value());
}

template <class Backend>
class AuditChain : public StoreData<Backend> {
 protected:
  // oak: parentpay requested, approved, rejected; wonde requested. elm: wonde requested.
  void write_some() {
    decide(*this, "oak", "parentpay", ConnectionStatus::pending);
    decide(*this, "elm", "wonde", ConnectionStatus::pending);
    decide(*this, "oak", "parentpay", ConnectionStatus::approved);
    decide(*this, "oak", "wonde", ConnectionStatus::pending);
    decide(*this, "oak", "parentpay", ConnectionStatus::rejected);
  }
  ChainReport verify() { return verify_audit_chains(*this->store_, std::nullopt); }
  std::string breaks() {
    std::string out;
    for (const auto& b : verify().breaks)
      out += b.school_id + " " + std::to_string(b.record_id) + " " + std::to_string(b.seq) + ": " +
             b.problem + "\n";
    return out;
  }
  AuditRecord oak(std::size_t seq) {
    return this->store_->audit_for_school("oak", 100).at(seq - 1);
  }

 public:
  using StoreData<Backend>::store_;
  using StoreData<Backend>::clock_;
  using StoreData<Backend>::audit;
};
TYPED_TEST_SUITE(AuditChain, Backends, BackendNames);

TYPED_TEST(AuditChain, EachSchoolHasOneChainOfItsOwn) {
  this->write_some();
  const auto oak = this->store_->audit_for_school("oak", 100);
  ASSERT_EQ(oak.size(), 4u);
  for (std::size_t i = 0; i < oak.size(); ++i) {
    EXPECT_EQ(oak[i].seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(oak[i].prev_hash, i == 0 ? "" : oak[i - 1].hash);
    EXPECT_EQ(oak[i].hash.size(), 64u);
    EXPECT_EQ(oak[i].hash, audit_hash(oak[i], oak[i].seq, oak[i].prev_hash));
  }
  const auto elm = this->store_->audit_for_school("elm", 100);
  ASSERT_EQ(elm.size(), 1u);
  EXPECT_EQ(elm[0].seq, 1);
  EXPECT_EQ(elm[0].prev_hash, "");
  const auto head = this->store_->audit_head("oak");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->seq, 4);
  EXPECT_EQ(head->hash, oak.back().hash);
  EXPECT_EQ(head->audit_id, oak.back().id);
  EXPECT_EQ(this->store_->audited_schools(), (std::vector<std::string>{"elm", "oak"}));
  const auto report = this->verify();
  EXPECT_TRUE(report.breaks.empty()) << this->breaks();
  EXPECT_EQ(report.records, 5);
  EXPECT_EQ(report.schools, 2u);
}

TYPED_TEST(AuditChain, EveryAuditedFieldIsInTheHash) {
  this->write_some();
  const AuditRecord r = this->oak(2);
  const std::string h = audit_hash(r, r.seq, r.prev_hash);
  std::vector<std::function<void(AuditRecord&)>> edits = {
      [](AuditRecord& a) { a.school_id = "elm"; },
      [](AuditRecord& a) { a.app_id = "wonde"; },
      [](AuditRecord& a) { a.actor_kind = ActorKind::system; },
      [](AuditRecord& a) { a.actor = "mallory@example.org"; },
      [](AuditRecord& a) { a.actor_site = "elm"; },
      [](AuditRecord& a) { a.actor_role = "teacher"; },
      [](AuditRecord& a) { a.via_trust = !a.via_trust; },
      [](AuditRecord& a) { a.action = "reject"; },
      [](AuditRecord& a) { a.from_status.reset(); },
      [](AuditRecord& a) { a.to_status = ConnectionStatus::rejected; },
      [](AuditRecord& a) { a.permission_set_version += 1; },
      [](AuditRecord& a) { a.at += 1ms; },
      [](AuditRecord& a) { a.request_id += "x"; }};
  for (std::size_t i = 0; i < edits.size(); ++i) {
    AuditRecord changed = r;
    edits[i](changed);
    EXPECT_NE(audit_hash(changed, r.seq, r.prev_hash), h) << "edit " << i;
  }
  EXPECT_NE(audit_hash(r, r.seq + 1, r.prev_hash), h);
  EXPECT_NE(audit_hash(r, r.seq, r.hash), h);
  // Length prefixes: moving a character from one field to the next changes the hash.
  AuditRecord shifted = r;
  shifted.actor_site = r.actor_site + r.actor_role.substr(0, 1);
  shifted.actor_role = r.actor_role.substr(1);
  EXPECT_NE(audit_hash(shifted, r.seq, r.prev_hash), h);
}

TYPED_TEST(AuditChain, AnEditedRecordIsCaught) {
  this->write_some();
  const auto target = this->oak(2);
  this->backend_.exec("UPDATE audit_log SET action = 'reject' WHERE id = " +
                      std::to_string(target.id));
  const auto report = this->verify();
  ASSERT_EQ(report.breaks.size(), 1u) << this->breaks();
  EXPECT_EQ(report.breaks[0].school_id, "oak");
  EXPECT_EQ(report.breaks[0].record_id, target.id);
  EXPECT_EQ(report.breaks[0].seq, 2);
  EXPECT_NE(report.breaks[0].problem.find("hash mismatch"), std::string::npos);
  // Only the school asked about is walked.
  EXPECT_TRUE(verify_audit_chains(*this->store_, "elm").breaks.empty());
}

TYPED_TEST(AuditChain, ARecordMovedToAnotherSchoolIsCaught) {
  this->write_some();
  const auto target = this->oak(4);
  this->backend_.exec("UPDATE audit_log SET school_id = 'elm' WHERE id = " +
                      std::to_string(target.id));
  const auto report = this->verify();
  ASSERT_EQ(report.breaks.size(), 2u) << this->breaks();
  EXPECT_EQ(report.breaks[0].school_id, "elm");  // a record not in elm's chain
  EXPECT_EQ(report.breaks[0].record_id, target.id);
  EXPECT_EQ(report.breaks[1].school_id, "oak");
  EXPECT_EQ(report.breaks[1].seq, 4);
}

TYPED_TEST(AuditChain, ADeletedRecordLeavesAGap) {
  this->write_some();
  const auto target = this->oak(2);
  // The chain link goes with the record (ON DELETE CASCADE): seq 2 is simply not there.
  this->backend_.exec("DELETE FROM audit_log WHERE id = " + std::to_string(target.id));
  const auto report = this->verify();
  ASSERT_EQ(report.breaks.size(), 1u) << this->breaks();
  EXPECT_EQ(report.breaks[0].school_id, "oak");
  EXPECT_EQ(report.breaks[0].seq, 3);
  EXPECT_NE(report.breaks[0].problem.find("gap in seq: expected 2"), std::string::npos)
      << report.breaks[0].problem;
}

TYPED_TEST(AuditChain, ALinkAndRecordRenumberedAfterADeletionAreCaught) {
  this->write_some();
  const auto second = this->oak(2);
  const auto third = this->oak(3);
  this->backend_.exec("DELETE FROM audit_log WHERE id = " + std::to_string(second.id));
  this->backend_.exec("UPDATE audit_chain SET seq = 2 WHERE audit_id = " +
                      std::to_string(third.id));
  const auto report = this->verify();
  ASSERT_EQ(report.breaks.size(), 1u) << this->breaks();
  EXPECT_EQ(report.breaks[0].record_id, third.id);
  EXPECT_NE(report.breaks[0].problem.find("prev_hash mismatch"), std::string::npos)
      << report.breaks[0].problem;
}

TYPED_TEST(AuditChain, RecordsCutOffTheEndAreCaught) {
  this->write_some();
  const auto last = this->oak(4);
  this->backend_.exec("DELETE FROM audit_log WHERE id = " + std::to_string(last.id));
  const auto report = this->verify();
  ASSERT_EQ(report.breaks.size(), 1u) << this->breaks();
  EXPECT_EQ(report.breaks[0].school_id, "oak");
  EXPECT_EQ(report.breaks[0].seq, 4);
  EXPECT_NE(report.breaks[0].problem.find("removed from the end"), std::string::npos);
}

TYPED_TEST(AuditChain, ARecordWrittenBehindCanopysBackIsCaught) {
  this->write_some();
  this->backend_.exec(
      "INSERT INTO audit_log (school_id, app_id, actor_kind, actor, actor_site, actor_role,"
      " via_trust, action, from_status, to_status, permission_set_version, at_ms, request_id)"
      " VALUES ('elm', 'cpoms', 'user', 'mallory@example.org', 'elm', 'school_administrator', 0,"
      " 'approve', 'pending', 'approved', 1, 5, 'forged')");
  const auto report = this->verify();
  ASSERT_EQ(report.breaks.size(), 1u) << this->breaks();
  EXPECT_EQ(report.breaks[0].school_id, "elm");
  EXPECT_EQ(report.breaks[0].seq, 0);
  EXPECT_NE(report.breaks[0].problem.find("not in the chain"), std::string::npos);
}

TYPED_TEST(AuditChain, FindAuditFiltersAndPagesNewestFirst) {
  this->write_some();
  auto& store = *this->store_;
  AuditQuery q;
  q.schools = {"oak", "elm"};
  q.limit = 2;
  auto first = store.find_audit(q);
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_TRUE(first.more);
  EXPECT_EQ(first.items[0].app_id, "parentpay");  // the reject, written last
  EXPECT_EQ(first.items[0].action, "approve");    // (the fixture's audit() names it so)
  EXPECT_GT(first.items[0].at, first.items[1].at);
  q.after = AuditQuery::Position{first.items[1].at, first.items[1].school_id, first.items[1].id};
  q.limit = 10;
  auto rest = store.find_audit(q);
  EXPECT_FALSE(rest.more);
  ASSERT_EQ(rest.items.size(), 3u);
  EXPECT_EQ(rest.items.back().school_id, "oak");
  EXPECT_EQ(rest.items.back().seq, 1);

  AuditQuery filtered;
  filtered.schools = {"oak", "elm"};
  filtered.app = "wonde";
  EXPECT_EQ(store.find_audit(filtered).items.size(), 2u);
  filtered.schools = {"elm"};
  EXPECT_EQ(store.find_audit(filtered).items.size(), 1u);
  AuditQuery timed;
  timed.schools = {"oak"};
  timed.from = rest.items.back().at + 1ms;
  timed.to = first.items[0].at;
  const auto window = store.find_audit(timed);
  ASSERT_EQ(window.items.size(), 2u);  // oak's seq 2 and 3, not 1 (before) or 4 (at `to`)
  EXPECT_EQ(window.items[0].seq, 3);
  AuditQuery nobody;
  nobody.schools = {"oak"};
  nobody.actor = "someone-else@example.org";
  EXPECT_TRUE(store.find_audit(nobody).items.empty());
  AuditQuery none;
  EXPECT_TRUE(store.find_audit(none).items.empty());
  EXPECT_EQ(store.find_audit_record(first.items[0].id)->hash, first.items[0].hash);
  EXPECT_FALSE(store.find_audit_record(999999).has_value());
}

// Changes to different connections of one school commit in parallel up to the chain head,
// then take turns there: one unbroken chain, whatever the interleaving.
TYPED_TEST(AuditChain, ConcurrentChangesInOneSchoolFormOneChain) {
  constexpr int kThreads = 8;
  constexpr int kApps = 6;
  std::mutex mutex;
  std::vector<std::string> failures;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  auto& store = *this->store_;
  const TimePoint at = this->clock_.now();
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kApps; ++i) {
        const std::string app = "app-" + std::to_string(t) + "-" + std::to_string(i);
        ConnectionChange add{.school_id = "oak",
                             .app_id = app,
                             .to = ConnectionStatus::pending,
                             .permission_set_version = 1,
                             .at = at};
        ConnectionChange approve = add;
        approve.expected_revision = 1;
        approve.to = ConnectionStatus::approved;
        approve.is_decision = true;
        approve.decided_by = "amir@example.org";
        try {
          if (!store.apply(add, this->audit(add, std::nullopt)) ||
              !store.apply(approve, this->audit(approve, ConnectionStatus::pending))) {
            throw std::runtime_error("a change of " + app + " was refused");
          }
        } catch (const std::exception& e) {
          std::lock_guard lock(mutex);
          failures.push_back(e.what());
        }
      }
    });
  }
  for (auto& t : threads)
    t.join();
  ASSERT_TRUE(failures.empty()) << failures.front();
  const auto report = this->verify();
  EXPECT_TRUE(report.breaks.empty()) << this->breaks();
  EXPECT_EQ(report.records, 2 * kThreads * kApps);
  EXPECT_EQ(store.audit_head("oak")->seq, 2 * kThreads * kApps);
}

TYPED_TEST(StoreData, ListConnectionsFiltersByStatusAndOrdersByApp) {
  auto& store = *this->store_;
  for (auto [app, status] : std::vector<std::pair<std::string, ConnectionStatus>>{
           {"wonde", ConnectionStatus::approved},
           {"cpoms", ConnectionStatus::pending},
           {"parentpay", ConnectionStatus::approved},
           {"hodder", ConnectionStatus::rejected},
           {"classcharts", ConnectionStatus::pending}}) {
    const auto change = this->insert("oak", app, status, status != ConnectionStatus::pending);
    ASSERT_TRUE(store.apply(change, this->audit(change, std::nullopt)).has_value()) << app;
  }
  const auto elsewhere = this->insert("elm", "aardvark", ConnectionStatus::pending);
  ASSERT_TRUE(store.apply(elsewhere, this->audit(elsewhere, std::nullopt)).has_value());

  const auto apps = [](const std::vector<Connection>& list) {
    std::vector<std::string> out;
    for (const auto& c : list)
      out.push_back(c.app_id);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(apps(store.list_connections("oak", std::nullopt)),
            (V{"classcharts", "cpoms", "hodder", "parentpay", "wonde"}));
  EXPECT_EQ(apps(store.list_connections("oak", ConnectionStatus::pending)),
            (V{"classcharts", "cpoms"}));
  EXPECT_EQ(apps(store.list_connections("oak", ConnectionStatus::approved)),
            (V{"parentpay", "wonde"}));
  EXPECT_EQ(apps(store.list_connections("oak", ConnectionStatus::rejected)), (V{"hodder"}));
  EXPECT_EQ(apps(store.list_connections("elm", std::nullopt)), (V{"aardvark"}));
  EXPECT_TRUE(store.list_connections("elm", ConnectionStatus::approved).empty());
  EXPECT_TRUE(store.list_connections("nowhere", std::nullopt).empty());
}

TYPED_TEST(StoreData, IdsCompareByteForByte) {
  // Both backends treat ids as case-sensitive bytes, in the same order.
  auto& store = *this->store_;
  for (const std::string app : {"b-app", "B-app", "a-app"}) {
    const auto change = this->insert("oak", app, ConnectionStatus::pending);
    ASSERT_TRUE(store.apply(change, this->audit(change, std::nullopt)).has_value()) << app;
  }
  std::vector<std::string> apps;
  for (const auto& c : store.list_connections("oak", std::nullopt))
    apps.push_back(c.app_id);
  EXPECT_EQ(apps, (std::vector<std::string>{"B-app", "a-app", "b-app"}));
  EXPECT_FALSE(store.find_connection("OAK", "a-app").has_value());
  EXPECT_FALSE(store.find_site("Oak").has_value());
}

// ---- Concurrency ----

TYPED_TEST(StoreData, ConcurrentInsertsOfOnePairCreateExactlyOneConnection) {
  auto& store = *this->store_;
  constexpr int kThreads = 8;
  std::atomic<int> created = 0;
  std::atomic<int> failed = 0;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      const auto change = this->insert("oak", "parentpay", ConnectionStatus::pending);
      const auto a = this->audit(change, std::nullopt, "req-" + std::to_string(i));
      start.arrive_and_wait();
      try {
        if (store.apply(change, a)) ++created;
      } catch (const StoreError&) {
        ++failed;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(store.audit_count(), 1);
  EXPECT_EQ(store.find_connection("oak", "parentpay").value().revision, 1);
}

// Two admins hammering approve and reject on one connection through the consent service: the
// outcome must be one consistent history.
TYPED_TEST(StoreConformance, ConcurrentDecisionsLeaveOneConsistentHistory) {
  constexpr char kSchool[] = "oakfield-primary";
  constexpr char kApp[] = "parentpay";  // pending in the demo tenants
  auto& store = *this->store_;
  this->migrate();
  auto loaded = policy::load_policies(fs::path(CANOPY_SOURCE_DIR) / "policies");
  ASSERT_TRUE(loaded.errors.empty()) << loaded.errors.front();
  const auto policy = loaded.snapshot;
  auto tenants = tenancy::load_tenants(fs::path(CANOPY_SOURCE_DIR) / "tenants", *policy);
  ASSERT_TRUE(tenants.errors.empty()) << tenants.errors.front();
  (void)canopy::testing::import_tenants(tenants.tenants, *policy, store, this->clock_);
  ASSERT_EQ(store.upsert_user(
                user("beth.admin@oakfield-primary.example", kSchool, {"school_administrator"})),
            Upsert::created);
  const auto site = store.find_site(kSchool).value();
  std::vector<tenancy::Actor> admins;
  for (const auto* email :
       {"amir.admin@oakfield-primary.example", "beth.admin@oakfield-primary.example"}) {
    auto a = tenancy::resolve_school_admin(store.find_user_by_email(email).value(), site, *policy);
    ASSERT_TRUE(a.ok()) << a.error().message;
    admins.push_back(*a);
  }
  cache::LocalCache cache;
  const policy::LivePolicies live(policy);
  consent::Service service(live, store, store, store, cache, this->clock_);
  const auto before = store.find_connection(kSchool, kApp).value();
  ASSERT_EQ(before.status, ConnectionStatus::pending);

  constexpr int kThreads = 8;
  constexpr int kEach = 12;
  std::atomic<int> decided = 0;
  std::mutex mutex;
  std::vector<std::string> unexpected;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const auto& admin = admins[static_cast<std::size_t>(t) % admins.size()];
      start.arrive_and_wait();
      for (int i = 0; i < kEach; ++i) {
        const auto action = (t + i) % 2 ? AdminAction::approve : AdminAction::reject;
        try {
          auto r = service.decide(admin, kApp, action,
                                  "req-" + std::to_string(t) + "-" + std::to_string(i));
          if (r.ok()) {
            ++decided;
          } else if (r.error().code != Errc::invalid_transition &&
                     r.error().code != Errc::concurrent_change) {
            std::lock_guard lock(mutex);
            unexpected.push_back(r.error().message);
          }
        } catch (const std::exception& e) {
          std::lock_guard lock(mutex);
          unexpected.push_back(e.what());
        }
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_TRUE(unexpected.empty()) << unexpected.front();
  ASSERT_GT(decided.load(), 1);

  std::vector<AuditRecord> rows;
  for (auto& r : store.audit_for_school(kSchool, 100'000)) {
    if (r.app_id == kApp) rows.push_back(std::move(r));
  }
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.front().action, "import");  // the demo import created it
  EXPECT_EQ(static_cast<int>(rows.size()) - 1, decided.load());
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_LT(rows[i - 1].id, rows[i].id);
    ASSERT_TRUE(rows[i].from_status.has_value()) << "row " << i;
    EXPECT_EQ(*rows[i].from_status, rows[i - 1].to_status) << "row " << i << " breaks the chain";
    EXPECT_NE(*rows[i].from_status, rows[i].to_status) << "row " << i;
  }
  for (std::size_t i = 1; i < rows.size(); ++i)
    EXPECT_GT(rows[i].seq, rows[i - 1].seq) << "row " << i;
  const auto chains = verify_audit_chains(store, kSchool);
  EXPECT_TRUE(chains.breaks.empty()) << chains.breaks.front().problem;
  const auto after = store.find_connection(kSchool, kApp).value();
  EXPECT_EQ(after.status, rows.back().to_status);
  EXPECT_EQ(after.revision, before.revision + decided.load());
  ASSERT_TRUE(cache.get(kSchool, kApp).has_value());
  EXPECT_EQ(cache.get(kSchool, kApp)->revision, after.revision);
}

// ---- Sessions ----

TYPED_TEST(StoreData, RetentionDeletesTheOldestFirstInBatchesAndNothingNewer) {
  auto& store = *this->store_;
  const std::int64_t amir = this->add_user("amir@example.org");
  const TimePoint now = this->clock_.now();
  // Written out of time order: the oldest go first whatever their ids.
  for (int days : {3, 5, 1, 4, 2}) {
    store.record_login({.email = "amir@example.org",
                        .user_id = amir,
                        .at = now - std::chrono::days(days),
                        .address = "192.0.2.1",
                        .user_agent = std::to_string(days) + "d",
                        .outcome = "success"});
  }
  const auto left = [&] {
    std::string out;
    for (const auto& l : store.logins_for_user(amir, 10, std::nullopt))
      out += l.user_agent + " ";
    return out;
  };
  const TimePoint cutoff = now - std::chrono::days(2) - 1h;
  EXPECT_EQ(store.delete_logins_before(cutoff, 2), 2u);
  EXPECT_EQ(left(), "2d 1d 3d ");  // newest id first: 5d and 4d went
  EXPECT_EQ(store.delete_logins_before(cutoff, 10), 1u);
  EXPECT_EQ(left(), "2d 1d ");
  EXPECT_EQ(store.delete_logins_before(cutoff, 10), 0u);

  const auto key = [&](const std::string& k, TimePoint at) {
    return IdempotencyRecord{.user_id = amir,
                             .scope = "trust:t",
                             .key = k,
                             .request_digest = "d",
                             .claim_token = "c",
                             .created_at = at,
                             .started_at = at};
  };
  for (const auto& [k, hours] : {std::pair{"a", 30}, {"b", 48}, {"c", 2}}) {
    ASSERT_EQ(
        store.claim_idempotency_key(key(k, now - std::chrono::hours(hours)), now - 100h).claim,
        IdempotencyClaim::claimed);
  }
  EXPECT_EQ(store.delete_idempotency_keys_before(now - 24h, 1), 1u);  // b, the oldest
  EXPECT_EQ(store.claim_idempotency_key(key("a", now), now - 100h).claim,
            IdempotencyClaim::in_progress);
  EXPECT_EQ(store.claim_idempotency_key(key("b", now), now - 100h).claim,
            IdempotencyClaim::claimed);
  EXPECT_EQ(store.delete_idempotency_keys_before(now - 24h, 10), 1u);  // a; c and the new b stay
  EXPECT_EQ(store.claim_idempotency_key(key("c", now), now - 100h).claim,
            IdempotencyClaim::in_progress);
}

// ---- Leavers ----

TYPED_TEST(StoreData, DisablingAUserEndsEverySessionOfTheirsAtOnce) {
  auto& store = *this->store_;
  const auto amir = this->add_user("amir@example.org");
  const auto joanne = this->add_user("joanne@example.org");
  const TimePoint now = this->clock_.now();
  store.create_session({"amir-1", amir, now, now + 1h});
  store.create_session({"amir-2", amir, now, now + 1h});
  store.create_session({"joanne-1", joanne, now, now + 1h});
  EXPECT_FALSE(store.find_user(amir)->disabled);

  const auto done = store.disable_user(amir, now);
  ASSERT_TRUE(done.has_value());
  EXPECT_FALSE(done->already);
  EXPECT_EQ(done->sessions_ended, 2u);
  EXPECT_FALSE(store.find_session("amir-1").has_value());
  EXPECT_FALSE(store.find_session("amir-2").has_value());
  EXPECT_TRUE(store.find_session("joanne-1").has_value());
  EXPECT_TRUE(store.find_user(amir)->disabled);
  EXPECT_TRUE(store.find_user_by_email("amir@example.org")->disabled);
  EXPECT_FALSE(store.find_user(joanne)->disabled);
  // Kept, with roles and password: only access goes.
  EXPECT_EQ(store.find_user(amir)->roles, std::vector<std::string>{"school_administrator"});

  const auto users = store.list_users();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].email, "amir@example.org");
  EXPECT_TRUE(users[0].disabled);
  EXPECT_EQ(users[0].roles, std::vector<std::string>{"school_administrator"});
  EXPECT_EQ(users[1].email, "joanne@example.org");
  EXPECT_FALSE(users[1].disabled);

  // An import does not enable them.
  EXPECT_EQ(store.upsert_user(user("amir@example.org", "elm", {"teacher"})), Upsert::changed);
  EXPECT_TRUE(store.find_user(amir)->disabled);

  const auto again = store.disable_user(amir, now + 1h);
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->already);
  EXPECT_EQ(again->sessions_ended, 0u);
  EXPECT_FALSE(store.disable_user(amir + joanne + 100, now).has_value());

  EXPECT_TRUE(store.enable_user(amir));
  EXPECT_FALSE(store.find_user(amir)->disabled);
  EXPECT_FALSE(store.enable_user(amir));
  EXPECT_FALSE(store.enable_user(joanne));
}

TYPED_TEST(StoreData, SettingAPasswordEndsEverySessionOfTheUser) {
  auto& store = *this->store_;
  const auto amir = this->add_user("amir@example.org");
  const auto joanne = this->add_user("joanne@example.org");
  const TimePoint now = this->clock_.now();
  store.create_session({"amir-1", amir, now, now + 1h});
  store.create_session({"amir-2", amir, now, now + 1h});
  store.create_session({"joanne-1", joanne, now, now + 1h});
  EXPECT_EQ(store.set_password_hash(amir, "$argon2id$new"), 2u);
  EXPECT_FALSE(store.find_session("amir-1").has_value());
  EXPECT_FALSE(store.find_session("amir-2").has_value());
  EXPECT_TRUE(store.find_session("joanne-1").has_value());
  EXPECT_EQ(store.set_password_hash(amir, "$argon2id$newer"), 0u);
}

TYPED_TEST(StoreData, SessionsCreateFindDelete) {
  auto& store = *this->store_;
  const auto uid = this->add_user("amir@example.org");
  const TimePoint now = this->clock_.now();
  store.create_session({"hash-a", uid, now, now + 1h});
  auto s = store.find_session("hash-a");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->token_hash, "hash-a");
  EXPECT_EQ(s->user_id, uid);
  EXPECT_EQ(s->created_at, now);
  EXPECT_EQ(s->expires_at, now + 1h);
  EXPECT_FALSE(store.find_session("hash-b").has_value());

  EXPECT_TRUE(store.delete_session("hash-a"));
  EXPECT_FALSE(store.find_session("hash-a").has_value());
  EXPECT_FALSE(store.delete_session("hash-a"));
}

TYPED_TEST(StoreData, DeleteExpiredSessions) {
  auto& store = *this->store_;
  const auto uid = this->add_user("amir@example.org");
  const TimePoint now = this->clock_.now();
  store.create_session({"old", uid, now - 2h, now - 1h});
  store.create_session({"edge", uid, now - 1h, now});
  store.create_session({"fresh", uid, now, now + 1h});
  EXPECT_EQ(store.delete_expired_sessions(now), 2u);
  EXPECT_FALSE(store.find_session("old").has_value());
  EXPECT_FALSE(store.find_session("edge").has_value());
  EXPECT_TRUE(store.find_session("fresh").has_value());
  EXPECT_EQ(store.delete_expired_sessions(now), 0u);
}

// ---- Credentials ----

TYPED_TEST(StoreData, SetPasswordHash) {
  auto& store = *this->store_;
  const auto uid = this->add_user("amir@example.org");
  EXPECT_FALSE(store.password_hash(uid).has_value());
  store.set_password_hash(uid, "$argon2id$fake");
  EXPECT_EQ(store.password_hash(uid), std::optional<std::string>("$argon2id$fake"));
}

TYPED_TEST(StoreData, PartnerSecretSetAndReplace) {
  auto& store = *this->store_;
  EXPECT_FALSE(store.partner_secret_hash("parentpay").has_value());
  store.set_partner_secret_hash("parentpay", "digest-1", this->clock_.now());
  EXPECT_EQ(store.partner_secret_hash("parentpay"), std::optional<std::string>("digest-1"));
  this->clock_.advance(1h);
  store.set_partner_secret_hash("parentpay", "digest-2", this->clock_.now());
  EXPECT_EQ(store.partner_secret_hash("parentpay"), std::optional<std::string>("digest-2"));
  EXPECT_FALSE(store.partner_secret_hash("wonde").has_value());
}

// ---- Login history ----

TYPED_TEST(StoreData, LoginHistoryNewestFirstWithLimit) {
  auto& store = *this->store_;
  const auto amir = this->add_user("amir@example.org");
  const auto other = this->add_user("other@example.org");
  for (int i = 0; i < 5; ++i) {
    store.record_login({0, "amir@example.org", amir, this->clock_.now(),
                        "10.0.0." + std::to_string(i), "agent-" + std::to_string(i),
                        i % 2 ? "success" : "invalid_credentials"});
    this->clock_.advance(1s);
  }
  store.record_login(
      {0, "other@example.org", other, this->clock_.now(), "10.9.9.9", "x", "success"});
  store.record_login({0, "nobody@example.org", std::nullopt, this->clock_.now(), "10.9.9.8", "y",
                      "invalid_credentials"});

  const auto all = store.logins_for_user(amir, 100, std::nullopt);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0].address, "10.0.0.4");
  EXPECT_EQ(all[4].address, "10.0.0.0");
  for (std::size_t i = 1; i < all.size(); ++i)
    EXPECT_GT(all[i - 1].at, all[i].at);
  EXPECT_GT(all[0].id, all[1].id);
  EXPECT_EQ(all[0].email, "amir@example.org");
  EXPECT_EQ(all[0].user_id, std::optional<std::int64_t>(amir));
  EXPECT_EQ(all[0].user_agent, "agent-4");
  EXPECT_EQ(all[0].outcome, "invalid_credentials");
  EXPECT_EQ(all[1].outcome, "success");

  const auto two = store.logins_for_user(amir, 2, std::nullopt);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].address, "10.0.0.4");
  EXPECT_EQ(two[1].address, "10.0.0.3");
  EXPECT_EQ(store.logins_for_user(other, 10, std::nullopt).size(), 1u);
}

TYPED_TEST(StoreData, LatestLoginsGivesEachUsersNewestAttemptInOneCall) {
  auto& store = *this->store_;
  const auto amir = this->add_user("amir@example.org");
  const auto joanne = this->add_user("joanne@example.org");
  const auto never = this->add_user("never@example.org");
  const auto other = this->add_user("other@example.org", "elm");
  const TimePoint then = this->clock_.now();
  store.record_login({0, "amir@example.org", amir, then, "10.0.0.1", "a", "success"});
  store.record_login({0, "joanne@example.org", joanne, then, "10.0.0.2", "j", "success"});
  store.record_login({0, "amir@example.org", amir, then + 1s, "10.0.0.3", "a", "success"});
  // At the same time as the one before: the higher id is the newer, as logins_for_user orders.
  store.record_login(
      {0, "amir@example.org", amir, then + 1s, "10.0.0.4", "a", "invalid_credentials"});
  store.record_login({0, "other@example.org", other, then + 2s, "10.0.0.5", "o", "success"});
  store.record_login(
      {0, "ghost@example.org", std::nullopt, then + 3s, "10.0.0.6", "g", "invalid_credentials"});

  const std::vector<std::int64_t> ids = {joanne, never, amir, amir + joanne + never + other + 100};
  const auto latest = store.latest_logins(ids);
  ASSERT_EQ(latest.size(), 2u);  // by user id: amir was added first
  EXPECT_EQ(latest[0].user_id, std::optional<std::int64_t>(amir));
  EXPECT_EQ(latest[0].address, "10.0.0.4");
  EXPECT_EQ(latest[0].outcome, "invalid_credentials");
  EXPECT_EQ(latest[0].at, then + 1s);
  EXPECT_EQ(latest[0].email, "amir@example.org");
  EXPECT_EQ(latest[0].id, store.logins_for_user(amir, 1, std::nullopt).at(0).id);
  EXPECT_EQ(latest[1].user_id, std::optional<std::int64_t>(joanne));
  EXPECT_EQ(latest[1].address, "10.0.0.2");

  EXPECT_TRUE(store.latest_logins({}).empty());
  EXPECT_TRUE(store.latest_logins(std::vector<std::int64_t>{never}).empty());
  const auto one = store.latest_logins(std::vector<std::int64_t>{other});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].address, "10.0.0.5");
}

TYPED_TEST(StoreData, LoginSucceededFromFindsOnlyASuccessOfThatEmailFromThatAddressSinceThen) {
  auto& store = *this->store_;
  const auto uid = this->add_user("amir@example.org");
  const TimePoint then = this->clock_.now();
  store.record_login({0, "amir@example.org", uid, then, "192.0.2.1", "x", "success"});
  store.record_login({0, "amir@example.org", uid, then, "192.0.2.2", "x", "invalid_credentials"});
  EXPECT_TRUE(store.login_succeeded_from("amir@example.org", "192.0.2.1", then));
  EXPECT_FALSE(store.login_succeeded_from("amir@example.org", "192.0.2.1", then + 1ms));
  EXPECT_FALSE(store.login_succeeded_from("amir@example.org", "192.0.2.2", then));
  EXPECT_FALSE(store.login_succeeded_from("amir@example.org", "192.0.2.3", then));
  EXPECT_FALSE(store.login_succeeded_from("other@example.org", "192.0.2.1", then));
  EXPECT_FALSE(store.login_succeeded_from("AMIR@example.org", "192.0.2.1", then));
}

TYPED_TEST(StoreData, LoginHistoryKeepsWhatTheClientSentByteForByte) {
  // A user agent cut at a byte limit inside a UTF-8 sequence, and raw bytes: kept as sent.
  auto& store = *this->store_;
  const auto uid = this->add_user("amir@example.org");
  const std::string agent = std::string("Mozilla/5.0 caf\xc3", 16) + "\xff\xfe";
  const std::string email = "AMIR@example.org\xe2\x82";
  store.record_login({0, email, uid, this->clock_.now(), "::1", agent, "invalid_credentials"});
  const auto rows = store.logins_for_user(uid, 10, std::nullopt);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].user_agent, agent);
  EXPECT_EQ(rows[0].email, email);
}

TYPED_TEST(StoreData, LoginHistoryPagesBackwardsById) {
  auto& store = *this->store_;
  const auto uid = this->add_user("amir@example.org");
  for (int i = 0; i < 5; ++i) {
    store.record_login({0, "amir@example.org", uid, this->clock_.now(),
                        "10.0.0." + std::to_string(i), "agent", "success"});
    this->clock_.advance(1s);
  }
  const auto first = store.logins_for_user(uid, 2, std::nullopt);
  ASSERT_EQ(first.size(), 2u);
  const auto second = store.logins_for_user(uid, 2, first.back().id);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[0].address, "10.0.0.2");
  EXPECT_EQ(second[1].address, "10.0.0.1");
  const auto last = store.logins_for_user(uid, 2, second.back().id);
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].address, "10.0.0.0");
  EXPECT_TRUE(store.logins_for_user(uid, 2, last.back().id).empty());
}

// ---- Trusts: their schools and terms acceptances ----

TYPED_TEST(StoreConformance, SiteTermsRoundTripAndAChangeIsAChange) {
  auto& store = *this->store_;
  this->migrate();
  Site s = school("oak");
  s.terms = {3, "Oak terms of use \xe2\x80\x94 2026"};
  EXPECT_EQ(store.upsert_site(s), Upsert::created);
  EXPECT_EQ(store.find_site("oak"), std::optional<Site>(s));
  EXPECT_EQ(store.upsert_site(s), Upsert::unchanged);
  s.terms.version = 4;
  EXPECT_EQ(store.upsert_site(s), Upsert::changed);
  EXPECT_EQ(store.find_site("oak").value().terms, (SiteTerms{4, s.terms.title}));
  s.terms.title = "Oak terms, revised";
  EXPECT_EQ(store.upsert_site(s), Upsert::changed);
  EXPECT_EQ(store.list_sites().at(0).terms, s.terms);
}

TYPED_TEST(StoreConformance, ASiteWithoutATermsRowHasVersionOne) {
  // Sites written before terms existed (schema 1) have no site_terms row.
  auto& store = *this->store_;
  this->migrate();
  this->backend_.exec(
      "INSERT INTO sites (id, name, kind, urn, phase, dummy) VALUES ('old', 'Old School', "
      "'school', 123456, 'primary', 0)");
  const auto old = store.find_site("old");
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->terms, (SiteTerms{1, ""}));
}

TYPED_TEST(StoreConformance, SchoolsOfTrustListsOnlyThatTrustsSchools) {
  auto& store = *this->store_;
  this->migrate();
  for (const auto& site :
       {trust("oak-trust"), trust("elm-trust"), school("oak-b", "oak-trust"),
        school("oak-a", "oak-trust"), school("elm-a", "elm-trust"), school("lone")}) {
    ASSERT_EQ(store.upsert_site(site), Upsert::created) << site.id;
  }
  std::vector<std::string> ids;
  for (const auto& s : store.schools_of_trust("oak-trust"))
    ids.push_back(s.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"oak-a", "oak-b"}));
  EXPECT_EQ(store.schools_of_trust("elm-trust").size(), 1u);
  EXPECT_TRUE(store.schools_of_trust("lone").empty());
  EXPECT_TRUE(store.schools_of_trust("nowhere").empty());
}

TYPED_TEST(StoreData, TermsAcceptanceIsRecordedOncePerVersion) {
  auto& store = *this->store_;
  const auto dana = this->add_user("dana@example.org");
  const auto other = this->add_user("other@example.org");
  TermsAcceptance a{.user_id = dana,
                    .site_id = "oak",
                    .version = 1,
                    .title = "Oak terms",
                    .acting_site = "oak-trust",
                    .accepted_at = this->clock_.now(),
                    .request_id = "req-terms"};
  EXPECT_FALSE(store.find_terms_acceptance(dana, "oak", 1).has_value());
  EXPECT_TRUE(store.accept_terms(a));
  EXPECT_EQ(store.find_terms_acceptance(dana, "oak", 1), std::optional<TermsAcceptance>(a));

  this->clock_.advance(1h);
  TermsAcceptance again = a;
  again.accepted_at = this->clock_.now();
  again.request_id = "req-again";
  EXPECT_FALSE(store.accept_terms(again));
  EXPECT_EQ(store.find_terms_acceptance(dana, "oak", 1), std::optional<TermsAcceptance>(a))
      << "the first acceptance stays on record";

  EXPECT_FALSE(store.find_terms_acceptance(dana, "oak", 2).has_value());
  EXPECT_FALSE(store.find_terms_acceptance(dana, "elm", 1).has_value());
  EXPECT_FALSE(store.find_terms_acceptance(other, "oak", 1).has_value());

  TermsAcceptance v2 = again;
  v2.version = 2;
  EXPECT_TRUE(store.accept_terms(v2));
  TermsAcceptance elm = a;
  elm.site_id = "elm";
  EXPECT_TRUE(store.accept_terms(elm));
  const auto all = store.terms_accepted_by(dana);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0], elm);
  EXPECT_EQ(all[1], a);
  EXPECT_EQ(all[2], v2);
  EXPECT_TRUE(store.terms_accepted_by(other).empty());
}

// ---- Batches (apply_all) ----

template <class Backend>
class StoreBatches : public StoreData<Backend> {
 protected:
  AuditedChange inserted(const std::string& school_id, const std::string& app) {
    const auto change = this->insert(school_id, app, ConnectionStatus::pending);
    return {change, this->audit(change, std::nullopt, "req-batch")};
  }
  AuditedChange approved(const Connection& from, const std::string& request_id = "req-bulk") {
    ConnectionChange change{.school_id = from.school_id,
                            .app_id = from.app_id,
                            .expected_revision = from.revision,
                            .to = ConnectionStatus::approved,
                            .permission_set_version = 7,
                            .at = this->clock_.now(),
                            .is_decision = true,
                            .decided_by = "dana@example.org"};
    return {change, this->audit(change, from.status, request_id)};
  }
  std::string state() {
    std::string out = "audit=" + std::to_string(this->store_->audit_count()) + ";";
    for (const auto& school : {"oak", "elm"}) {
      for (const auto& c : this->store_->list_connections(school, std::nullopt))
        out += c.school_id + "/" + c.app_id + "=" + std::string(to_string(c.status)) + "@" +
               std::to_string(c.revision) + ";";
    }
    return out;
  }
};
// Batches also run with per-row audit ids, the other way MariaDB may hand ids out.
#ifdef CANOPY_TEST_ON_MARIADB
using BatchBackends = ::testing::Types<MysqlBackend, MysqlPerRowIdsBackend>;
#else
using BatchBackends = ::testing::Types<SqliteBackend>;
#endif
TYPED_TEST_SUITE(StoreBatches, BatchBackends, BackendNames);

TYPED_TEST(StoreBatches, ApplyAllWritesEveryChangeWithOneAuditRecordEach) {
  auto& store = *this->store_;
  std::vector<AuditedChange> inserts{this->inserted("oak", "parentpay"),
                                     this->inserted("oak", "wonde"),
                                     this->inserted("elm", "parentpay")};
  const auto created = store.apply_all(inserts);
  ASSERT_TRUE(created.has_value());
  ASSERT_EQ(created->size(), 3u);
  EXPECT_EQ((*created)[1].app_id, "wonde");
  EXPECT_EQ((*created)[1].revision, 1);
  EXPECT_FALSE((*created)[1].decided_at.has_value());
  EXPECT_EQ(store.audit_count(), 3);

  const TimePoint requested = this->clock_.now();
  this->clock_.advance(1h);
  std::vector<AuditedChange> approvals;
  for (const auto& c : *created)
    approvals.push_back(this->approved(c));
  const auto written = store.apply_all(approvals);
  ASSERT_TRUE(written.has_value());
  ASSERT_EQ(written->size(), 3u);
  for (std::size_t i = 0; i < written->size(); ++i) {
    const auto& c = (*written)[i];
    EXPECT_EQ(c.school_id, (*created)[i].school_id);
    EXPECT_EQ(c.app_id, (*created)[i].app_id);
    EXPECT_EQ(c.status, ConnectionStatus::approved);
    EXPECT_EQ(c.revision, 2);
    EXPECT_EQ(c.permission_set_version, 7);
    EXPECT_EQ(c.requested_at, requested);
    EXPECT_EQ(c.decided_at, std::optional<TimePoint>(this->clock_.now()));
    EXPECT_EQ(c.decided_by, "dana@example.org");
    // What apply_all returns is what the store holds.
    const auto stored = store.find_connection(c.school_id, c.app_id);
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->revision, c.revision);
    EXPECT_EQ(stored->status, c.status);
    EXPECT_EQ(stored->decided_at, c.decided_at);
    EXPECT_EQ(stored->decided_by, c.decided_by);
    EXPECT_EQ(stored->requested_at, c.requested_at);
  }
  EXPECT_EQ(store.audit_count(), 6);
  const auto oak = store.audit_for_school("oak", 10);
  ASSERT_EQ(oak.size(), 4u);
  EXPECT_EQ(oak[2].action, "approve");
  EXPECT_EQ(oak[2].app_id, "parentpay");
  EXPECT_EQ(oak[3].app_id, "wonde");
  EXPECT_EQ(oak[3].from_status, std::optional(ConnectionStatus::pending));
  EXPECT_EQ(oak[3].to_status, ConnectionStatus::approved);
  EXPECT_EQ(oak[3].request_id, "req-bulk");
  // Every record of the batch extends its school's hash chain.
  const auto report = verify_audit_chains(store, std::nullopt);
  EXPECT_TRUE(report.breaks.empty()) << report.breaks.front().problem;
  EXPECT_EQ(report.records, 6);
}

TYPED_TEST(StoreBatches, ApplyAllWritesNothingWhenOneRevisionMoved) {
  auto& store = *this->store_;
  std::vector<AuditedChange> inserts{this->inserted("oak", "parentpay"),
                                     this->inserted("oak", "wonde"),
                                     this->inserted("elm", "cpoms")};
  const auto created = store.apply_all(inserts);
  ASSERT_TRUE(created.has_value());
  // Someone changes the middle one after the batch read it.
  const auto moved = this->approved((*created)[1], "req-single");
  ASSERT_TRUE(store.apply(moved.change, moved.audit).has_value());
  const auto before = this->state();
  std::vector<AuditedChange> batch;
  for (const auto& c : *created)
    batch.push_back(this->approved(c));
  EXPECT_FALSE(store.apply_all(batch).has_value());
  EXPECT_EQ(this->state(), before);

  // A pair that must not exist yet but does is refused the same way.
  std::vector<AuditedChange> again{this->inserted("elm", "wonde"), this->inserted("oak", "wonde")};
  EXPECT_FALSE(store.apply_all(again).has_value());
  EXPECT_EQ(this->state(), before);
  // A missing connection, too.
  auto ghost = this->approved((*created)[0]);
  ghost.change.app_id = ghost.audit.app_id = "ghost";
  std::vector<AuditedChange> missing{this->approved((*created)[0]), ghost};
  EXPECT_FALSE(store.apply_all(missing).has_value());
  EXPECT_EQ(this->state(), before);
}

TYPED_TEST(StoreBatches, ApplyAllOfThousandsOfChangesInOneTransaction) {
  // More rows than one multi-row statement takes (MySQL writes them 1000 at a time).
  auto& store = *this->store_;
  std::vector<AuditedChange> inserts;
  for (int i = 0; i < 1300; ++i) {
    char app[16];
    std::snprintf(app, sizeof app, "app-%04d", i);
    inserts.push_back(this->inserted("oak", app));
    inserts.push_back(this->inserted("elm", app));
  }
  inserts.back().change.notify = NotificationKind::connection_requested;
  const auto created = store.apply_all(inserts);
  ASSERT_TRUE(created.has_value());
  ASSERT_EQ(created->size(), 2600u);
  EXPECT_EQ(store.audit_count(), 2600);
  this->clock_.advance(1min);
  std::vector<AuditedChange> approvals;
  for (const auto& c : *created)
    approvals.push_back(this->approved(c));
  const auto written = store.apply_all(approvals);
  ASSERT_TRUE(written.has_value());
  EXPECT_EQ(store.audit_count(), 5200);
  EXPECT_EQ(store.list_connections("oak", ConnectionStatus::approved).size(), 1300u);
  EXPECT_EQ(store.list_connections("elm", ConnectionStatus::approved).size(), 1300u);
  const std::vector<std::string> elm{"elm"};
  EXPECT_EQ(
      store.notifications_for(this->add_user("a@example.org"), elm, 10, std::nullopt).items.size(),
      1u);
  // Both schools' chains run through all 2,600 records of each batch, in batch order.
  const auto chains = verify_audit_chains(store, std::nullopt);
  EXPECT_TRUE(chains.breaks.empty()) << chains.breaks.front().problem;
  EXPECT_EQ(chains.records, 5200);
  const auto oak = store.audit_for_school("oak", 10'000);
  ASSERT_EQ(oak.size(), 2600u);
  for (std::size_t i = 0; i < oak.size(); ++i) {
    EXPECT_EQ(oak[i].seq, static_cast<std::int64_t>(i) + 1) << i;
    EXPECT_EQ(oak[i].action, i < 1300 ? "request" : "approve") << i;
  }

  // The last change of the batch fails its check: the 2599 before it are not written either.
  const auto before = this->state();
  approvals.clear();
  for (const auto& c : *written)
    approvals.push_back(this->approved(c));
  approvals.back().change.expected_revision = 1;
  EXPECT_FALSE(store.apply_all(approvals).has_value());
  EXPECT_EQ(this->state(), before);
  EXPECT_TRUE(verify_audit_chains(store, std::nullopt).breaks.empty());
}

TYPED_TEST(StoreBatches, ConcurrentBatchesAndSingleChangesKeepEverySchoolsChainWhole) {
  // Four threads write at once: two of them batches spanning the same three schools, two of
  // them single changes in those schools. Whatever order the transactions commit in, every
  // school's chain must link each of its records exactly once.
  auto& store = *this->store_;
  ASSERT_EQ(store.upsert_site(school("ash")), Upsert::created);
  const std::vector<std::string> schools{"oak", "elm", "ash"};
  constexpr int kRounds = 6;
  constexpr int kPerBatch = 60;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        std::vector<AuditedChange> batch;
        for (int i = 0; i < kPerBatch; ++i) {
          char app[32];
          std::snprintf(app, sizeof app, "batch%d-r%d-%02d", t, round, i);
          batch.push_back(this->inserted(schools[static_cast<std::size_t>(i) % 3], app));
        }
        try {
          if (!store.apply_all(batch).has_value()) ++failures;
        } catch (const std::exception& e) {
          ADD_FAILURE() << e.what();
          ++failures;
        }
      }
    });
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds * 10; ++i) {
        const auto change = this->insert(schools[static_cast<std::size_t>(i) % 3],
                                         "single" + std::to_string(t) + "-" + std::to_string(i),
                                         ConnectionStatus::pending);
        try {
          if (!store.apply(change, this->audit(change, std::nullopt)).has_value()) ++failures;
        } catch (const std::exception& e) {
          ADD_FAILURE() << e.what();
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(failures.load(), 0);
  const std::int64_t expected = 2 * kRounds * kPerBatch + 2 * kRounds * 10;
  EXPECT_EQ(store.audit_count(), expected);
  const auto chains = verify_audit_chains(store, std::nullopt);
  EXPECT_TRUE(chains.breaks.empty()) << chains.breaks.front().problem;
  EXPECT_EQ(chains.records, expected);
  EXPECT_EQ(chains.schools, 3);
}

TYPED_TEST(StoreConformance, TrustConnectionsListsThatTrustsSchoolsBySchoolThenApp) {
  auto& store = *this->store_;
  this->migrate();
  for (const auto& site : {trust("oak-trust"), trust("elm-trust"), school("oak-b", "oak-trust"),
                           school("oak-a", "oak-trust"), school("elm-a", "elm-trust")}) {
    ASSERT_EQ(store.upsert_site(site), Upsert::created) << site.id;
  }
  for (const auto& [school_id, app] : std::vector<std::pair<std::string, std::string>>{
           {"oak-b", "wonde"}, {"oak-a", "wonde"}, {"elm-a", "wonde"}, {"oak-b", "cpoms"}}) {
    const auto c = this->insert(school_id, app, ConnectionStatus::pending);
    ASSERT_TRUE(store.apply(c, this->audit(c, std::nullopt)).has_value());
  }
  std::vector<std::string> pairs;
  for (const auto& c : store.trust_connections("oak-trust"))
    pairs.push_back(c.school_id + "/" + c.app_id);
  EXPECT_EQ(pairs, (std::vector<std::string>{"oak-a/wonde", "oak-b/cpoms", "oak-b/wonde"}));
  EXPECT_TRUE(store.trust_connections("nowhere").empty());
}

// ---- Idempotency keys ----

template <class Backend>
class StoreIdempotency : public StoreData<Backend> {
 protected:
  IdempotencyRecord running(const std::string& digest, const std::string& token) {
    return IdempotencyRecord{.user_id = user_,
                             .scope = "bulk-decisions:oak-trust",
                             .key = "key-1",
                             .request_digest = digest,
                             .claim_token = token,
                             .created_at = this->clock_.now(),
                             .started_at = this->clock_.now()};
  }
  TimePoint stale_before() { return this->clock_.now() - 5min; }
  std::int64_t user_ = 0;
  void SetUp() override {
    StoreData<Backend>::SetUp();
    user_ = this->add_user("dana@example.org");
  }
};
TYPED_TEST_SUITE(StoreIdempotency, Backends, BackendNames);

TYPED_TEST(StoreIdempotency, AFinishedKeyIsReplayedWithItsAnswer) {
  auto& store = *this->store_;
  const auto first = store.claim_idempotency_key(this->running("d1", "t1"), this->stale_before());
  EXPECT_EQ(first.claim, IdempotencyClaim::claimed);
  EXPECT_FALSE(first.record.done);
  const std::string body = R"({"applied":2,"text":"caf\u00e9 ✓"})";
  EXPECT_TRUE(store.finish_idempotency_key(first.record, 200, body, this->clock_.now()));
  this->clock_.advance(1h);
  const auto replay = store.claim_idempotency_key(this->running("d1", "t2"), this->stale_before());
  EXPECT_EQ(replay.claim, IdempotencyClaim::replay);
  EXPECT_TRUE(replay.record.done);
  EXPECT_EQ(replay.record.response_status, 200);
  EXPECT_EQ(replay.record.response_body, body);
  // The same key with another body is misuse, whatever state the first is in.
  EXPECT_EQ(store.claim_idempotency_key(this->running("d2", "t3"), this->stale_before()).claim,
            IdempotencyClaim::reused);
  // Keys are per user and scope.
  auto other = this->running("d2", "t4");
  other.scope = "bulk-decisions:elm-trust";
  EXPECT_EQ(store.claim_idempotency_key(other, this->stale_before()).claim,
            IdempotencyClaim::claimed);
}

TYPED_TEST(StoreIdempotency, ARunningKeyIsInProgressUntilStaleThenTakenOver) {
  auto& store = *this->store_;
  const auto first = store.claim_idempotency_key(this->running("d1", "t1"), this->stale_before());
  ASSERT_EQ(first.claim, IdempotencyClaim::claimed);
  this->clock_.advance(4min);
  EXPECT_EQ(store.claim_idempotency_key(this->running("d1", "t2"), this->stale_before()).claim,
            IdempotencyClaim::in_progress);
  EXPECT_EQ(store.claim_idempotency_key(this->running("d9", "t2"), this->stale_before()).claim,
            IdempotencyClaim::reused);
  this->clock_.advance(2min);
  const auto taken = store.claim_idempotency_key(this->running("d1", "t3"), this->stale_before());
  ASSERT_EQ(taken.claim, IdempotencyClaim::claimed);
  EXPECT_EQ(taken.record.claim_token, "t3");
  // The first claimer, should it wake up, can no longer store its answer or give the key up.
  EXPECT_FALSE(store.finish_idempotency_key(first.record, 200, "{}", this->clock_.now()));
  store.release_idempotency_key(first.record);
  EXPECT_EQ(store.claim_idempotency_key(this->running("d1", "t4"), this->stale_before()).claim,
            IdempotencyClaim::in_progress);
  EXPECT_TRUE(store.finish_idempotency_key(taken.record, 422, "{}", this->clock_.now()));
  EXPECT_EQ(store.claim_idempotency_key(this->running("d1", "t5"), this->stale_before()).claim,
            IdempotencyClaim::replay);
}

TYPED_TEST(StoreIdempotency, AReleasedKeyCanBeClaimedAgain) {
  auto& store = *this->store_;
  const auto first = store.claim_idempotency_key(this->running("d1", "t1"), this->stale_before());
  ASSERT_EQ(first.claim, IdempotencyClaim::claimed);
  store.release_idempotency_key(first.record);
  EXPECT_EQ(store.claim_idempotency_key(this->running("d2", "t2"), this->stale_before()).claim,
            IdempotencyClaim::claimed);
}

// ---- Notifications ----

template <class Backend>
class StoreNotifications : public StoreData<Backend> {
 protected:
  // A partner's request at `school`, with the notification it asks for.
  void request(const std::string& school_id, const std::string& app) {
    auto change = this->insert(school_id, app, ConnectionStatus::pending);
    change.notify = NotificationKind::connection_requested;
    ASSERT_TRUE(this->store_->apply(change, this->audit(change, std::nullopt, "req-" + app)));
    this->clock_.advance(1s);
  }
  std::vector<std::string> apps(const NotificationPage& page) {
    std::vector<std::string> out;
    for (const auto& n : page.items)
      out.push_back(n.app_id);
    return out;
  }
};
TYPED_TEST_SUITE(StoreNotifications, Backends, BackendNames);

using Strings = std::vector<std::string>;

TYPED_TEST(StoreNotifications, ARequestAddsOneNotificationInItsTransaction) {
  auto& store = *this->store_;
  const auto amir = this->add_user("amir@example.org");
  const TimePoint at = this->clock_.now();
  this->request("oak", "parentpay");
  const Strings oak{"oak"};
  const auto page = store.notifications_for(amir, oak, 10, std::nullopt);
  ASSERT_EQ(page.items.size(), 1u);
  const auto& n = page.items[0];
  EXPECT_GT(n.id, 0);
  EXPECT_EQ(n.school_id, "oak");
  EXPECT_EQ(n.kind, NotificationKind::connection_requested);
  EXPECT_EQ(n.app_id, "parentpay");
  EXPECT_EQ(n.created_at, at);
  EXPECT_EQ(n.request_id, "req-parentpay");
  EXPECT_FALSE(n.read_at.has_value());
  EXPECT_EQ(page.unread, 1);
  EXPECT_FALSE(page.more);

  // A change without `notify`, and an insert that writes nothing, add none.
  const auto quiet = this->insert("oak", "wonde", ConnectionStatus::pending);
  ASSERT_TRUE(store.apply(quiet, this->audit(quiet, std::nullopt)));
  auto twice = this->insert("oak", "parentpay", ConnectionStatus::pending);
  twice.notify = NotificationKind::connection_requested;
  EXPECT_FALSE(store.apply(twice, this->audit(twice, std::nullopt)));
  EXPECT_EQ(store.notifications_for(amir, oak, 10, std::nullopt).items.size(), 1u);
}

TYPED_TEST(StoreNotifications, AFailedChangeLeavesNoNotification) {
  // The foreign key refuses the connection; the notification goes with it.
  auto& store = *this->store_;
  const auto amir = this->add_user("amir@example.org");
  auto change = this->insert("nowhere", "parentpay", ConnectionStatus::pending);
  change.notify = NotificationKind::connection_requested;
  EXPECT_THROW((void)store.apply(change, this->audit(change, std::nullopt)), StoreError);
  const Strings nowhere{"nowhere"};
  EXPECT_TRUE(store.notifications_for(amir, nowhere, 10, std::nullopt).items.empty());
}

TYPED_TEST(StoreNotifications, OnlyTheGivenSchoolsNewestFirstInPages) {
  auto& store = *this->store_;
  const auto amir = this->add_user("amir@example.org");
  for (const auto* app : {"a1", "a2", "a3", "a4", "a5"})
    this->request("oak", app);
  this->request("elm", "e1");
  const Strings oak{"oak"};
  const auto first = store.notifications_for(amir, oak, 2, std::nullopt);
  EXPECT_EQ(this->apps(first), (Strings{"a5", "a4"}));
  EXPECT_TRUE(first.more);
  EXPECT_EQ(first.unread, 5);
  const auto second = store.notifications_for(amir, oak, 2, first.items.back().id);
  EXPECT_EQ(this->apps(second), (Strings{"a3", "a2"}));
  EXPECT_TRUE(second.more);
  const auto third = store.notifications_for(amir, oak, 2, second.items.back().id);
  EXPECT_EQ(this->apps(third), (Strings{"a1"}));
  EXPECT_FALSE(third.more);

  const Strings both{"elm", "oak"};
  const auto all = store.notifications_for(amir, both, 100, std::nullopt);
  EXPECT_EQ(this->apps(all), (Strings{"e1", "a5", "a4", "a3", "a2", "a1"}));
  EXPECT_EQ(all.unread, 6);
  const Strings none;
  const auto empty = store.notifications_for(amir, none, 10, std::nullopt);
  EXPECT_TRUE(empty.items.empty());
  EXPECT_EQ(empty.unread, 0);
}

TYPED_TEST(StoreNotifications, ReadStateIsPerUser) {
  auto& store = *this->store_;
  const auto amir = this->add_user("amir@example.org");
  const auto beth = this->add_user("beth@example.org");
  this->request("oak", "a1");
  this->request("oak", "a2");
  const Strings oak{"oak"};
  const auto id = store.notifications_for(amir, oak, 10, std::nullopt).items.back().id;  // a1
  const TimePoint at = this->clock_.now();
  EXPECT_TRUE(store.mark_notification_read(id, amir, at));
  this->clock_.advance(1min);
  EXPECT_FALSE(store.mark_notification_read(id, amir, this->clock_.now()));

  const auto for_amir = store.notifications_for(amir, oak, 10, std::nullopt);
  EXPECT_EQ(for_amir.unread, 1);
  ASSERT_EQ(for_amir.items.size(), 2u);
  EXPECT_FALSE(for_amir.items[0].read_at.has_value());
  EXPECT_EQ(for_amir.items[1].read_at, std::optional<TimePoint>(at)) << "the first read stays";
  EXPECT_EQ(store.notifications_for(beth, oak, 10, std::nullopt).unread, 2);

  const auto found = store.find_notification(id, amir);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->app_id, "a1");
  EXPECT_EQ(found->read_at, std::optional<TimePoint>(at));
  EXPECT_FALSE(store.find_notification(id, beth).value().read_at.has_value());
  EXPECT_FALSE(store.find_notification(id + 1000, amir).has_value());
}

TYPED_TEST(StoreNotifications, MarkAllReadStopsAtUpToAndAtTheGivenSchools) {
  auto& store = *this->store_;
  const auto amir = this->add_user("amir@example.org");
  this->request("oak", "a1");
  this->request("oak", "a2");
  this->request("elm", "e1");
  this->request("oak", "a3");
  const Strings oak{"oak"};
  const Strings both{"elm", "oak"};
  const auto page = store.notifications_for(amir, oak, 10, std::nullopt);
  const auto a2 = page.items[1].id;
  EXPECT_EQ(store.mark_notifications_read(amir, oak, a2, this->clock_.now()), 2u);
  EXPECT_EQ(store.mark_notifications_read(amir, oak, a2, this->clock_.now()), 0u);
  const auto after = store.notifications_for(amir, both, 10, std::nullopt);
  EXPECT_EQ(after.unread, 2);  // a3 (after up_to) and e1 (another school)
  EXPECT_FALSE(after.items[0].read_at.has_value());
  EXPECT_EQ(store.mark_notifications_read(amir, both, page.items[0].id, this->clock_.now()), 2u);
  EXPECT_EQ(store.notifications_for(amir, both, 10, std::nullopt).unread, 0);
  const Strings none;
  EXPECT_EQ(store.mark_notifications_read(amir, none, 1'000'000, this->clock_.now()), 0u);
}

// ---- Directory ----

TYPED_TEST(StoreConformance, UpsertSiteCreatedChangedUnchanged) {
  auto& store = *this->store_;
  this->migrate();
  const Site t = trust("oak-trust");
  const Site s = school("oak", "oak-trust");
  EXPECT_EQ(store.upsert_site(t), Upsert::created);
  EXPECT_EQ(store.upsert_site(s), Upsert::created);
  EXPECT_EQ(store.upsert_site(t), Upsert::unchanged);
  EXPECT_EQ(store.upsert_site(s), Upsert::unchanged);
  EXPECT_EQ(store.find_site("oak"), std::optional<Site>(s));
  EXPECT_EQ(store.find_site("oak-trust"), std::optional<Site>(t));

  Site renamed = s;
  renamed.name = "Oak Primary Academy";
  renamed.dummy = true;
  EXPECT_EQ(store.upsert_site(renamed), Upsert::changed);
  EXPECT_EQ(store.find_site("oak"), std::optional<Site>(renamed));
  EXPECT_EQ(store.upsert_site(renamed), Upsert::unchanged);

  EXPECT_FALSE(store.find_site("ash").has_value());
  const auto sites = store.list_sites();
  ASSERT_EQ(sites.size(), 2u);
  EXPECT_EQ(sites[0].id, "oak");
  EXPECT_EQ(sites[1].id, "oak-trust");
}

// Alternative-connection links: kept by the token's digest, found by it, and deleted once
// expired, oldest first, a bounded batch at a time.
// The alternative connection's page: a sign-in on a link records its approver's ticket; an
// approval spends the link in its own transaction, only with that ticket, once, and before the
// link or the ticket expires; when it cannot, nothing of the approval is written.
TYPED_TEST(StoreData, ALinkIsSpentOnceByItsApproversTicketWithTheApproval) {
  auto& store = *this->store_;
  const TimePoint t0 = this->clock_.now();
  const auto link = [&](const std::string& hash) {
    return ConnectLink{.token_hash = hash,
                       .app_id = "hodder",
                       .school_id = "oak",
                       .created_at = t0,
                       .expires_at = t0 + std::chrono::hours(1)};
  };
  const std::string a(64, 'a');
  const std::string ticket(64, 't');
  store.create_connect_link(link(a));
  EXPECT_FALSE(store.find_connect_link(a)->approver_user_id.has_value());
  ASSERT_TRUE(store.admit_connect_approver(a, 7, ticket, t0 + 15min, t0));
  const auto admitted = store.find_connect_link(a);
  EXPECT_EQ(admitted->approver_user_id, 7);
  EXPECT_EQ(admitted->approver_ticket_hash, ticket);
  EXPECT_EQ(admitted->approver_until, t0 + 15min);

  auto change = this->insert("oak", "hodder", ConnectionStatus::approved, true);
  const auto audit = this->audit(change, std::nullopt, "req-link");
  const auto before = store.audit_count();
  // Another ticket, or this one once it has expired: nothing is written.
  change.spends_link = LinkSpend{a, std::string(64, 'x'), "amir@example.org", t0};
  EXPECT_FALSE(store.apply(change, audit).has_value());
  EXPECT_FALSE(store.spend_connect_link(*change.spends_link));
  change.spends_link = LinkSpend{a, ticket, "amir@example.org", t0 + 16min};
  EXPECT_FALSE(store.apply(change, audit).has_value());
  EXPECT_FALSE(store.find_connection("oak", "hodder").has_value());
  EXPECT_EQ(store.audit_count(), before);
  EXPECT_FALSE(store.find_connect_link(a)->used_at.has_value());

  change.spends_link = LinkSpend{a, ticket, "amir@example.org", t0 + 1min};
  const auto written = store.apply(change, audit);
  ASSERT_TRUE(written.has_value());
  EXPECT_EQ(written->status, ConnectionStatus::approved);
  const auto spent = store.find_connect_link(a);
  EXPECT_EQ(spent->used_at, t0 + 1min);
  EXPECT_EQ(spent->used_by, "amir@example.org");
  // Once only, and a spent link admits nobody.
  EXPECT_FALSE(store.spend_connect_link(*change.spends_link));
  EXPECT_FALSE(store.admit_connect_approver(a, 8, ticket, t0 + 15min, t0 + 2min));

  // Spent by itself (an approval that changed nothing), before the link's own expiry only.
  const std::string b(64, 'b');
  store.create_connect_link(link(b));
  ASSERT_TRUE(store.admit_connect_approver(b, 7, ticket, t0 + 2h, t0));
  EXPECT_FALSE(store.spend_connect_link({b, ticket, "amir@example.org", t0 + 1h}));
  EXPECT_FALSE(store.admit_connect_approver(b, 7, ticket, t0 + 2h, t0 + 1h));
  const std::string c(64, 'c');
  store.create_connect_link(link(c));
  ASSERT_TRUE(store.admit_connect_approver(c, 7, ticket, t0 + 15min, t0));
  EXPECT_TRUE(store.spend_connect_link({c, ticket, "amir@example.org", t0 + 5min}));
}

// A trust user's first opening of a school is kept; later ones change nothing.
TYPED_TEST(StoreData, ATrustUsersFirstVisitToASchoolIsKept) {
  auto& store = *this->store_;
  const TimePoint t0 = this->clock_.now();
  EXPECT_FALSE(store.first_school_visit(5, "oak").has_value());
  store.record_school_visit(5, "oak", t0);
  store.record_school_visit(5, "oak", t0 + 1h);
  EXPECT_EQ(store.first_school_visit(5, "oak"), t0);
  EXPECT_FALSE(store.first_school_visit(5, "elm").has_value());
  EXPECT_FALSE(store.first_school_visit(6, "oak").has_value());
}

// How a user signs in to the MIS is kept with them, and an import that changes it changes them.
TYPED_TEST(StoreData, AUsersSignInMethodIsKept) {
  auto& store = *this->store_;
  auto omar = user("omar@example.org", "oak", {"school_administrator"});
  omar.sign_in = SignInMethod::two_step_verification;
  ASSERT_EQ(store.upsert_user(omar), Upsert::created);
  EXPECT_EQ(store.find_user_by_email("omar@example.org")->sign_in,
            SignInMethod::two_step_verification);
  EXPECT_EQ(store.upsert_user(omar), Upsert::unchanged);
  omar.sign_in = SignInMethod::password;
  EXPECT_EQ(store.upsert_user(omar), Upsert::changed);
  EXPECT_EQ(store.users_of_site("oak").at(0).sign_in, SignInMethod::password);
}

TYPED_TEST(StoreConformance, ConnectLinksAreKeptByDigestAndDeletedOnceExpired) {
  auto& store = *this->store_;
  this->migrate();
  const TimePoint t0 = from_unix_ms(1'800'000'000'000);
  const auto link = [&](const std::string& hash, std::chrono::hours life) {
    return ConnectLink{.token_hash = hash,
                       .app_id = "hodder",
                       .school_id = "oak",
                       .redirect_uri = "https://hodder.example/done",
                       .state = "xyz-123",
                       .created_at = t0,
                       .expires_at = t0 + life};
  };
  const std::string a(64, 'a');
  const std::string b(64, 'b');
  const std::string c(64, 'c');
  store.create_connect_link(link(a, std::chrono::hours(1)));
  store.create_connect_link(link(b, std::chrono::hours(2)));
  store.create_connect_link(link(c, std::chrono::hours(48)));
  const auto found = store.find_connect_link(a);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->app_id, "hodder");
  EXPECT_EQ(found->school_id, "oak");
  EXPECT_EQ(found->redirect_uri, "https://hodder.example/done");
  EXPECT_EQ(found->state, "xyz-123");
  EXPECT_EQ(found->created_at, t0);
  EXPECT_EQ(found->expires_at, t0 + std::chrono::hours(1));
  EXPECT_FALSE(found->used_at.has_value());
  EXPECT_EQ(found->used_by, "");
  EXPECT_FALSE(store.find_connect_link(std::string(64, 'A')).has_value());  // exact bytes only
  EXPECT_FALSE(store.find_connect_link("").has_value());

  const TimePoint later = t0 + std::chrono::hours(3);
  EXPECT_EQ(store.delete_connect_links_before(later, 1), 1u);  // the oldest first
  EXPECT_FALSE(store.find_connect_link(a).has_value());
  EXPECT_TRUE(store.find_connect_link(b).has_value());
  EXPECT_EQ(store.delete_connect_links_before(later, 10), 1u);
  EXPECT_EQ(store.delete_connect_links_before(later, 10), 0u);
  EXPECT_TRUE(store.find_connect_link(c).has_value());
}

TYPED_TEST(StoreConformance, SiteTextRoundTripsInFullUnicode) {
  auto& store = *this->store_;
  this->migrate();
  Site s = school("ysgol");
  s.name = "Ysgol Gymraeg Aberd\xc3\xa2r \xf0\x9f\x8c\xb3";  // â and a 4-byte emoji
  EXPECT_EQ(store.upsert_site(s), Upsert::created);
  EXPECT_EQ(store.find_site("ysgol"), std::optional<Site>(s));
  EXPECT_EQ(store.upsert_site(s), Upsert::unchanged);
}

TYPED_TEST(StoreData, UpsertUserCreatedChangedUnchanged) {
  auto& store = *this->store_;
  User amir = user("amir@example.org", "oak", {"teacher", "school_administrator"});
  EXPECT_EQ(store.upsert_user(amir), Upsert::created);
  auto stored = store.find_user_by_email("amir@example.org");
  ASSERT_TRUE(stored.has_value());
  const auto id = stored->id;
  EXPECT_GT(id, 0);
  EXPECT_EQ(stored->name, amir.name);
  EXPECT_EQ(stored->home_site, "oak");
  EXPECT_EQ(stored->roles, (std::vector<std::string>{"school_administrator", "teacher"}));

  EXPECT_EQ(store.upsert_user(amir), Upsert::unchanged);
  User reordered = amir;
  reordered.roles = {"school_administrator", "teacher"};
  EXPECT_EQ(store.upsert_user(reordered), Upsert::unchanged);

  User renamed = amir;
  renamed.name = "Amir P.";
  EXPECT_EQ(store.upsert_user(renamed), Upsert::changed);
  User moved = renamed;
  moved.home_site = "elm";
  EXPECT_EQ(store.upsert_user(moved), Upsert::changed);
  User fewer_roles = moved;
  fewer_roles.roles = {"teacher"};
  EXPECT_EQ(store.upsert_user(fewer_roles), Upsert::changed);

  auto after = store.find_user(id);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->email, "amir@example.org");
  EXPECT_EQ(after->name, "Amir P.");
  EXPECT_EQ(after->home_site, "elm");
  EXPECT_EQ(after->roles, std::vector<std::string>{"teacher"});
  EXPECT_FALSE(store.find_user(id + 1000).has_value());
  EXPECT_FALSE(store.find_user_by_email("nobody@example.org").has_value());
}

TYPED_TEST(StoreData, UsersOfASiteByNameThenEmailWithRolesAndLeavers) {
  auto& store = *this->store_;
  User b = user("b@example.org", "oak", {"teacher", "school_office"});
  b.name = "Ann Smith";
  User a = user("a@example.org", "oak", {});
  a.name = "Ann Smith";
  User c = user("c@example.org", "oak", {"school_administrator"});
  c.name = "Aaron Jones";
  User elsewhere = user("d@example.org", "elm", {"school_administrator"});
  elsewhere.name = "Aaron Aaronson";
  for (const auto* u : {&b, &a, &c, &elsewhere})
    ASSERT_EQ(store.upsert_user(*u), Upsert::created);
  const auto c_id = store.find_user_by_email("c@example.org").value().id;
  ASSERT_TRUE(store.disable_user(c_id, this->clock_.now()).has_value());

  const auto users = store.users_of_site("oak");
  ASSERT_EQ(users.size(), 3u);
  EXPECT_EQ(users[0].email, "c@example.org");
  EXPECT_EQ(users[0].id, c_id);
  EXPECT_EQ(users[0].name, "Aaron Jones");
  EXPECT_EQ(users[0].home_site, "oak");
  EXPECT_TRUE(users[0].disabled);
  EXPECT_EQ(users[0].roles, std::vector<std::string>{"school_administrator"});
  // The same name: by email.
  EXPECT_EQ(users[1].email, "a@example.org");
  EXPECT_TRUE(users[1].roles.empty());
  EXPECT_FALSE(users[1].disabled);
  EXPECT_EQ(users[2].email, "b@example.org");
  EXPECT_EQ(users[2].roles, (std::vector<std::string>{"school_office", "teacher"}));
  // Each as find_user gives them.
  for (const auto& u : users)
    EXPECT_EQ(store.find_user(u.id).value().roles, u.roles);

  const auto elm = store.users_of_site("elm");
  ASSERT_EQ(elm.size(), 1u);
  EXPECT_EQ(elm[0].email, "d@example.org");
  EXPECT_TRUE(store.users_of_site("pine").empty());
  // Ids compare exactly.
  EXPECT_TRUE(store.users_of_site("oak ").empty());
  EXPECT_TRUE(store.users_of_site("OAK").empty());
}

TYPED_TEST(StoreData, UserWithoutRoles) {
  auto& store = *this->store_;
  EXPECT_EQ(store.upsert_user(user("nobody@example.org", "oak", {})), Upsert::created);
  auto u = store.find_user_by_email("nobody@example.org");
  ASSERT_TRUE(u.has_value());
  EXPECT_TRUE(u->roles.empty());
  EXPECT_EQ(store.upsert_user(user("nobody@example.org", "oak", {})), Upsert::unchanged);
  EXPECT_EQ(store.upsert_user(user("nobody@example.org", "oak", {"teacher"})), Upsert::changed);
  EXPECT_EQ(store.find_user(u->id).value().roles, std::vector<std::string>{"teacher"});
}

TYPED_TEST(StoreData, UpsertUserNeverTouchesCredentials) {
  auto& store = *this->store_;
  const auto uid = this->add_user("amir@example.org");
  store.set_password_hash(uid, "hash-1");
  User renamed = user("amir@example.org", "oak", {"school_administrator"});
  renamed.name = "Someone Else";
  EXPECT_EQ(store.upsert_user(renamed), Upsert::changed);
  EXPECT_EQ(store.password_hash(uid), std::optional<std::string>("hash-1"));
}

// Lookups get what clients sent; bytes that are not UTF-8 find nothing and are never a
// database failure.
TYPED_TEST(StoreData, LookupsWithBytesThatAreNotUtf8FindNothing) {
  auto& store = *this->store_;
  const std::string bad = "oak\xff\xfe";
  EXPECT_FALSE(store.find_site(bad).has_value());
  EXPECT_FALSE(store.find_connection(bad, "parentpay").has_value());
  EXPECT_FALSE(store.find_connection("oak", bad).has_value());
  EXPECT_TRUE(store.list_connections(bad, std::nullopt).empty());
  EXPECT_TRUE(store.audit_for_school(bad, 10).empty());
  EXPECT_FALSE(store.find_user_by_email("amir@example.org\xc3").has_value());
  EXPECT_TRUE(store.users_of_site(bad).empty());
  EXPECT_FALSE(store.find_session(bad).has_value());
  EXPECT_FALSE(store.delete_session(bad));
  EXPECT_FALSE(store.partner_secret_hash(bad).has_value());
}

// ---- Partner events: the outbox, leases, the delivery log ----

OutboxEvent outbox(const std::string& id, const std::string& type = "connection.requested") {
  return OutboxEvent{id, type, R"({"type":")" + type + R"("})"};
}

TYPED_TEST(StoreData, AnEventIsWrittenWithItsChangeOrNotAtAll) {
  auto& store = *this->store_;
  auto first = this->insert("oak", "parentpay", ConnectionStatus::pending);
  first.event = outbox("msg_first");
  ASSERT_TRUE(store.apply(first, this->audit(first, std::nullopt)).has_value());
  // A change whose revision check fails writes no event; nor does a duplicate insert.
  auto stale = first;
  stale.expected_revision = 9;
  stale.event = outbox("msg_stale");
  EXPECT_FALSE(store.apply(stale, this->audit(stale, ConnectionStatus::pending)).has_value());
  auto again = first;
  again.event = outbox("msg_again");
  EXPECT_FALSE(store.apply(again, this->audit(again, std::nullopt)).has_value());
  // A batch writes each change's event, or none when any change fails.
  std::vector<AuditedChange> batch;
  for (const char* app : {"wonde", "cpoms"}) {
    auto change = this->insert("elm", app, ConnectionStatus::pending);
    change.event = outbox(std::string("msg_") + app);
    batch.push_back({change, this->audit(change, std::nullopt)});
  }
  auto failing = batch;
  failing.push_back({first, this->audit(first, std::nullopt)});  // exists: the batch fails
  failing.back().change.event = outbox("msg_failing");
  EXPECT_FALSE(store.apply_all(failing).has_value());
  EXPECT_FALSE(store.find_event("msg_wonde").has_value());
  ASSERT_TRUE(store.apply_all(batch).has_value());
  // A change that carries no event writes none.
  auto quiet = this->insert("elm", "lgfl", ConnectionStatus::pending);
  ASSERT_TRUE(store.apply(quiet, this->audit(quiet, std::nullopt)).has_value());

  const auto all = store.list_events("", std::nullopt, std::nullopt, 10);
  std::vector<std::string> ids;
  for (const auto& e : all)
    ids.push_back(e.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"msg_cpoms", "msg_wonde", "msg_first"}));
  const auto e = store.find_event("msg_first").value();
  EXPECT_EQ(e.app_id, "parentpay");
  EXPECT_EQ(e.school_id, "oak");
  EXPECT_EQ(e.type, "connection.requested");
  EXPECT_EQ(e.body, R"({"type":"connection.requested"})");
  EXPECT_EQ(e.created_at, this->clock_.now());
  EXPECT_EQ(e.state, EventState::pending);
  EXPECT_EQ(e.attempts, 0);
  // A partner reads its own events by cursor, oldest first.
  const auto wonde = store.events_for_app("wonde", 0, 10);
  ASSERT_EQ(wonde.size(), 1u);
  EXPECT_EQ(wonde[0].id, "msg_wonde");
  EXPECT_TRUE(store.events_for_app("wonde", wonde[0].seq, 10).empty());
  EXPECT_TRUE(store.events_for_app("parentpay ", 0, 10).empty());
  EXPECT_EQ(store.pending_events(), 3);
}

TYPED_TEST(StoreData, AClaimedEventIsHeldUntilItsLeaseRunsOut) {
  auto& store = *this->store_;
  for (const char* app : {"wonde", "cpoms", "lgfl"}) {
    auto change = this->insert("oak", app, ConnectionStatus::pending);
    change.event = outbox(std::string("msg_") + app);
    ASSERT_TRUE(store.apply(change, this->audit(change, std::nullopt)).has_value());
  }
  const std::vector<std::string> apps{"wonde", "cpoms"};  // lgfl has no endpoint
  const auto now = this->clock_.now();
  auto a = store.claim_events({"a", now, now + 10s, apps, 10});
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].attempts, 1);
  // Nobody else gets them while the lease lasts.
  EXPECT_TRUE(store.claim_events({"b", now + 5s, now + 15s, apps, 10}).empty());
  // A failure recorded by a holder whose lease was taken over moves nothing.
  auto b = store.claim_events({"b", now + 11s, now + 21s, apps, 1});
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].id, a[0].id);
  EXPECT_EQ(b[0].attempts, 2);
  Delivery failed{.event_seq = a[0].seq,
                  .event_id = a[0].id,
                  .app_id = a[0].app_id,
                  .attempt = 1,
                  .replica = "replica-a",
                  .at = now,
                  .duration = 1500ms,
                  .status_code = 500,
                  .outcome = DeliveryOutcome::failed,
                  .error = "answered 500"};
  EXPECT_FALSE(store.record_delivery(failed, "a", {.retry_at = now + 60s}));
  // Its holder's failure schedules the retry; it is due again only then.
  failed.attempt = 2;
  failed.replica = "replica-b";
  failed.at = now + 11s;
  ASSERT_TRUE(store.record_delivery(failed, "b", {.retry_at = now + 30s}));
  auto e = store.find_event(a[0].id).value();
  EXPECT_EQ(e.state, EventState::pending);
  EXPECT_EQ(e.next_attempt_at, now + 30s);
  EXPECT_EQ(e.last_error, "answered 500");
  // A delivery counts whoever made it: the other event, delivered by its holder.
  Delivery ok{.event_seq = a[1].seq,
              .event_id = a[1].id,
              .app_id = a[1].app_id,
              .attempt = 1,
              .replica = "replica-a",
              .at = now + 1s,
              .duration = 20ms,
              .status_code = 204,
              .outcome = DeliveryOutcome::delivered};
  ASSERT_TRUE(store.record_delivery(ok, "a", {}));
  EXPECT_EQ(store.find_event(a[1].id)->state, EventState::delivered);
  EXPECT_EQ(store.find_event(a[1].id)->delivered_at, now + 1s + 20ms);
  EXPECT_TRUE(store.claim_events({"c", now + 29s, now + 39s, apps, 10}).empty())
      << "not due before its retry";
  EXPECT_EQ(store.pending_events(), 2);
  // Given up: failed, not claimed again, until an operator asks for it again.
  auto c = store.claim_events({"c", now + 31s, now + 41s, apps, 10});
  ASSERT_EQ(c.size(), 1u);
  failed.attempt = 3;
  failed.at = now + 31s;
  ASSERT_TRUE(store.record_delivery(failed, "c", {}));
  EXPECT_EQ(store.find_event(a[0].id)->state, EventState::failed);
  EXPECT_TRUE(store.claim_events({"d", now + 50s, now + 60s, apps, 10}).empty());
  EXPECT_TRUE(store.redeliver(a[0].id, now + 50s));
  EXPECT_FALSE(store.redeliver("msg_nothing", now + 50s));
  e = store.find_event(a[0].id).value();
  EXPECT_EQ(e.state, EventState::pending);
  EXPECT_EQ(e.attempts, 0);
  EXPECT_EQ(store.claim_events({"d", now + 50s, now + 60s, apps, 10}).size(), 1u);

  // The log, newest first, per event or per app.
  const auto log = store.deliveries({.event_id = a[0].id});
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].attempt, 3);
  EXPECT_EQ(log[2].replica, "replica-a");
  EXPECT_EQ(log[2].status_code, 500);
  EXPECT_EQ(log[2].duration, 1500ms);
  EXPECT_EQ(log[2].outcome, DeliveryOutcome::failed);
  EXPECT_EQ(store.deliveries({.app_id = a[1].app_id}).size(), 1u);
  EXPECT_EQ(store.deliveries({.limit = 2}).size(), 2u);
  EXPECT_EQ(store.list_events("", EventState::delivered, std::nullopt, 10).size(), 1u);
}

// An event whose every attempt ended with its replica (killed, say, by what it delivered) is
// given up once its attempts are spent, not claimed for ever.
TYPED_TEST(StoreData, AnEventWhoseAttemptsAllDiedIsGivenUp) {
  auto& store = *this->store_;
  auto change = this->insert("oak", "wonde", ConnectionStatus::pending);
  change.event = outbox("msg_deadly");
  ASSERT_TRUE(store.apply(change, this->audit(change, std::nullopt)).has_value());
  const std::vector<std::string> apps{"wonde"};
  auto now = this->clock_.now();
  for (int attempt = 1; attempt <= 2; ++attempt) {
    auto claimed = store.claim_events({"r", now, now + 10s, apps, 1, 2});
    ASSERT_EQ(claimed.size(), 1u) << attempt;
    EXPECT_EQ(claimed[0].attempts, attempt);
    now += 11s;  // the replica died: its lease runs out
  }
  EXPECT_TRUE(store.claim_events({"r", now, now + 10s, apps, 1, 2}).empty());
  const auto e = store.find_event("msg_deadly").value();
  EXPECT_EQ(e.state, EventState::failed);
  EXPECT_NE(e.last_error.find("given up"), std::string::npos) << e.last_error;
  // An operator's redelivery starts the count again.
  ASSERT_TRUE(store.redeliver("msg_deadly", now));
  EXPECT_EQ(store.claim_events({"r", now, now + 10s, apps, 1, 2}).size(), 1u);
}

TYPED_TEST(StoreData, TwoClaimersNeverHoldTheSameEvent) {
  auto& store = *this->store_;
  std::vector<AuditedChange> batch;
  for (int i = 0; i < 60; ++i) {
    auto change = this->insert("oak", "app-" + std::to_string(i), ConnectionStatus::pending);
    change.event = outbox("msg_" + std::to_string(i));
    batch.push_back({change, this->audit(change, std::nullopt)});
  }
  ASSERT_TRUE(store.apply_all(batch).has_value());
  std::vector<std::string> apps;
  for (int i = 0; i < 60; ++i)
    apps.push_back("app-" + std::to_string(i));
  auto second = this->backend_.open();
  std::vector<std::string> got[2];
  std::latch start(2);
  const auto now = this->clock_.now();
  auto claimer = [&](Store& s, int who) {
    start.arrive_and_wait();
    for (int round = 0; round < 20; ++round) {
      for (auto& e : s.claim_events({"owner-" + std::to_string(who), now, now + 60s, apps, 4}))
        got[who].push_back(e.id);
    }
  };
  std::thread a(claimer, std::ref(store), 0);
  std::thread b(claimer, std::ref(*second), 1);
  a.join();
  b.join();
  std::set<std::string> all(got[0].begin(), got[0].end());
  all.insert(got[1].begin(), got[1].end());
  EXPECT_EQ(all.size(), got[0].size() + got[1].size()) << "an event was claimed twice";
  EXPECT_EQ(all.size(), 60u);
}

TYPED_TEST(StoreData, RetentionDeletesOldEventsAndTheirLog) {
  auto& store = *this->store_;
  auto change = this->insert("oak", "wonde", ConnectionStatus::pending);
  change.event = outbox("msg_old");
  ASSERT_TRUE(store.apply(change, this->audit(change, std::nullopt)).has_value());
  const std::vector<std::string> apps{"wonde"};
  const auto now = this->clock_.now();
  auto claimed = store.claim_events({"a", now, now + 10s, apps, 1});
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_TRUE(store.record_delivery({.event_seq = claimed[0].seq,
                                     .event_id = "msg_old",
                                     .app_id = "wonde",
                                     .attempt = 1,
                                     .replica = "r",
                                     .at = now,
                                     .outcome = DeliveryOutcome::delivered},
                                    "a", {}));
  this->clock_.advance(std::chrono::days(91));
  auto fresh = this->insert("oak", "cpoms", ConnectionStatus::pending);
  fresh.at = this->clock_.now();
  fresh.event = outbox("msg_new");
  ASSERT_TRUE(store.apply(fresh, this->audit(fresh, std::nullopt)).has_value());
  const auto report = apply_retention(store, this->clock_.now(), Retention{});
  EXPECT_EQ(report.partner_events, 2u);  // the event and its one delivery
  EXPECT_FALSE(store.find_event("msg_old").has_value());
  EXPECT_TRUE(store.find_event("msg_new").has_value());
  EXPECT_TRUE(store.deliveries({.event_id = "msg_old"}).empty());
}

TYPED_TEST(StoreData, RetentionDeletesConnectLinksAWeekPastTheirExpiry) {
  auto& store = *this->store_;
  const auto now = this->clock_.now();
  const auto link = [&](char c, std::chrono::hours life) {
    return ConnectLink{.token_hash = std::string(64, c),
                       .app_id = "hodder",
                       .school_id = "oak",
                       .created_at = now,
                       .expires_at = now + life};
  };
  store.create_connect_link(link('a', std::chrono::hours(24)));
  store.create_connect_link(link('b', std::chrono::hours(24 * 8)));
  this->clock_.advance(std::chrono::days(8) + std::chrono::hours(1));
  const auto report = apply_retention(store, this->clock_.now(), Retention{});
  EXPECT_EQ(report.connect_links, 1u);
  EXPECT_FALSE(store.find_connect_link(std::string(64, 'a')).has_value());
  EXPECT_TRUE(store.find_connect_link(std::string(64, 'b')).has_value());
}

TYPED_TEST(StoreData, ADeletionRequestIsWrittenWithItsRevocationAndAttestedOnce) {
  auto& store = *this->store_;
  auto approve = this->insert("oak", "wonde", ConnectionStatus::approved, true);
  ASSERT_TRUE(store.apply(approve, this->audit(approve, std::nullopt)).has_value());
  EXPECT_FALSE(store.attest_deletion("oak", "wonde", this->clock_.now(), "").has_value());
  ConnectionChange revoke{.school_id = "oak",
                          .app_id = "wonde",
                          .expected_revision = 1,
                          .to = ConnectionStatus::rejected,
                          .permission_set_version = 3,
                          .at = this->clock_.now(),
                          .is_decision = true,
                          .decided_by = "amir@example.org",
                          .reject_reason = RejectReason::data_concerns,
                          .reject_note = "names only"};
  revoke.event = outbox("msg_revoke", "connection.rejected");
  revoke.deletion_due = this->clock_.now() + std::chrono::days(30);
  // A revocation that fails its revision check asks for nothing.
  auto stale = revoke;
  stale.expected_revision = 5;
  EXPECT_FALSE(store.apply(stale, this->audit(stale, ConnectionStatus::approved)).has_value());
  const std::string schools[] = {"oak", "elm"};
  EXPECT_TRUE(store.deletion_requests(schools, false).empty());
  auto record = this->audit(revoke, ConnectionStatus::approved);
  record.reason = "data_concerns";
  record.reason_note = "names only";
  const auto written = store.apply(revoke, record);
  ASSERT_TRUE(written.has_value());
  EXPECT_EQ(written->reject_reason, RejectReason::data_concerns);
  EXPECT_EQ(written->reject_note, "names only");
  EXPECT_EQ(store.find_connection("oak", "wonde")->reject_reason, RejectReason::data_concerns);
  auto open = store.deletion_requests(schools, true);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].app_id, "wonde");
  EXPECT_EQ(open[0].event_id, "msg_revoke");
  EXPECT_EQ(open[0].due_at, this->clock_.now() + std::chrono::days(30));
  EXPECT_FALSE(open[0].attested_at.has_value());
  this->clock_.advance(1h);
  const auto attested = store.attest_deletion("oak", "wonde", this->clock_.now(), "gone");
  ASSERT_TRUE(attested.has_value());
  EXPECT_EQ(attested->attested_at, this->clock_.now());
  EXPECT_EQ(attested->note, "gone");
  // Once: a later attestation leaves the first.
  this->clock_.advance(1h);
  EXPECT_EQ(store.attest_deletion("oak", "wonde", this->clock_.now(), "again")->note, "gone");
  EXPECT_TRUE(store.deletion_requests(schools, true).empty());
  EXPECT_EQ(store.deletion_requests(schools, false).size(), 1u);
  const std::string elm_only[] = {"elm"};
  EXPECT_TRUE(store.deletion_requests(elm_only, false).empty());
  // The audit record keeps the reason, and the chain still verifies with it.
  const auto trail = store.audit_for_school("oak", 10);
  ASSERT_EQ(trail.size(), 2u);
  EXPECT_EQ(trail[1].reason, "data_concerns");
  EXPECT_EQ(trail[1].reason_note, "names only");
  EXPECT_FALSE(trail[0].reason.has_value());
  EXPECT_TRUE(verify_audit_chains(store, std::nullopt).breaks.empty());
}

// ---- MariaDB only: the pool, reconnects and configuration ----
#ifdef CANOPY_TEST_ON_MARIADB

class MysqlStoreTest : public ::testing::Test {
 protected:
  void migrate(Store& store) {
    auto r = store.migrate(clock_);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  MysqlBackend backend_;
  testing::ManualClock clock_;
};

TEST_F(MysqlStoreTest, ReadRetriesAfterTheServerKilledThePooledConnection) {
  auto store = backend_.open_mysql(1, 5000ms);
  migrate(*store);
  ASSERT_EQ(store->upsert_site(school("oak")), Upsert::created);
  const auto before = backend_.store_connection_ids();
  ASSERT_EQ(before.size(), 1u);
  backend_.kill(before[0]);
  ASSERT_TRUE(eventually([&] { return backend_.store_connection_ids().empty(); }));

  // A read on the dead pooled connection is retried once on a fresh one.
  EXPECT_TRUE(store->find_site("oak").has_value());
  const auto after_read = backend_.store_connection_ids();
  ASSERT_EQ(after_read.size(), 1u);
  EXPECT_NE(after_read[0], before[0]);
  EXPECT_EQ(store->open_connections(), 1u);
}

TEST_F(MysqlStoreTest, TransactionRetriesAfterTheServerKilledThePooledConnection) {
  // A transaction that lost its connection before COMMIT is retried from the start, and
  // writes its change and audit row exactly once.
  auto store = backend_.open_mysql(1, 5000ms);
  migrate(*store);
  ASSERT_EQ(store->upsert_site(school("oak")), Upsert::created);
  const auto before = backend_.store_connection_ids();
  ASSERT_EQ(before.size(), 1u);
  backend_.kill(before[0]);
  ASSERT_TRUE(eventually([&] { return backend_.store_connection_ids().empty(); }));
  ConnectionChange change{.school_id = "oak",
                          .app_id = "parentpay",
                          .to = ConnectionStatus::pending,
                          .permission_set_version = 1,
                          .at = clock_.now()};
  AuditRecord audit{.school_id = "oak",
                    .app_id = "parentpay",
                    .actor_kind = ActorKind::partner,
                    .actor = "parentpay",
                    .actor_site = "oak",
                    .actor_role = "partner",
                    .action = "request",
                    .to_status = ConnectionStatus::pending,
                    .permission_set_version = 1,
                    .at = clock_.now(),
                    .request_id = "req-after-kill"};
  auto applied = store->apply(change, audit);
  ASSERT_TRUE(applied.has_value());
  EXPECT_EQ(applied->revision, 1);
  EXPECT_EQ(store->audit_count(), 1);
  EXPECT_EQ(store->open_connections(), 1u);
  const auto after = backend_.store_connection_ids();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_NE(after[0], before[0]);
}

TEST_F(MysqlStoreTest, PoolReplacesDeadIdleConnectionsOnceAFailureIsNoted) {
  auto config = backend_.config();
  config.pool_size = 3;
  mysql::Pool pool(config);
  {
    auto a = pool.acquire();
    auto b = pool.acquire();
    auto c = pool.acquire();
  }
  const auto ids = backend_.store_connection_ids();
  ASSERT_EQ(ids.size(), 3u);
  for (auto id : ids)
    backend_.kill(id);
  ASSERT_TRUE(eventually([&] { return backend_.store_connection_ids().empty(); }));
  pool.note_connection_failure();
  auto a = pool.acquire();
  auto b = pool.acquire();
  auto c = pool.acquire();
  for (auto* lease : {&a, &b, &c})
    EXPECT_TRUE((*lease)->isValid());
  EXPECT_EQ(pool.open_connections(), 3u);
  EXPECT_EQ(backend_.store_connection_ids().size(), 3u);
}

TEST_F(MysqlStoreTest, PoolCheckoutWaitsThenThrowsWhenExhausted) {
  auto config = backend_.config();
  config.pool_size = 2;
  config.checkout_timeout = 250ms;
  mysql::Pool pool(config);
  auto a = pool.acquire();
  std::optional<mysql::Pool::Lease> b(pool.acquire());
  const auto start = std::chrono::steady_clock::now();
  try {
    (void)pool.acquire();
    FAIL() << "a third checkout from a pool of two succeeded";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("pool exhausted"), std::string::npos) << e.what();
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
  EXPECT_EQ(pool.open_connections(), 2u);

  // A returned connection is handed out again; a discarded one frees its slot.
  b.reset();
  auto c = pool.acquire();
  c.discard();
  EXPECT_EQ(pool.open_connections(), 1u);
  auto d = pool.acquire();
  EXPECT_TRUE(d->isValid());
  EXPECT_EQ(pool.open_connections(), 2u);
}

TEST_F(MysqlStoreTest, StoreCallsThrowPoolExhaustedWhileEveryConnectionIsBusy) {
  auto store = backend_.open_mysql(1, 300ms);
  migrate(*store);
  ASSERT_EQ(store->upsert_site(school("oak")), Upsert::created);
  ASSERT_EQ(store->upsert_user(user("amir@example.org", "oak", {})), Upsert::created);
  const auto uid = store->find_user_by_email("amir@example.org").value().id;

  // Another client holds the user's row lock, so set_password_hash holds the only connection.
  auto holder = backend_.connect();
  run_sql(*holder, "START TRANSACTION");
  ASSERT_EQ(
      int_column(*holder, "SELECT id FROM users WHERE id = " + std::to_string(uid) + " FOR UPDATE"),
      std::vector<std::int64_t>{uid});
  bool written = false;
  std::string blocked_error;
  std::thread blocked([&] {
    try {
      store->set_password_hash(uid, "$argon2id$after-the-lock");
      written = true;
    } catch (const std::exception& e) {
      blocked_error = e.what();
    }
  });
  // Blocked on the row lock (MariaDB shows it as a statement still running, not always as
  // a LOCK WAIT transaction).
  const bool waiting = eventually([&] {
    return int_column(backend_.admin(),
                      "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = '" +
                          backend_.database() + "' AND INFO LIKE 'UPDATE users SET password_hash%'")
               .at(0) == 1;
  });
  EXPECT_TRUE(waiting);

  const auto start = std::chrono::steady_clock::now();
  try {
    (void)store->find_site("oak");
    ADD_FAILURE() << "a read got a connection from a pool whose only one was busy";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("pool exhausted"), std::string::npos) << e.what();
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);

  run_sql(*holder, "ROLLBACK");
  blocked.join();
  EXPECT_EQ(blocked_error, "");
  EXPECT_TRUE(written);
  EXPECT_TRUE(store->find_site("oak").has_value());
}

TEST_F(MysqlStoreTest, ConcurrentMigrationsApplyEachVersionOnce) {
  constexpr int kStores = 4;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kStores; ++i)
    stores.push_back(backend_.open());
  std::vector<std::optional<Result<MigrationReport>>> reports(kStores);
  std::latch start(kStores);
  std::vector<std::thread> threads;
  for (int i = 0; i < kStores; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      reports[static_cast<std::size_t>(i)].emplace(
          stores[static_cast<std::size_t>(i)]->migrate(clock_));
    });
  }
  for (auto& t : threads)
    t.join();
  int from_zero = 0;
  for (auto& r : reports) {
    ASSERT_TRUE(r.has_value() && r->ok()) << (r && !r->ok() ? r->error().message : "no report");
    EXPECT_EQ((*r)->to_version, MysqlBackend::latest());
    if ((*r)->from_version == 0) ++from_zero;
  }
  EXPECT_EQ(from_zero, 1);
  auto c = backend_.connect();
  // One row per migration: versions need not be contiguous (0003 lives on another branch).
  EXPECT_EQ(int_column(*c, "SELECT COUNT(*) FROM schema_migrations").at(0),
            static_cast<std::int64_t>(mysql_migrations().size()));
}

TEST_F(MysqlStoreTest, ConnectFailureIsAStoreErrorWithoutThePassword) {
  auto config = backend_.config();
  config.password = "wrong-secret-pw-4242";
  MysqlStore store(config);
  try {
    (void)store.find_site("oak");
    FAIL() << "signed in with a wrong password";
  } catch (const StoreError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("cannot connect"), std::string::npos) << message;
    EXPECT_EQ(message.find(config.password), std::string::npos) << message;
  }
  EXPECT_EQ(store.open_connections(), 0u);  // the failed connect gave its slot back
}

// Every text column compares byte for byte, trailing spaces included (migration 0006): a NO PAD
// binary collation, or bytes (VARBINARY) for what clients send.
TEST_F(MysqlStoreTest, EveryTextColumnComparesExactly) {
  MysqlStore store(backend_.config());
  migrate(store);
  auto c = backend_.connect();
  std::unique_ptr<sql::PreparedStatement> q(c->prepareStatement(
      "SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME, ' ', COLLATION_NAME) FROM"
      " information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND COLLATION_NAME IS NOT NULL AND"
      " COLLATION_NAME <> 'utf8mb4_nopad_bin'"));
  q->setString(1, backend_.database());
  std::unique_ptr<sql::ResultSet> rows(q->executeQuery());
  std::vector<std::string> padded;
  while (rows->next())
    padded.push_back(rows->getString(1).asStdString());
  EXPECT_TRUE(padded.empty()) << ::testing::PrintToString(padded);
}

TEST_F(MysqlStoreTest, SchemaIsUtf8mb4InnoDb) {
  MysqlStore store(backend_.config());
  migrate(store);
  auto c = backend_.connect();
  std::unique_ptr<sql::PreparedStatement> q(
      c->prepareStatement("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                          " AND (ENGINE <> 'InnoDB' OR TABLE_COLLATION NOT LIKE 'utf8mb4%')"));
  q->setString(1, backend_.database());
  std::unique_ptr<sql::ResultSet> rows(q->executeQuery());
  ASSERT_TRUE(rows->next());
  EXPECT_EQ(rows->getInt64(1), 0);
}
#endif

}  // namespace
}  // namespace canopy::store

namespace canopy::store {
namespace {

// ---- Permission grants (issue 11, point 8) ----

TYPED_TEST(StoreData, AGrantIsRecordedOnceAndNeverChanged) {
  auto& store = *this->store_;
  const auto at = this->clock_.now();
  auto rows = store.record_grants(
      {{"wonde", 4, R"([{"type":"Student"}])", at}, {"cpoms", 2, R"([{"type":"Staff"}])", at}});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].app_id, "cpoms");  // sorted by app, then version
  EXPECT_EQ(rows[1].app_id, "wonde");
  EXPECT_EQ(rows[1].grants, R"([{"type":"Student"}])");
  EXPECT_EQ(to_unix_ms(rows[1].recorded_at), to_unix_ms(at));
  // The same version again, with other grants: the first record stays.
  rows =
      store.record_grants({{"wonde", 4, R"([{"type":"Guardian"}])", at + std::chrono::hours(1)},
                           {"wonde", 5, R"([{"type":"Guardian"}])", at + std::chrono::hours(1)}});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].version, 4);
  EXPECT_EQ(rows[1].grants, R"([{"type":"Student"}])");
  EXPECT_EQ(to_unix_ms(rows[1].recorded_at), to_unix_ms(at));
  EXPECT_EQ(rows[2].version, 5);
  // Nothing to record: every row comes back.
  EXPECT_EQ(store.record_grants({}).size(), 3u);
}

}  // namespace
}  // namespace canopy::store
