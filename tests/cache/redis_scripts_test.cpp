// The argument layout each script is sent with: KEYS first, then ARGV, as the Lua reads them.
// Replicas of different versions share these scripts' keys and values, so the layout must hold.
#include <gtest/gtest.h>

#include "cache/redis_scripts.hpp"

namespace canopy::cache {
namespace {

using namespace std::chrono_literals;

// The command without its script text.
std::vector<std::string> layout(RedisCommand command) {
  EXPECT_EQ(command.at(0), "EVAL");
  command.erase(command.begin(), command.begin() + 2);
  return command;
}

using Args = std::vector<std::string>;

TEST(RedisScriptsTest, KeysAndChannelAreUnderThePrefix) {
  const RedisKeys keys("dep");
  EXPECT_EQ(keys.channel(), "dep:events");
  EXPECT_EQ(keys.replicas(), "dep:replicas");
  EXPECT_EQ(keys.entry("oak", "wonde"), "dep:conn:oak:wonde");
}

TEST(RedisScriptsTest, RememberAndHeartbeat) {
  const RedisKeys keys("dep");
  EXPECT_EQ(layout(scripts::remember("dep:conn:s:a", "3 1 5 2 TAG", 5, 86'400'000ms)),
            (Args{"1", "dep:conn:s:a", "3 1 5 2 TAG", "5", "86400000"}));
  EXPECT_EQ(layout(scripts::heartbeat(keys, "b-1", 2000ms, "hb b-1/TAG 7")),
            (Args{"2", "dep:replicas", "dep:events", "b-1", "2000", "hb b-1/TAG 7"}));
}

TEST(RedisScriptsTest, PublishTakesEveryKeyThenTheTimeToLiveThenATriplePerKey) {
  const RedisKeys keys("dep");
  std::vector<scripts::Publication> pairs{{"dep:conn:s1:a", "E1", 5, "inv 1"},
                                          {"dep:conn:s2:a", "E2", 6, "inv 2"}};
  EXPECT_EQ(layout(scripts::publish(keys, 1000ms, std::move(pairs))),
            (Args{"3", "dep:events", "dep:conn:s1:a", "dep:conn:s2:a", "1000", "E1", "5", "inv 1",
                  "E2", "6", "inv 2"}));
}

TEST(RedisScriptsTest, HoldAndRelease) {
  const RedisKeys keys("dep");
  const std::vector<HoldRequest> pairs{{"s1", "a", 5}, {"s2", "a", 7}};
  EXPECT_EQ(layout(scripts::hold(keys, pairs, "b-1.3", 60'000ms, "hold b-1.3/TAG s1 a 5", true)),
            (Args{"4", "dep:replicas", "dep:events", "dep:conn:s1:a", "dep:conn:s2:a", "b-1.3",
                  "60000", "hold b-1.3/TAG s1 a 5", "batch", "5", "7"}));
  EXPECT_EQ(
      layout(scripts::hold(keys, std::span(pairs).first(1), "b-1.4", 60'000ms, "", false)),
      (Args{"3", "dep:replicas", "dep:events", "dep:conn:s1:a", "b-1.4", "60000", "", "", "5"}));
  const std::vector<HeldPair> held{{"s1", "a", {5, "b-1.3"}}, {"s2", "a", {7, "b-1.3"}}};
  EXPECT_EQ(layout(scripts::release(keys, held, "rel b-1.3/TAG s1 a 5 s2 a 7", 60'000ms)),
            (Args{"3", "dep:events", "dep:conn:s1:a", "dep:conn:s2:a", "b-1.3",
                  "rel b-1.3/TAG s1 a 5 s2 a 7", "60000", "5", "7"}));
}

}  // namespace
}  // namespace canopy::cache
