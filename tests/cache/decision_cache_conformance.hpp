// One suite for every DecisionCache: the in-process LocalCache and the Redis-backed SharedCache
// behave the same at level 1. Instantiated once per backend, each in its own executable, so the
// level-1 cases run with no server and the Redis ones where Redis is.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "cache/decision_cache.hpp"

namespace canopy::cache {

// `Backend` builds the cache under test; get() returns it.
template <class Backend>
class DecisionCacheConformance : public ::testing::Test {
 protected:
  Backend backend;
  DecisionCache& cache = backend.get();
};

TYPED_TEST_SUITE_P(DecisionCacheConformance);

TYPED_TEST_P(DecisionCacheConformance, MissIsNullopt) {
  EXPECT_FALSE(this->cache.get("school", "app").has_value());
}

TYPED_TEST_P(DecisionCacheConformance, PutThenGet) {
  this->cache.put("school", "app", {Presence::approved, 3, 7});
  auto e = this->cache.get("school", "app");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->presence, Presence::approved);
  EXPECT_EQ(e->permission_set_version, 3);
  EXPECT_EQ(e->revision, 7);
  EXPECT_FALSE(this->cache.get("school", "other-app"));
  EXPECT_FALSE(this->cache.get("other-school", "app"));
}

TYPED_TEST_P(DecisionCacheConformance, NewerRevisionReplacesOlderNever) {
  this->cache.put("s", "a", {Presence::approved, 1, 5});
  this->cache.put("s", "a", {Presence::rejected, 1, 6});
  EXPECT_EQ(this->cache.get("s", "a")->presence, Presence::rejected);
  this->cache.put("s", "a", {Presence::approved, 1, 4});  // a stale read arriving late
  EXPECT_EQ(this->cache.get("s", "a")->presence, Presence::rejected);
  this->cache.put("s", "a", {Presence::pending, 1, 6});  // the same revision: latest write wins
  EXPECT_EQ(this->cache.get("s", "a")->presence, Presence::pending);
}

TYPED_TEST_P(DecisionCacheConformance, ClearForgetsEverything) {
  for (int i = 0; i < 100; ++i)
    this->cache.put("s" + std::to_string(i), "a", {Presence::approved, 1, 1});
  EXPECT_TRUE(this->cache.get("s42", "a"));
  this->cache.clear();
  for (int i = 0; i < 100; ++i)
    EXPECT_FALSE(this->cache.get("s" + std::to_string(i), "a"));
}

TYPED_TEST_P(DecisionCacheConformance, PutOfAReadMadeBeforeAClearIsIgnored) {
  // A read of the store starts (approved at 5); a reject publishes 6; level 1 is cleared (a
  // re-subscription); the read's late put must not bring approved back.
  const Generation before_read = this->cache.generation();
  this->cache.put("s", "a", {Presence::rejected, 1, 6});
  this->cache.clear();
  EXPECT_FALSE(this->cache.put("s", "a", {Presence::approved, 1, 5}, before_read));
  EXPECT_FALSE(this->cache.get("s", "a")) << "a stale generation must not write";
  // A read that began after the clear does write.
  const Generation after_clear = this->cache.generation();
  EXPECT_NE(after_clear, before_read);
  EXPECT_TRUE(this->cache.put("s", "a", {Presence::rejected, 1, 6}, after_clear));
  EXPECT_EQ(this->cache.get("s", "a")->presence, Presence::rejected);
}

TYPED_TEST_P(DecisionCacheConformance, KeysDoNotCollide) {
  // "ab"+"c" and "a"+"bc" must be different keys.
  this->cache.put("ab", "c", {Presence::approved, 1, 1});
  this->cache.put("a", "bc", {Presence::rejected, 1, 1});
  EXPECT_EQ(this->cache.get("ab", "c")->presence, Presence::approved);
  EXPECT_EQ(this->cache.get("a", "bc")->presence, Presence::rejected);
}

REGISTER_TYPED_TEST_SUITE_P(DecisionCacheConformance, MissIsNullopt, PutThenGet,
                            NewerRevisionReplacesOlderNever, ClearForgetsEverything,
                            PutOfAReadMadeBeforeAClearIsIgnored, KeysDoNotCollide);

}  // namespace canopy::cache
