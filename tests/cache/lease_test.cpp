// Lease arithmetic: when a replica may answer from level 1, given when its heartbeats were sent
// and came back. Every moment is given to the lease, so nothing here waits.
#include <gtest/gtest.h>

#include "cache/lease.hpp"

namespace canopy::cache {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const Clock::time_point t0 = Clock::time_point(1000s);

class LeaseTest : public ::testing::Test {
 protected:
  LocalCache level1;
  Lease lease{800ms, 100ms, level1};
  bool fresh(Clock::time_point at) const { return lease.fresh_at(ticks(at)); }
};

TEST_F(LeaseTest, AHeartbeatThatCameBackKeepsLevelOneForTheLeaseLessTheMargin) {
  EXPECT_FALSE(fresh(t0)) << "no heartbeat has come back yet";
  const auto nonce = lease.sending(t0);
  EXPECT_FALSE(fresh(t0 + 1ms)) << "sent is not enough";
  lease.came_back(nonce, t0 + 3ms);
  EXPECT_TRUE(fresh(t0 + 3ms));
  EXPECT_TRUE(fresh(t0 + 699ms));
  EXPECT_FALSE(fresh(t0 + 700ms)) << "counted from the send, not from the arrival";
}

TEST_F(LeaseTest, UnknownHeartbeatsAreIgnored) {
  lease.sending(t0);
  lease.came_back(42, t0 + 1ms);
  EXPECT_FALSE(fresh(t0 + 1ms));
}

TEST_F(LeaseTest, AnOlderHeartbeatArrivingLateNeverShortensTheLease) {
  const auto first = lease.sending(t0);
  const auto second = lease.sending(t0 + 400ms);
  lease.came_back(second, t0 + 401ms);
  lease.came_back(first, t0 + 402ms);
  EXPECT_TRUE(fresh(t0 + 1099ms));
  EXPECT_FALSE(fresh(t0 + 1100ms));
}

TEST_F(LeaseTest, ALapsedLeaseClearsLevelOneBeforeItIsRenewed) {
  lease.came_back(lease.sending(t0), t0 + 1ms);
  ASSERT_TRUE(level1.put("s", "a", {Presence::approved, 1, 5}));
  lease.came_back(lease.sending(t0 + 400ms), t0 + 401ms);
  EXPECT_TRUE(level1.get("s", "a")) << "renewed within the lease: nothing was missed";
  level1.hold("s", "b", 3, "p.1");
  lease.came_back(lease.sending(t0 + 2s), t0 + 2s + 1ms);
  EXPECT_FALSE(level1.get("s", "a")) << "lapsed: messages may have been missed";
  EXPECT_TRUE(level1.held("s", "b")) << "holds outlive the clear";
  EXPECT_TRUE(fresh(t0 + 2s + 1ms));
}

TEST_F(LeaseTest, LosingTheSubscriptionEndsTheLeaseAndItsReturnClearsLevelOne) {
  lease.came_back(lease.sending(t0), t0 + 1ms);
  ASSERT_TRUE(level1.put("s", "a", {Presence::approved, 1, 5}));
  lease.end();
  EXPECT_FALSE(fresh(t0 + 2ms));
  EXPECT_TRUE(level1.get("s", "a")) << "ending the lease alone keeps level 1's entries";
  lease.subscribed();
  EXPECT_FALSE(fresh(t0 + 3ms));
  EXPECT_FALSE(level1.get("s", "a"));
}

TEST_F(LeaseTest, OnlyTheLast64HeartbeatsAreRemembered) {
  const auto oldest = lease.sending(t0);
  for (int i = 1; i <= 64; ++i)
    lease.sending(t0 + std::chrono::milliseconds(i));
  lease.came_back(oldest, t0 + 100ms);
  EXPECT_FALSE(fresh(t0 + 100ms));
  lease.came_back(oldest + 1, t0 + 100ms);
  EXPECT_TRUE(fresh(t0 + 100ms));
}

TEST_F(LeaseTest, ASubscriptionSilentForALeaseWhileHeartbeatsRunIsStalled) {
  EXPECT_FALSE(lease.stalled(t0)) << "the first unheard heartbeat starts the count";
  EXPECT_FALSE(lease.stalled(t0 + 800ms));
  EXPECT_TRUE(lease.stalled(t0 + 801ms));
  EXPECT_FALSE(lease.stalled(t0 + 900ms)) << "counted again after a rebuild";
  EXPECT_FALSE(lease.stalled(t0 + 1700ms));
  EXPECT_TRUE(lease.stalled(t0 + 1701ms)) << "a lease after the count restarted";
  // A heartbeat that comes back restarts the count.
  EXPECT_FALSE(lease.stalled(t0 + 2s));
  lease.came_back(lease.sending(t0 + 2s), t0 + 2s + 500ms);
  EXPECT_FALSE(lease.stalled(t0 + 2s + 900ms));
  EXPECT_FALSE(lease.stalled(t0 + 3s + 600ms));
}

}  // namespace
}  // namespace canopy::cache
