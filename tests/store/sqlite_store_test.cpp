// Tests the embedded SqliteStore: migrations, connections with audit, directory, credentials,
// sessions and login history.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "store/migrations.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/manual_clock.hpp"
#include "support/temp_dir.hpp"

namespace canopy::store {
namespace {

using namespace std::chrono_literals;

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

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = std::make_unique<SqliteStore>(db_path()); }
  std::filesystem::path db_path() const { return dir_.path() / "canopy.db"; }

  void migrate() {
    auto r = store_->migrate(clock_);
    ASSERT_TRUE(r.ok()) << r.error().message;
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

  testing::TempDir dir_;
  testing::ManualClock clock_;
  std::unique_ptr<SqliteStore> store_;
};

// A store with the schema and two schools in place.
class SqliteStoreData : public SqliteStoreTest {
 protected:
  void SetUp() override {
    SqliteStoreTest::SetUp();
    migrate();
    ASSERT_EQ(store_->upsert_site(school("oak")), Upsert::created);
    ASSERT_EQ(store_->upsert_site(school("elm")), Upsert::created);
  }
};

TEST_F(SqliteStoreTest, MigrateNewFileGoesFromZeroToLatest) {
  const int latest = latest_version(sqlite_migrations());
  ASSERT_GE(latest, 1);
  auto r = store_->migrate(clock_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->from_version, 0);
  EXPECT_EQ(r->to_version, latest);
  EXPECT_EQ(store_->schema_version(), latest);
}

TEST_F(SqliteStoreTest, MigrateAgainIsANoOp) {
  migrate();
  ASSERT_EQ(store_->upsert_site(school("oak")), Upsert::created);
  const int latest = latest_version(sqlite_migrations());
  auto again = store_->migrate(clock_);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->from_version, latest);
  EXPECT_EQ(again->to_version, latest);
  EXPECT_TRUE(store_->find_site("oak").has_value());

  // And from a fresh handle on the same file.
  store_.reset();
  SqliteStore reopened(db_path());
  auto third = reopened.migrate(clock_);
  ASSERT_TRUE(third.ok()) << third.error().message;
  EXPECT_EQ(third->from_version, latest);
  EXPECT_EQ(third->to_version, latest);
  EXPECT_TRUE(reopened.find_site("oak").has_value());
}

TEST_F(SqliteStoreTest, NewerDatabaseIsRefused) {
  store_.reset();
  {
    sqlite::Database db(db_path());
    db.exec(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at_ms INTEGER NOT NULL)");
    db.exec("INSERT INTO schema_migrations VALUES (999, 'from_the_future', 0)");
  }
  SqliteStore store(db_path());
  auto r = store.migrate(clock_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::unavailable);
  EXPECT_NE(r.error().message.find("newer"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("999"), std::string::npos) << r.error().message;
  EXPECT_EQ(store.schema_version(), 999);
}

TEST_F(SqliteStoreData, InsertCreatesRevisionOneAndOneAuditRow) {
  const auto change = insert("oak", "parentpay", ConnectionStatus::pending);
  auto c = store_->apply(change, audit(change, std::nullopt, "req-insert"));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->school_id, "oak");
  EXPECT_EQ(c->app_id, "parentpay");
  EXPECT_EQ(c->status, ConnectionStatus::pending);
  EXPECT_EQ(c->revision, 1);
  EXPECT_EQ(c->permission_set_version, 3);
  EXPECT_EQ(c->requested_at, clock_.now());
  EXPECT_FALSE(c->decided_at.has_value());
  EXPECT_EQ(c->decided_by, "");
  EXPECT_EQ(store_->audit_count(), 1);

  auto found = store_->find_connection("oak", "parentpay");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->revision, 1);
  EXPECT_FALSE(store_->find_connection("elm", "parentpay").has_value());

  const auto rows = store_->audit_for_school("oak", 10);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_GT(rows[0].id, 0);
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
  EXPECT_EQ(rows[0].at, clock_.now());
  EXPECT_EQ(rows[0].request_id, "req-insert");
  EXPECT_TRUE(store_->audit_for_school("elm", 10).empty());
}

TEST_F(SqliteStoreData, InsertOfADecisionSetsDecidedFields) {
  const auto change = insert("oak", "wonde", ConnectionStatus::approved, true);
  auto c = store_->apply(change, audit(change, std::nullopt));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->status, ConnectionStatus::approved);
  ASSERT_TRUE(c->decided_at.has_value());
  EXPECT_EQ(*c->decided_at, clock_.now());
  EXPECT_EQ(c->decided_by, "someone@example.org");
}

TEST_F(SqliteStoreData, SecondInsertForTheSamePairWritesNothing) {
  const auto first = insert("oak", "parentpay", ConnectionStatus::pending);
  ASSERT_TRUE(store_->apply(first, audit(first, std::nullopt)).has_value());
  clock_.advance(1min);
  const auto second = insert("oak", "parentpay", ConnectionStatus::approved, true);
  EXPECT_FALSE(store_->apply(second, audit(second, std::nullopt)).has_value());
  EXPECT_EQ(store_->audit_count(), 1);
  auto c = store_->find_connection("oak", "parentpay");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->status, ConnectionStatus::pending);
  EXPECT_EQ(c->revision, 1);
  EXPECT_EQ(c->requested_at, first.at);
}

TEST_F(SqliteStoreData, UpdateWithTheRightRevision) {
  const auto first = insert("oak", "parentpay", ConnectionStatus::pending);
  ASSERT_TRUE(store_->apply(first, audit(first, std::nullopt)).has_value());
  clock_.advance(10min);
  ConnectionChange change{.school_id = "oak",
                          .app_id = "parentpay",
                          .expected_revision = 1,
                          .to = ConnectionStatus::approved,
                          .permission_set_version = 4,
                          .at = clock_.now(),
                          .is_decision = true,
                          .decided_by = "amir@example.org"};
  auto c = store_->apply(change, audit(change, ConnectionStatus::pending, "req-approve"));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->status, ConnectionStatus::approved);
  EXPECT_EQ(c->revision, 2);
  EXPECT_EQ(c->permission_set_version, 4);
  EXPECT_EQ(c->requested_at, first.at);
  ASSERT_TRUE(c->decided_at.has_value());
  EXPECT_EQ(*c->decided_at, clock_.now());
  EXPECT_EQ(c->decided_by, "amir@example.org");
  EXPECT_EQ(store_->audit_count(), 2);

  const auto rows = store_->audit_for_school("oak", 10);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_LT(rows[0].id, rows[1].id);
  EXPECT_EQ(rows[1].action, "approve");
  ASSERT_TRUE(rows[1].from_status.has_value());
  EXPECT_EQ(*rows[1].from_status, ConnectionStatus::pending);
  EXPECT_EQ(rows[1].to_status, ConnectionStatus::approved);
  EXPECT_EQ(rows[1].permission_set_version, 4);
  EXPECT_EQ(rows[1].request_id, "req-approve");
  EXPECT_EQ(store_->audit_for_school("oak", 1).size(), 1u);
}

TEST_F(SqliteStoreData, UpdateThatIsNotADecisionKeepsDecidedFields) {
  const auto first = insert("oak", "wonde", ConnectionStatus::approved, true);
  ASSERT_TRUE(store_->apply(first, audit(first, std::nullopt)).has_value());
  clock_.advance(1h);
  ConnectionChange change{.school_id = "oak",
                          .app_id = "wonde",
                          .expected_revision = 1,
                          .to = ConnectionStatus::approved,
                          .permission_set_version = 5,
                          .at = clock_.now(),
                          .is_decision = false};
  auto c = store_->apply(change, audit(change, ConnectionStatus::approved));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->revision, 2);
  ASSERT_TRUE(c->decided_at.has_value());
  EXPECT_EQ(*c->decided_at, first.at);
  EXPECT_EQ(c->decided_by, "someone@example.org");
}

TEST_F(SqliteStoreData, UpdateWithAStaleRevisionWritesNothing) {
  const auto first = insert("oak", "parentpay", ConnectionStatus::pending);
  ASSERT_TRUE(store_->apply(first, audit(first, std::nullopt)).has_value());
  ConnectionChange approve{.school_id = "oak",
                           .app_id = "parentpay",
                           .expected_revision = 1,
                           .to = ConnectionStatus::approved,
                           .permission_set_version = 3,
                           .at = clock_.now(),
                           .is_decision = true,
                           .decided_by = "first@example.org"};
  ASSERT_TRUE(store_->apply(approve, audit(approve, ConnectionStatus::pending)).has_value());

  clock_.advance(1min);
  ConnectionChange stale = approve;
  stale.to = ConnectionStatus::rejected;
  stale.at = clock_.now();
  stale.decided_by = "second@example.org";  // still expects revision 1
  EXPECT_FALSE(store_->apply(stale, audit(stale, ConnectionStatus::pending)).has_value());
  EXPECT_EQ(store_->audit_count(), 2);
  auto c = store_->find_connection("oak", "parentpay");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->status, ConnectionStatus::approved);
  EXPECT_EQ(c->revision, 2);
  EXPECT_EQ(c->decided_by, "first@example.org");
}

TEST_F(SqliteStoreData, UpdateOfAMissingConnectionWritesNothing) {
  ConnectionChange change{.school_id = "oak",
                          .app_id = "ghost",
                          .expected_revision = 1,
                          .to = ConnectionStatus::approved,
                          .at = clock_.now(),
                          .is_decision = true,
                          .decided_by = "x@example.org"};
  EXPECT_FALSE(store_->apply(change, audit(change, ConnectionStatus::pending)).has_value());
  EXPECT_EQ(store_->audit_count(), 0);
  EXPECT_FALSE(store_->find_connection("oak", "ghost").has_value());
}

TEST_F(SqliteStoreData, ListConnectionsFiltersByStatusAndOrdersByApp) {
  for (auto [app, status] : std::vector<std::pair<std::string, ConnectionStatus>>{
           {"wonde", ConnectionStatus::approved},
           {"cpoms", ConnectionStatus::pending},
           {"parentpay", ConnectionStatus::approved},
           {"hodder", ConnectionStatus::rejected},
           {"classcharts", ConnectionStatus::pending}}) {
    const auto change = insert("oak", app, status, status != ConnectionStatus::pending);
    ASSERT_TRUE(store_->apply(change, audit(change, std::nullopt)).has_value()) << app;
  }
  const auto elsewhere = insert("elm", "aardvark", ConnectionStatus::pending);
  ASSERT_TRUE(store_->apply(elsewhere, audit(elsewhere, std::nullopt)).has_value());

  const auto apps = [](const std::vector<Connection>& list) {
    std::vector<std::string> out;
    for (const auto& c : list)
      out.push_back(c.app_id);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(apps(store_->list_connections("oak", std::nullopt)),
            (V{"classcharts", "cpoms", "hodder", "parentpay", "wonde"}));
  EXPECT_EQ(apps(store_->list_connections("oak", ConnectionStatus::pending)),
            (V{"classcharts", "cpoms"}));
  EXPECT_EQ(apps(store_->list_connections("oak", ConnectionStatus::approved)),
            (V{"parentpay", "wonde"}));
  EXPECT_EQ(apps(store_->list_connections("oak", ConnectionStatus::rejected)), (V{"hodder"}));
  EXPECT_EQ(apps(store_->list_connections("elm", std::nullopt)), (V{"aardvark"}));
  EXPECT_TRUE(store_->list_connections("elm", ConnectionStatus::approved).empty());
  EXPECT_TRUE(store_->list_connections("nowhere", std::nullopt).empty());
}

TEST_F(SqliteStoreData, SessionsCreateFindDelete) {
  const auto uid = add_user("amir@example.org");
  const TimePoint now = clock_.now();
  store_->create_session({"hash-a", uid, now, now + 1h});
  auto s = store_->find_session("hash-a");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->token_hash, "hash-a");
  EXPECT_EQ(s->user_id, uid);
  EXPECT_EQ(s->created_at, now);
  EXPECT_EQ(s->expires_at, now + 1h);
  EXPECT_FALSE(store_->find_session("hash-b").has_value());

  EXPECT_TRUE(store_->delete_session("hash-a"));
  EXPECT_FALSE(store_->find_session("hash-a").has_value());
  EXPECT_FALSE(store_->delete_session("hash-a"));
}

TEST_F(SqliteStoreData, DeleteExpiredSessions) {
  const auto uid = add_user("amir@example.org");
  const TimePoint now = clock_.now();
  store_->create_session({"old", uid, now - 2h, now - 1h});
  store_->create_session({"edge", uid, now - 1h, now});
  store_->create_session({"fresh", uid, now, now + 1h});
  EXPECT_EQ(store_->delete_expired_sessions(now), 2u);
  EXPECT_FALSE(store_->find_session("old").has_value());
  EXPECT_FALSE(store_->find_session("edge").has_value());
  EXPECT_TRUE(store_->find_session("fresh").has_value());
  EXPECT_EQ(store_->delete_expired_sessions(now), 0u);
}

TEST_F(SqliteStoreData, LockoutStartsClear) {
  const auto uid = add_user("amir@example.org");
  const Lockout none = store_->lockout(uid);
  EXPECT_EQ(none.failed_attempts, 0);
  EXPECT_FALSE(none.locked_until.has_value());
}

TEST_F(SqliteStoreData, RegisterFailureCountsThenLocks) {
  const auto uid = add_user("amir@example.org");
  const TimePoint until = clock_.now() + 15min;
  EXPECT_EQ(store_->register_failure(uid, 3, until), 1);
  EXPECT_EQ(store_->lockout(uid).failed_attempts, 1);
  EXPECT_FALSE(store_->lockout(uid).locked_until.has_value());
  EXPECT_EQ(store_->register_failure(uid, 3, until), 2);
  EXPECT_FALSE(store_->lockout(uid).locked_until.has_value());
  EXPECT_EQ(store_->register_failure(uid, 3, until), 3);
  const Lockout locked = store_->lockout(uid);
  EXPECT_EQ(locked.failed_attempts, 0);  // the count starts again
  ASSERT_TRUE(locked.locked_until.has_value());
  EXPECT_EQ(*locked.locked_until, until);
}

TEST_F(SqliteStoreData, RegisterFailureCountStartsAgainAfterALock) {
  const auto uid = add_user("amir@example.org");
  const TimePoint until = clock_.now() + 15min;
  for (int i = 0; i < 3; ++i)
    (void)store_->register_failure(uid, 3, until);
  ASSERT_TRUE(store_->lockout(uid).locked_until.has_value());
  // One more failure (e.g. a request that raced the lock, at the same instant): the count
  // restarted at the lock, so this is failure number 1 of the next run.
  EXPECT_EQ(store_->register_failure(uid, 3, until), 1);
  EXPECT_EQ(store_->lockout(uid).failed_attempts, 1);
  // With a later clock, the same holds.
  clock_.advance(1s);
  EXPECT_EQ(store_->register_failure(uid, 3, clock_.now() + 15min), 2);
}

TEST_F(SqliteStoreData, RegisterFailureForUnknownUserCountsNothing) {
  EXPECT_EQ(store_->register_failure(4242, 3, clock_.now() + 15min), 0);
}

TEST_F(SqliteStoreData, ClearLockout) {
  const auto uid = add_user("amir@example.org");
  for (int i = 0; i < 3; ++i)
    (void)store_->register_failure(uid, 3, clock_.now() + 15min);
  (void)store_->register_failure(uid, 3, clock_.now() + 15min);
  store_->clear_lockout(uid);
  const Lockout got = store_->lockout(uid);
  EXPECT_EQ(got.failed_attempts, 0);
  EXPECT_FALSE(got.locked_until.has_value());
}

TEST_F(SqliteStoreData, SetPasswordHashClearsLockout) {
  const auto uid = add_user("amir@example.org");
  EXPECT_FALSE(store_->password_hash(uid).has_value());
  for (int i = 0; i < 3; ++i)
    (void)store_->register_failure(uid, 3, clock_.now() + 15min);
  (void)store_->register_failure(uid, 3, clock_.now() + 15min);
  ASSERT_TRUE(store_->lockout(uid).locked_until.has_value());
  store_->set_password_hash(uid, "$argon2id$fake");
  EXPECT_EQ(store_->password_hash(uid), std::optional<std::string>("$argon2id$fake"));
  const Lockout after = store_->lockout(uid);
  EXPECT_EQ(after.failed_attempts, 0);
  EXPECT_FALSE(after.locked_until.has_value());
}

TEST_F(SqliteStoreData, LoginHistoryNewestFirstWithLimit) {
  const auto amir = add_user("amir@example.org");
  const auto other = add_user("other@example.org");
  for (int i = 0; i < 5; ++i) {
    store_->record_login({0, "amir@example.org", amir, clock_.now(), "10.0.0." + std::to_string(i),
                          "agent-" + std::to_string(i), i % 2 ? "success" : "invalid_credentials"});
    clock_.advance(1s);
  }
  store_->record_login({0, "other@example.org", other, clock_.now(), "10.9.9.9", "x", "success"});
  store_->record_login({0, "nobody@example.org", std::nullopt, clock_.now(), "10.9.9.8", "y",
                        "invalid_credentials"});

  const auto all = store_->logins_for_user(amir, 100);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0].address, "10.0.0.4");
  EXPECT_EQ(all[4].address, "10.0.0.0");
  for (std::size_t i = 1; i < all.size(); ++i)
    EXPECT_GT(all[i - 1].at, all[i].at);
  EXPECT_EQ(all[0].email, "amir@example.org");
  EXPECT_EQ(all[0].user_id, std::optional<std::int64_t>(amir));
  EXPECT_EQ(all[0].user_agent, "agent-4");
  EXPECT_EQ(all[0].outcome, "invalid_credentials");
  EXPECT_EQ(all[1].outcome, "success");

  const auto two = store_->logins_for_user(amir, 2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].address, "10.0.0.4");
  EXPECT_EQ(two[1].address, "10.0.0.3");
  EXPECT_EQ(store_->logins_for_user(other, 10).size(), 1u);
}

TEST_F(SqliteStoreTest, UpsertSiteCreatedChangedUnchanged) {
  migrate();
  const Site t = trust("oak-trust");
  const Site s = school("oak", "oak-trust");
  EXPECT_EQ(store_->upsert_site(t), Upsert::created);
  EXPECT_EQ(store_->upsert_site(s), Upsert::created);
  EXPECT_EQ(store_->upsert_site(t), Upsert::unchanged);
  EXPECT_EQ(store_->upsert_site(s), Upsert::unchanged);
  EXPECT_EQ(store_->find_site("oak"), std::optional<Site>(s));
  EXPECT_EQ(store_->find_site("oak-trust"), std::optional<Site>(t));

  Site renamed = s;
  renamed.name = "Oak Primary Academy";
  renamed.dummy = true;
  EXPECT_EQ(store_->upsert_site(renamed), Upsert::changed);
  EXPECT_EQ(store_->find_site("oak"), std::optional<Site>(renamed));
  EXPECT_EQ(store_->upsert_site(renamed), Upsert::unchanged);

  EXPECT_FALSE(store_->find_site("ash").has_value());
  const auto sites = store_->list_sites();
  ASSERT_EQ(sites.size(), 2u);
  EXPECT_EQ(sites[0].id, "oak");
  EXPECT_EQ(sites[1].id, "oak-trust");
}

TEST_F(SqliteStoreData, UpsertUserCreatedChangedUnchanged) {
  User amir = user("amir@example.org", "oak", {"teacher", "school_administrator"});
  EXPECT_EQ(store_->upsert_user(amir), Upsert::created);
  auto stored = store_->find_user_by_email("amir@example.org");
  ASSERT_TRUE(stored.has_value());
  const auto id = stored->id;
  EXPECT_GT(id, 0);
  EXPECT_EQ(stored->name, amir.name);
  EXPECT_EQ(stored->home_site, "oak");
  EXPECT_EQ(stored->roles, (std::vector<std::string>{"school_administrator", "teacher"}));

  EXPECT_EQ(store_->upsert_user(amir), Upsert::unchanged);
  User reordered = amir;
  reordered.roles = {"school_administrator", "teacher"};
  EXPECT_EQ(store_->upsert_user(reordered), Upsert::unchanged);

  User renamed = amir;
  renamed.name = "Amir P.";
  EXPECT_EQ(store_->upsert_user(renamed), Upsert::changed);
  User moved = renamed;
  moved.home_site = "elm";
  EXPECT_EQ(store_->upsert_user(moved), Upsert::changed);
  User fewer_roles = moved;
  fewer_roles.roles = {"teacher"};
  EXPECT_EQ(store_->upsert_user(fewer_roles), Upsert::changed);

  auto after = store_->find_user(id);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->email, "amir@example.org");
  EXPECT_EQ(after->name, "Amir P.");
  EXPECT_EQ(after->home_site, "elm");
  EXPECT_EQ(after->roles, std::vector<std::string>{"teacher"});
  EXPECT_FALSE(store_->find_user(id + 1000).has_value());
  EXPECT_FALSE(store_->find_user_by_email("nobody@example.org").has_value());
}

TEST_F(SqliteStoreData, UpsertUserNeverTouchesCredentials) {
  const auto uid = add_user("amir@example.org");
  store_->set_password_hash(uid, "hash-1");
  (void)store_->register_failure(uid, 5, clock_.now() + 15min);
  (void)store_->register_failure(uid, 5, clock_.now() + 15min);
  User renamed = user("amir@example.org", "oak", {"school_administrator"});
  renamed.name = "Someone Else";
  EXPECT_EQ(store_->upsert_user(renamed), Upsert::changed);
  EXPECT_EQ(store_->password_hash(uid), std::optional<std::string>("hash-1"));
  EXPECT_EQ(store_->lockout(uid).failed_attempts, 2);
}

TEST_F(SqliteStoreData, PartnerSecretSetAndReplace) {
  EXPECT_FALSE(store_->partner_secret_hash("parentpay").has_value());
  store_->set_partner_secret_hash("parentpay", "digest-1", clock_.now());
  EXPECT_EQ(store_->partner_secret_hash("parentpay"), std::optional<std::string>("digest-1"));
  clock_.advance(1h);
  store_->set_partner_secret_hash("parentpay", "digest-2", clock_.now());
  EXPECT_EQ(store_->partner_secret_hash("parentpay"), std::optional<std::string>("digest-2"));
  EXPECT_FALSE(store_->partner_secret_hash("wonde").has_value());
}

TEST(SqliteActorKind, NamesRoundTrip) {
  for (auto k : {ActorKind::user, ActorKind::partner, ActorKind::system}) {
    EXPECT_EQ(parse_actor_kind(to_string(k)), std::optional<ActorKind>(k));
  }
  EXPECT_FALSE(parse_actor_kind("admin").has_value());
}

}  // namespace
}  // namespace canopy::store
