// The DecisionCache suite over LocalCache, and the holds and floors of level 1 (the in-process
// part of every replica): no server needed.
#include <gtest/gtest.h>

#include "cache/decision_cache_conformance.hpp"
#include "cache/local_cache.hpp"

namespace canopy::cache {
namespace {

struct LocalBackend {
  LocalCache cache;
  DecisionCache& get() { return cache; }
};

INSTANTIATE_TYPED_TEST_SUITE_P(Local, DecisionCacheConformance, LocalBackend);

// Holds and floors in level 1 (the in-process part of every replica).
TEST(LocalCacheHolds, HoldOutranksAnEntryAtItsRevisionAndLosesToANewerOne) {
  LocalCache cache;
  cache.put("s", "a", {Presence::approved, 1, 5});
  cache.hold("s", "a", 5, "p.1");
  EXPECT_FALSE(cache.get("s", "a")) << "a held pair misses";
  EXPECT_TRUE(cache.held("s", "a"));
  cache.put("s", "a", {Presence::approved, 1, 5});  // a read made before the commit
  cache.put("s", "a", {Presence::approved, 1, 4});
  EXPECT_FALSE(cache.get("s", "a")) << "entries at or below the hold's revision are refused";
  cache.put("s", "a", {Presence::rejected, 1, 6});  // the committed change
  EXPECT_EQ(cache.get("s", "a")->presence, Presence::rejected);
  EXPECT_FALSE(cache.held("s", "a")) << "the newer entry replaces the hold";
}

TEST(LocalCacheHolds, HoldBelowACachedRevisionIsMoot) {
  LocalCache cache;
  cache.put("s", "a", {Presence::rejected, 1, 6});
  cache.hold("s", "a", 5, "p.1");
  EXPECT_EQ(cache.get("s", "a")->revision, 6);
  EXPECT_FALSE(cache.held("s", "a"));
}

TEST(LocalCacheHolds, ReleaseLiftsOnlyTheSameRevisionAndToken) {
  LocalCache cache;
  cache.hold("s", "a", 5, "p.1");
  cache.hold("s", "a", 5, "q.7");  // another replica read the same revision
  cache.release("s", "a", 4, "p.1");
  cache.release("s", "a", 5, "p.2");
  cache.release("s", "a", 5, "q.7");
  cache.put("s", "a", {Presence::approved, 1, 5});
  EXPECT_FALSE(cache.get("s", "a")) << "p.1 still holds revision 5";
  cache.release("s", "a", 5, "p.1");
  cache.put("s", "a", {Presence::approved, 1, 5});
  EXPECT_EQ(cache.get("s", "a")->presence, Presence::approved);
}

TEST(LocalCacheHolds, HoldsOutliveAClear) {
  LocalCache cache;
  cache.put("s", "a", {Presence::approved, 1, 5});
  cache.hold("s", "a", 5, "p.1");
  cache.clear();
  cache.put("s", "a", {Presence::approved, 1, 5});
  EXPECT_FALSE(cache.get("s", "a")) << "a clear forgets entries, not holds";
  EXPECT_TRUE(cache.held("s", "a"));
}

TEST(LocalCacheHolds, FloorRefusesOnlyLowerRevisions) {
  LocalCache cache;
  cache.put("s", "a", {Presence::approved, 1, 4});
  cache.raise_floor("s", "a", 5);
  EXPECT_FALSE(cache.get("s", "a"));
  cache.put("s", "a", {Presence::approved, 1, 4});
  EXPECT_FALSE(cache.get("s", "a"));
  cache.raise_floor("s", "a", 3);  // never lowered
  cache.put("s", "a", {Presence::approved, 1, 4});
  EXPECT_FALSE(cache.get("s", "a"));
  cache.put("s", "a", {Presence::approved, 1, 5});
  EXPECT_EQ(cache.get("s", "a")->revision, 5);
}

}  // namespace
}  // namespace canopy::cache
