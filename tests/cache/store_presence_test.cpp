// What the store's polls and the heartbeats' replies allow: level 1 on a recent poll, level 2
// without the store only while every replica the store saw is live on Redis, and when a commit
// made without holds has settled. Every moment is given, so nothing here waits.
#include <gtest/gtest.h>

#include "cache/store_presence.hpp"

namespace canopy::cache {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const Clock::time_point t0 = Clock::time_point(1000s);

class StorePresenceTest : public ::testing::Test {
 protected:
  LocalCache level1;
  // lease 800 ms, margin 100 ms, answers without the store for 10 s.
  StorePresence presence{800ms, 100ms, 10s, level1};
  bool store_fresh(Clock::time_point at) const { return presence.store_fresh_at(ticks(at)); }
};

TEST_F(StorePresenceTest, APollKeepsTheStoreFreshForTheLeaseLessTheMarginFromItsStart) {
  EXPECT_FALSE(store_fresh(t0)) << "never polled";
  presence.store_polled(1, {}, t0);
  EXPECT_TRUE(store_fresh(t0 + 699ms));
  EXPECT_FALSE(store_fresh(t0 + 700ms));
  presence.store_polled(1, {}, t0 + 500ms);
  presence.store_polled(1, {}, t0 + 100ms);  // a slower poll that started earlier
  EXPECT_TRUE(store_fresh(t0 + 1199ms)) << "never moved back";
  EXPECT_FALSE(store_fresh(t0 + 1200ms));
}

TEST_F(StorePresenceTest, ANewEpochClearsLevelOneOnceAndTheSameEpochDoesNot) {
  EXPECT_EQ(presence.epoch(), 0);
  presence.store_polled(3, {}, t0);
  EXPECT_EQ(presence.epoch(), 3);
  ASSERT_TRUE(level1.put("s", "a", {Presence::approved, 1, 5}));
  level1.hold("s", "b", 4, "p.1");
  const Generation before = level1.generation();
  presence.store_polled(3, {}, t0 + 100ms);
  EXPECT_TRUE(level1.get("s", "a")) << "the same epoch: nothing to forget";
  presence.store_polled(4, {}, t0 + 200ms);
  EXPECT_EQ(presence.epoch(), 4);
  EXPECT_FALSE(level1.get("s", "a"));
  EXPECT_TRUE(level1.held("s", "b")) << "holds outlive the clear";
  EXPECT_NE(level1.generation(), before) << "a put taken before the new epoch is dropped";
  presence.store_polled(2, {}, t0 + 300ms);
  EXPECT_EQ(presence.epoch(), 4) << "never moved back";
}

TEST_F(StorePresenceTest, WithoutTheStoreLevelTwoAnswersOnlyWhileEveryReplicaSeenIsOnRedis) {
  EXPECT_FALSE(presence.answers_without_store(t0)) << "never polled";
  presence.store_polled(1, {"b", "a"}, t0);
  EXPECT_FALSE(presence.answers_without_store(t0)) << "no heartbeat reply yet";
  presence.heartbeat_answered({"c", "a", "b"}, t0 + 100ms);
  EXPECT_TRUE(presence.answers_without_store(t0 + 100ms));
  EXPECT_TRUE(presence.answers_without_store(t0 + 799ms));
  EXPECT_FALSE(presence.answers_without_store(t0 + 800ms)) << "that heartbeat's reply is old";
  presence.heartbeat_answered({"a", "c"}, t0 + 1s);
  EXPECT_FALSE(presence.answers_without_store(t0 + 1s)) << "b, seen in the store, is gone";
  EXPECT_EQ(presence.live_on_redis(), (std::vector<std::string>{"a", "c"}));
  presence.heartbeat_answered({"b", "a"}, t0 + 2s);
  EXPECT_TRUE(presence.answers_without_store(t0 + 2s));
  presence.heartbeat_answered({"a", "b"}, t0 + 10s - 100ms);
  EXPECT_TRUE(presence.answers_without_store(t0 + 10s - 1ms));
  EXPECT_FALSE(presence.answers_without_store(t0 + 10s)) << "the last poll is too old";
}

TEST_F(StorePresenceTest, AWithdrawnReplicaSendsNoHeartbeatUntilEveryWithdrawHasItsRejoin) {
  EXPECT_TRUE(presence.heartbeat_starts(t0, true));
  presence.withdraw();
  presence.withdraw();
  EXPECT_FALSE(presence.heartbeat_starts(t0 + 100ms, true));
  presence.rejoin();
  EXPECT_FALSE(presence.heartbeat_starts(t0 + 200ms, true));
  presence.rejoin();
  presence.rejoin();  // one too many changes nothing
  EXPECT_TRUE(presence.heartbeat_starts(t0 + 300ms, true));
  presence.withdraw();
  EXPECT_FALSE(presence.heartbeat_starts(t0 + 400ms, true));
}

TEST_F(StorePresenceTest, AnUnheldCommitSettlesOnceEveryReplicaHasPolledOrSeenThisOneGone) {
  // The last heartbeat that may have run was sent at t0: the others' view of this replica ends
  // two leases and two margins later.
  ASSERT_TRUE(presence.heartbeat_starts(t0, true));
  EXPECT_EQ(presence.unheld_commit_settled(t0 + 100ms), t0 + 1800ms);
  EXPECT_EQ(presence.unheld_commit_settled(t0 + 1s), t0 + 1900ms) << "a poll after the commit";
  // A heartbeat not sent (no connection) is not counted, unless it may have run after all.
  ASSERT_TRUE(presence.heartbeat_starts(t0 + 400ms, false));
  EXPECT_EQ(presence.unheld_commit_settled(t0 + 100ms), t0 + 1800ms);
  presence.heartbeat_may_have_run(t0 + 400ms);
  EXPECT_EQ(presence.unheld_commit_settled(t0 + 100ms), t0 + 2200ms);
  presence.heartbeat_may_have_run(t0 + 200ms);
  EXPECT_EQ(presence.unheld_commit_settled(t0 + 100ms), t0 + 2200ms) << "never moved back";
}

}  // namespace
}  // namespace canopy::cache
