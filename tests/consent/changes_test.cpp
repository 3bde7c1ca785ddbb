// Tests consent::Changes with revocation::Revoker inside it, against a fake shared level and the
// SQLite store: what is held, committed, released and published, in which order and under which
// epoch, for single decisions, requests and bulk decisions, with and without Redis.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "cache/local_cache.hpp"
#include "consent/changes.hpp"
#include "support/demo_world.hpp"
#include "support/fake_shared_level.hpp"
#include "tenancy/actor.hpp"

namespace canopy::consent {
namespace {

using namespace std::chrono_literals;
using Calls = std::vector<std::string>;

constexpr char kAmir[] = "amir.admin@oakfield-primary.example";  // admin, oakfield-primary
constexpr char kDana[] = "dana.central@oakfield.example";        // trust central team
constexpr char kSchool[] = "oakfield-primary";
// The demo tenants at oakfield-primary: wonde approved, parentpay pending, hodder pending,
// cpoms approved, studybugs rejected.

class ConnectionChanges : public testing::DemoWorldTest {
 protected:
  void SetUp() override {
    DemoWorldTest::SetUp();
    consent_ = std::make_unique<Service>(*live_, *store_, *store_, *store_, cache_, clock_);
    clock_.advance(1h);  // decisions happen after the import
    with({});
  }
  void TearDown() override { blocking_.join(); }

  // The use case over a revoker with `config`.
  void with(revocation::RevokerConfig config) {
    changes_.reset();
    revoker_ = std::make_unique<revocation::Revoker>(&shared_, *store_, blocking_, clock_, config);
    changes_ = std::make_unique<Changes>(*consent_, *revoker_, &shared_, blocking_, clock_);
  }

  tenancy::Actor actor(std::string_view email = kAmir, std::string_view school = kSchool) {
    return school_admin(email, school);
  }
  store::Connection stored(std::string_view app) { return stored_connection(kSchool, app); }
  std::string at(std::string_view app, std::string_view status, std::int64_t revision) {
    return std::string(kSchool) + "/" + std::string(app) + "=" + std::string(status) + "@" +
           std::to_string(revision);
  }

  Result<Decided> decide(std::string_view app, AdminAction action) {
    const auto who = actor();
    return testing::run_on(io_, changes_->decide(who, std::string(app), action, "req"));
  }

  // Another change to the connection, made behind the use case's back: it moves the revision
  // and keeps the status.
  void touch(std::string_view app) { touch_connection(kSchool, app, "elsewhere"); }

  // This replica, as the store's record of epoch polls knows it.
  void polled(std::string_view replica) {
    (void)store_->poll_epoch(replica, clock_.now(), clock_.now() - 1min, clock_.now() - 1min);
  }

  cache::LocalCache cache_;
  testing::FakeSharedLevel shared_;
  exec::BlockingPool blocking_{1};
  asio::io_context io_;
  std::unique_ptr<Service> consent_;
  std::unique_ptr<revocation::Revoker> revoker_;
  std::unique_ptr<Changes> changes_;
};

TEST_F(ConnectionChanges, AHeldRejectCommitsThenPublishes) {
  const auto before = stored("cpoms");
  shared_.current_epoch = 5;
  auto r = decide("cpoms", AdminAction::reject);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->connection.status, ConnectionStatus::rejected);
  EXPECT_EQ(r->app->id, "cpoms");
  EXPECT_EQ(stored("cpoms").status, ConnectionStatus::rejected);
  EXPECT_EQ(shared_.calls,
            (Calls{"hold " + std::string(kSchool) + "/cpoms@" + std::to_string(before.revision),
                   "publish " + at("cpoms", "rejected", r->connection.revision) + " e5"}));
  EXPECT_EQ(store_->revocation_epoch(), 1);  // held: the epoch stays
}

TEST_F(ConnectionChanges, RefusedHoldsCommitUnderANewEpochAndPublishBeforeRejoining) {
  polled("replica-a");
  shared_.refuse_holds = true;
  const auto epoch = store_->revocation_epoch();
  auto r = decide("cpoms", AdminAction::reject);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(stored("cpoms").status, ConnectionStatus::rejected);
  EXPECT_EQ(store_->revocation_epoch(), epoch + 1);
  // Silent from before the commit until the change is published and answered.
  EXPECT_EQ(
      shared_.calls,
      (Calls{"hold refused", "withdraw",
             "publish " + at("cpoms", "rejected", r->connection.revision) + " e1", "rejoin"}));
  EXPECT_EQ(shared_.withdrawn, 0);
}

TEST_F(ConnectionChanges, RefusedHoldsWithAReplicaThatHasNotPolledSinceWriteNothing) {
  polled("replica-b");
  clock_.advance(10s);
  polled("replica-a");  // b was last seen before a first polled: b may answer from Redis alone
  with({.catch_up = 0ms});
  shared_.refuse_holds = true;
  const auto epoch = store_->revocation_epoch();
  const auto audit = store_->audit_count();
  EXPECT_THROW((void)decide("cpoms", AdminAction::reject), UnavailableError);
  EXPECT_EQ(stored("cpoms").status, ConnectionStatus::approved);
  EXPECT_EQ(store_->revocation_epoch(), epoch);
  EXPECT_EQ(store_->audit_count(), audit);
  EXPECT_EQ(shared_.calls, (Calls{"hold refused", "withdraw", "rejoin"}));
}

TEST_F(ConnectionChanges, CommitTooLateWritesNothingAndTakesTheHoldBack) {
  with({.commit_within = -1ms});  // past its deadline before it reaches COMMIT
  const auto before = stored("cpoms");
  const auto audit = store_->audit_count();
  EXPECT_THROW((void)decide("cpoms", AdminAction::reject), store::CommitTooLate);
  EXPECT_EQ(stored("cpoms").status, ConnectionStatus::approved);
  EXPECT_EQ(stored("cpoms").revision, before.revision);
  EXPECT_EQ(store_->audit_count(), audit);
  const auto pair = std::string(kSchool) + "/cpoms@" + std::to_string(before.revision);
  EXPECT_EQ(shared_.calls, (Calls{"hold " + pair, "release " + pair}));
}

TEST_F(ConnectionChanges, AConnectionThatMovedUnderItsHoldIsReadAgainAndRetried) {
  const auto first = stored("cpoms").revision;
  bool moved = false;
  shared_.on_hold = [&] {
    if (!std::exchange(moved, true)) touch("cpoms");
  };
  auto r = decide("cpoms", AdminAction::reject);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(stored("cpoms").status, ConnectionStatus::rejected);
  const auto pair = std::string(kSchool) + "/cpoms@";
  EXPECT_EQ(
      shared_.calls,
      (Calls{"hold " + pair + std::to_string(first), "release " + pair + std::to_string(first),
             "hold " + pair + std::to_string(first + 1),
             "publish " + at("cpoms", "rejected", r->connection.revision) + " e1"}));
}

TEST_F(ConnectionChanges, ARejectOfAPendingConnectionTakesNothingAwayAndIsNotHeld) {
  auto r = decide("hodder", AdminAction::reject);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(shared_.calls,
            (Calls{"publish " + at("hodder", "rejected", r->connection.revision) + " e1"}));
}

TEST_F(ConnectionChanges, ApprovalsAndRequestsArePublishedUnheldAndACancelIsNot) {
  shared_.current_epoch = 3;
  auto approved = decide("parentpay", AdminAction::approve);
  ASSERT_TRUE(approved.ok()) << approved.error().message;
  auto cancelled = decide("hodder", AdminAction::cancel);
  ASSERT_TRUE(cancelled.ok()) << cancelled.error().message;
  EXPECT_EQ(cancelled->connection.status, ConnectionStatus::pending);
  const auto* lgfl = policy_->find_app("lgfl");
  auto created = testing::run_on(io_, changes_->request(*lgfl, kSchool, "req-1"));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_TRUE(created->created);
  auto again = testing::run_on(io_, changes_->request(*lgfl, kSchool, "req-2"));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(shared_.calls,
            (Calls{"publish " + at("parentpay", "approved", approved->connection.revision) + " e3",
                   "publish " + at("lgfl", "pending", created->connection.revision) + " e3"}));
}

TEST_F(ConnectionChanges, ARefusedDecisionChangesNothingAndPublishesNothing) {
  auto r = decide("studybugs", AdminAction::reject);  // already rejected
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::invalid_transition);
  EXPECT_TRUE(shared_.calls.empty());
}

TEST_F(ConnectionChanges, EmbeddedModeRejectsWithoutAnyoneToTell) {
  revocation::Revoker alone(nullptr, *store_, blocking_, clock_);
  Changes embedded(*consent_, alone, nullptr, blocking_, clock_);
  const auto who = actor();
  auto r = testing::run_on(io_, embedded.decide(who, "cpoms", AdminAction::reject, "req"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(stored("cpoms").status, ConnectionStatus::rejected);
  EXPECT_EQ(cache_.get(kSchool, "cpoms")->presence, cache::Presence::rejected);
  EXPECT_TRUE(shared_.calls.empty());
}

// ---- Bulk decisions ----

class BulkChanges : public ConnectionChanges {
 protected:
  void SetUp() override {
    ConnectionChanges::SetUp();
    const auto via_trust = actor(kDana);
    ASSERT_TRUE(consent_->accept_terms(via_trust, via_trust.required_terms->version, "t").ok());
    dana_ = *store_->find_user_by_email(kDana);
    const TimePoint now = clock_.now();
    auto claim = store_->claim_idempotency_key({.user_id = dana_.id,
                                                .scope = "bulk-decisions:oakfield-trust",
                                                .key = "key-1",
                                                .request_digest = "digest",
                                                .claim_token = "claim-1",
                                                .created_at = now,
                                                .started_at = now},
                                               now - 5min);
    ASSERT_EQ(claim.claim, store::IdempotencyClaim::claimed);
    claim_ = claim.record;
  }

  BulkPlan plan() {
    const std::vector<BulkItem> items{{kSchool, "cpoms", "reject", ""},
                                      {kSchool, "parentpay", "approve", ""},
                                      {kSchool, "hodder", "reject", ""}};
    auto checked =
        consent_->plan_bulk(dana_, *store_->find_site("oakfield-trust"), items, "req-bulk");
    if (!checked.plan) throw std::logic_error(checked.errors.front().error.message);
    return std::move(*checked.plan);
  }

  Result<std::vector<store::Connection>> apply(BulkPlan p) {
    const KeptAnswer keep{
        .claim = claim_,
        .encode =
            [](const std::vector<store::Connection>& written) {
              return store::EncodedOutcome{200, std::to_string(written.size()) + " written"};
            },
        .give_back = [&] { ++given_back_; }};
    return testing::run_on(io_, changes_->apply_bulk(std::move(p), keep));
  }

  store::IdempotencyOutcome replay() {
    auto again = claim_;
    again.claim_token = "claim-2";
    return store_->claim_idempotency_key(again, clock_.now() - 5min);
  }

  User dana_;
  store::IdempotencyRecord claim_;
  int given_back_ = 0;
};

TEST_F(BulkChanges, HoldsOnlyTheApprovalsItTakesAwayAndKeepsItsAnswer) {
  const auto cpoms = stored("cpoms").revision;
  shared_.current_epoch = 2;
  auto applied = apply(plan());
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  ASSERT_EQ(applied->size(), 3u);
  const auto& w = *applied;
  EXPECT_EQ(shared_.calls,
            (Calls{"hold " + std::string(kSchool) + "/cpoms@" + std::to_string(cpoms),
                   "publish " + at("cpoms", "rejected", w[0].revision) + " e2",
                   "publish " + at("parentpay", "approved", w[1].revision) + " e2",
                   "publish " + at("hodder", "rejected", w[2].revision) + " e2"}));
  EXPECT_EQ(given_back_, 0);
  const auto kept = replay();
  EXPECT_EQ(kept.claim, store::IdempotencyClaim::replay);
  EXPECT_EQ(kept.record.response_status, 200);
  EXPECT_EQ(kept.record.response_body, "3 written");
}

TEST_F(BulkChanges, WithoutHoldsTheWholeBatchMovesTheEpoch) {
  polled("replica-a");
  shared_.refuse_holds = true;
  const auto epoch = store_->revocation_epoch();
  auto applied = apply(plan());
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(store_->revocation_epoch(), epoch + 1);
  EXPECT_EQ(shared_.calls.front(), "hold refused");
  EXPECT_EQ(shared_.calls.back(), "rejoin");
  EXPECT_EQ(shared_.withdrawn, 0);
}

TEST_F(BulkChanges, AConflictWritesNothingReleasesTheHoldsAndGivesTheKeyBack) {
  auto p = plan();
  const auto cpoms = stored("cpoms").revision;
  touch("parentpay");  // moved since the plan read it
  const auto audit = store_->audit_count();
  auto applied = apply(std::move(p));
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.error().code, Errc::concurrent_change);
  EXPECT_EQ(stored("cpoms").status, ConnectionStatus::approved);
  EXPECT_EQ(store_->audit_count(), audit);
  const auto pair = std::string(kSchool) + "/cpoms@" + std::to_string(cpoms);
  EXPECT_EQ(shared_.calls, (Calls{"hold " + pair, "release " + pair}));
  EXPECT_EQ(given_back_, 1);
}

TEST_F(BulkChanges, CommitTooLateWritesNothingAndGivesTheKeyBack) {
  with({.commit_within = -1ms});
  EXPECT_THROW((void)apply(plan()), store::CommitTooLate);
  EXPECT_EQ(stored("cpoms").status, ConnectionStatus::approved);
  EXPECT_EQ(given_back_, 1);
  EXPECT_EQ(shared_.calls.back().rfind("release ", 0), 0u);
}

}  // namespace
}  // namespace canopy::consent
