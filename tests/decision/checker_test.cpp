// Tests decision::Checker (every allow/deny reason, cache then store) and LocalCache revisions.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "cache/local_cache.hpp"
#include "decision/checker.hpp"
#include "policy/snapshot.hpp"
#include "support/demo_world.hpp"

#include "support/grants.hpp"

namespace canopy::decision {
namespace {

namespace fs = std::filesystem;
using cache::Entry;
using cache::Presence;

constexpr char kSchool[] = "oakfield-primary";
// Demo state at oakfield-primary: wonde approved (v4), cpoms approved (v2), parentpay pending,
// hodder pending, studybugs rejected. lgfl never asked there.

Query query(std::string_view app, std::string_view data_type, Operation op = Operation::read,
            std::optional<std::string_view> field = std::nullopt,
            std::string_view school = kSchool) {
  return Query{
      .app = app, .school = school, .data_type = data_type, .operation = op, .field = field};
}

class CheckerTest : public testing::DemoWorldTest {
 protected:
  void SetUp() override {
    DemoWorldTest::SetUp();
    checker_ = std::make_unique<Checker>(*live_, cache_, *store_, *store_);
  }

  // Asks the store (filling the cache), then asks the cache, and expects the same answer.
  void expect(const Query& q, bool allow, std::string_view reason) {
    const Decision fromStore = checker_->check_store(q);
    EXPECT_EQ(fromStore.allow, allow) << q.app << " " << q.data_type;
    EXPECT_EQ(fromStore.reason, reason) << q.app << " " << q.data_type;
    const auto fromCache = checker_->check_cached(q);
    ASSERT_TRUE(fromCache.has_value()) << q.app << " " << q.data_type;
    EXPECT_EQ(fromCache->allow, allow) << q.app << " " << q.data_type;
    EXPECT_EQ(fromCache->reason, reason) << q.app << " " << q.data_type;
  }

  void move_to_version(std::string_view app, int version) {
    touch_connection(kSchool, app, "test", version);
  }

  cache::LocalCache cache_;
  std::unique_ptr<Checker> checker_;
};

TEST_F(CheckerTest, UnknownApp) {
  expect(query("no-such-app", "Student"), false, "unknown_app");
}

TEST_F(CheckerTest, Competitor) {
  expect(query("rival-mis", "Student"), false, "competitor");
}

TEST_F(CheckerTest, ApplicationNotLive) {
  expect(query("lessonloop", "Student"), false, "application_not_live");
}

TEST_F(CheckerTest, UnknownSchoolIsNotCached) {
  const auto q = query("wonde", "Student", Operation::read, std::nullopt, "no-such-school");
  const Decision d = checker_->check_store(q);
  EXPECT_FALSE(d.allow);
  EXPECT_EQ(d.reason, "unknown_school");
  EXPECT_FALSE(checker_->check_cached(q).has_value());
  EXPECT_FALSE(cache_.get("no-such-school", "wonde").has_value());
}

TEST_F(CheckerTest, TrustSiteIsNotASchool) {
  const auto d = checker_->check_store(
      query("wonde", "Student", Operation::read, std::nullopt, "oakfield-trust"));
  EXPECT_FALSE(d.allow);
  EXPECT_EQ(d.reason, "unknown_school");
}

TEST_F(CheckerTest, NotRequested) {
  expect(query("lgfl", "Student"), false, "not_requested");
  auto entry = cache_.get(kSchool, "lgfl");
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->presence, Presence::not_requested);
  EXPECT_EQ(entry->revision, 0);
}

TEST_F(CheckerTest, Pending) {
  expect(query("parentpay", "Payment"), false, "pending");
}

TEST_F(CheckerTest, Rejected) {
  expect(query("studybugs", "Student"), false, "rejected");
}

TEST_F(CheckerTest, ApprovedAllows) {
  expect(query("wonde", "Student", Operation::read, "firstName"), true, "approved");
  expect(query("cpoms", "Staff", Operation::read, "workEmail"), true, "approved");
  expect(query("cpoms", "BehaviouralIncident", Operation::update), true, "approved");
}

TEST_F(CheckerTest, ReconsentRequired) {
  move_to_version("cpoms", 1);  // approved when the set was version 1; it is 2 now
  expect(query("cpoms", "Student", Operation::read, "firstName"), false, "reconsent_required");
}

TEST_F(CheckerTest, DataTypeNotGranted) {
  expect(query("wonde", "Payment"), false, "data_type_not_granted");
}

TEST_F(CheckerTest, FieldNotGranted) {
  expect(query("cpoms", "Staff", Operation::read, "startDate"), false, "field_not_granted");
  // An all-fields grant covers the catalogue, not names it does not know.
  expect(query("wonde", "Student", Operation::read, "shoeSize"), false, "field_not_granted");
}

TEST_F(CheckerTest, OperationNotGranted) {
  expect(query("wonde", "Student", Operation::update, "firstName"), false, "operation_not_granted");
  expect(query("cpoms", "BehaviouralIncident", Operation::del), false, "operation_not_granted");
}

TEST_F(CheckerTest, CheckCachedIsNulloptOnAMissAndAValueAfterCheckStore) {
  const auto q = query("wonde", "Student");
  EXPECT_FALSE(checker_->check_cached(q).has_value());
  const Decision d = checker_->check_store(q);
  EXPECT_TRUE(d.allow);
  auto cached = checker_->check_cached(q);
  ASSERT_TRUE(cached.has_value());
  EXPECT_TRUE(cached->allow);
  EXPECT_EQ(cached->reason, "approved");
  auto entry = cache_.get(kSchool, "wonde");
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->presence, Presence::approved);
  EXPECT_EQ(entry->permission_set_version, 4);
  EXPECT_EQ(entry->revision, store_->find_connection(kSchool, "wonde")->revision);
}

TEST_F(CheckerTest, AppGatesAnswerWithoutTheCache) {
  for (std::string_view app : {"no-such-app", "rival-mis", "lessonloop"}) {
    EXPECT_TRUE(checker_->check_cached(query(app, "Student")).has_value()) << app;
  }
}

TEST_F(CheckerTest, CachedAnswerFollowsTheNewestRevision) {
  const auto q = query("wonde", "Student");
  ASSERT_TRUE(checker_->check_store(q).allow);
  const auto c = store_->find_connection(kSchool, "wonde");
  // A revocation reaches the cache...
  cache_.put(kSchool, "wonde", Entry{Presence::rejected, 4, c->revision + 1});
  auto after = checker_->check_cached(q);
  ASSERT_TRUE(after.has_value());
  EXPECT_FALSE(after->allow);
  EXPECT_EQ(after->reason, "rejected");
  // ...and a late re-fill from the (older) stored row cannot bring the approval back.
  (void)checker_->check_store(q);
  after = checker_->check_cached(q);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->reason, "rejected");
}

// Issue 9, point 5: an entry found in level 2 that level 1 refuses (a hold at its revision
// stands against it: the reject that placed the hold may be committing) is never evaluated;
// check_entry says so, and the store answers instead.
TEST_F(CheckerTest, AnEntryLevelOneRefusesBecauseOfAHoldIsNeverEvaluated) {
  auto current = store_->find_connection(kSchool, "wonde");
  ASSERT_TRUE(current.has_value());
  ASSERT_EQ(current->status, ConnectionStatus::approved);
  cache_.hold(kSchool, "wonde", current->revision, "replica.1");
  const Entry approved{Presence::approved, current->permission_set_version, current->revision};
  const auto since = checker_->generation();
  EXPECT_FALSE(checker_->check_entry(query("wonde", "Student", Operation::read, "firstName"),
                                     approved, since))
      << "an approved entry at the held revision must not answer";
  EXPECT_FALSE(checker_->check_cached(query("wonde", "Student", Operation::read, "firstName")));
  // Above the hold's revision the entry is taken and answers.
  const Entry newer{Presence::rejected, current->permission_set_version, current->revision + 1};
  const auto d =
      checker_->check_entry(query("wonde", "Student", Operation::read, "firstName"), newer, since);
  ASSERT_TRUE(d.has_value());
  EXPECT_FALSE(d->allow);
  EXPECT_EQ(d->reason, "rejected");
}

TEST(CheckerEvaluate, ReasonsFromEntries) {
  auto loaded = policy::load_policies(fs::path(CANOPY_SOURCE_DIR) / "policies");
  ASSERT_TRUE(loaded.errors.empty());
  const policy::App& cpoms = *loaded.snapshot->find_app("cpoms");
  const auto q = query("cpoms", "Staff", Operation::read, "firstName");
  const auto reason = [&](Entry e) { return Checker::evaluate(cpoms, e, q).reason; };
  EXPECT_EQ(reason({Presence::unknown_school, 0, 0}), "unknown_school");
  EXPECT_EQ(reason({Presence::not_requested, 0, 0}), "not_requested");
  EXPECT_EQ(reason({Presence::pending, 2, 1}), "pending");
  EXPECT_EQ(reason({Presence::rejected, 2, 3}), "rejected");
  EXPECT_EQ(reason({Presence::approved, 1, 3}), "reconsent_required");
  EXPECT_EQ(reason({Presence::approved, 3, 3}), "reconsent_required");
  EXPECT_EQ(reason({Presence::approved, 2, 3}), "approved");
  EXPECT_TRUE(Checker::evaluate(cpoms, {Presence::approved, 2, 3}, q).allow);
  EXPECT_FALSE(Checker::evaluate(cpoms, {Presence::pending, 2, 3}, q).allow);
}

TEST(DecisionLocalCache, MissThenHit) {
  cache::LocalCache cache;
  EXPECT_FALSE(cache.get("s", "a").has_value());
  cache.put("s", "a", Entry{Presence::pending, 1, 1});
  auto e = cache.get("s", "a");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->presence, Presence::pending);
  EXPECT_FALSE(cache.get("s", "b").has_value());
  EXPECT_FALSE(cache.get("t", "a").has_value());
  EXPECT_FALSE(cache.get("sa", "").has_value());
}

TEST(DecisionLocalCache, LowerRevisionNeverReplacesHigher) {
  cache::LocalCache cache;
  cache.put("s", "a", Entry{Presence::rejected, 2, 5});
  cache.put("s", "a", Entry{Presence::approved, 2, 4});
  cache.put("s", "a", Entry{Presence::approved, 2, 0});
  auto e = cache.get("s", "a");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->presence, Presence::rejected);
  EXPECT_EQ(e->revision, 5);
  cache.put("s", "a", Entry{Presence::approved, 3, 6});
  e = cache.get("s", "a");
  EXPECT_EQ(e->presence, Presence::approved);
  EXPECT_EQ(e->permission_set_version, 3);
  EXPECT_EQ(e->revision, 6);
}

TEST(DecisionLocalCache, ManyKeysAcrossShardsAndClear) {
  cache::LocalCache cache;
  for (int i = 0; i < 200; ++i) {
    cache.put("school-" + std::to_string(i), "app", Entry{Presence::approved, 1, i + 1});
  }
  for (int i = 0; i < 200; ++i) {
    auto e = cache.get("school-" + std::to_string(i), "app");
    ASSERT_TRUE(e.has_value()) << i;
    EXPECT_EQ(e->revision, i + 1);
  }
  cache.clear();
  for (int i = 0; i < 200; ++i)
    EXPECT_FALSE(cache.get("school-" + std::to_string(i), "app").has_value());
  // After a clear, any revision may fill the entry again.
  cache.put("school-1", "app", Entry{Presence::pending, 1, 1});
  EXPECT_EQ(cache.get("school-1", "app")->presence, Presence::pending);
}

TEST(DecisionCacheEntry, ForConnection) {
  auto e = cache::entry_for_connection(ConnectionStatus::approved, 3, 9);
  EXPECT_EQ(e.presence, Presence::approved);
  EXPECT_EQ(e.permission_set_version, 3);
  EXPECT_EQ(e.revision, 9);
  EXPECT_EQ(cache::entry_for_connection(ConnectionStatus::pending, 1, 1).presence,
            Presence::pending);
  EXPECT_EQ(cache::entry_for_connection(ConnectionStatus::rejected, 1, 1).presence,
            Presence::rejected);
}

}  // namespace
}  // namespace canopy::decision

namespace canopy::decision {
namespace {

using testing::grant;

// Version 1 read Student name fields; version 2 (current) adds a field, an operation and a
// type; version 3 (a shrink, tested below) drops one field.
policy::App app_with_history() {
  policy::App app;
  app.id = "grower";
  app.live = true;
  app.permissions = PermissionSet(
      2, {grant("Student", {"firstName", "lastName", "upn"}, {Operation::read, Operation::update}),
          grant("Staff", {"firstName"}, {Operation::read})});
  app.history = {
      PermissionSet(1, {grant("Student", {"firstName", "lastName"}, {Operation::read})})};
  return app;
}

TEST(CheckerEvaluate, AGrownSetKeepsWhatTheSchoolApprovedAndDeniesTheAdditions) {
  const auto app = app_with_history();
  const Entry at_v1{Presence::approved, 1, 5};
  const auto decide = [&](const Entry& e, std::string_view type, Operation op,
                          std::optional<std::string_view> field) {
    return Checker::evaluate(app, e, query("grower", type, op, field));
  };
  // What both versions grant is allowed.
  EXPECT_TRUE(decide(at_v1, "Student", Operation::read, "firstName").allow);
  EXPECT_TRUE(decide(at_v1, "Student", Operation::read, std::nullopt).allow);
  // Each addition waits for the school's approval of version 2.
  EXPECT_EQ(decide(at_v1, "Student", Operation::read, "upn").reason, "reconsent_required");
  EXPECT_EQ(decide(at_v1, "Student", Operation::update, "firstName").reason, "reconsent_required");
  EXPECT_EQ(decide(at_v1, "Staff", Operation::read, "firstName").reason, "reconsent_required");
  // What version 2 does not grant is denied for its own reason.
  EXPECT_EQ(decide(at_v1, "Student", Operation::del, "firstName").reason, "operation_not_granted");
  EXPECT_EQ(decide(at_v1, "Guardian", Operation::read, std::nullopt).reason,
            "data_type_not_granted");
  // Approving version 2 grants all of it.
  const Entry at_v2{Presence::approved, 2, 6};
  EXPECT_TRUE(decide(at_v2, "Student", Operation::read, "upn").allow);
  EXPECT_TRUE(decide(at_v2, "Staff", Operation::read, "firstName").allow);
  // A version the policies no longer keep grants nothing.
  EXPECT_EQ(decide({Presence::approved, 0, 6}, "Student", Operation::read, "firstName").reason,
            "reconsent_required");
}

TEST(CheckerEvaluate, AShrunkSetTakesTheLossAwayAtOnce) {
  auto app = app_with_history();
  // Version 3 drops Student.lastName and update; schools approved at 1 or 2 keep no more than it.
  app.history.insert(app.history.begin(), app.permissions);
  app.permissions = PermissionSet(3, {grant("Student", {"firstName", "upn"}, {Operation::read}),
                                      grant("Staff", {"firstName"}, {Operation::read})});
  for (int approved : {1, 2}) {
    const Entry e{Presence::approved, approved, 7};
    EXPECT_EQ(
        Checker::evaluate(app, e, query("grower", "Student", Operation::read, "lastName")).reason,
        "field_not_granted")
        << approved;
    EXPECT_EQ(Checker::evaluate(app, e, query("grower", "Student", Operation::update, "firstName"))
                  .reason,
              "operation_not_granted")
        << approved;
    EXPECT_TRUE(
        Checker::evaluate(app, e, query("grower", "Student", Operation::read, "firstName")).allow)
        << approved;
  }
  // upn: in version 2 and 3, not 1.
  EXPECT_TRUE(Checker::evaluate(app, {Presence::approved, 2, 7},
                                query("grower", "Student", Operation::read, "upn"))
                  .allow);
  EXPECT_EQ(Checker::evaluate(app, {Presence::approved, 1, 7},
                              query("grower", "Student", Operation::read, "upn"))
                .reason,
            "reconsent_required");
}

}  // namespace
}  // namespace canopy::decision
