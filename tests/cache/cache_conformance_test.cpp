// One suite for every DecisionCache: the in-process LocalCache and the Redis-backed
// SharedCache behave the same at level 1; the shared level and replica coordination follow.
#include <gtest/gtest.h>

#include <future>
#include <random>
#include <thread>

#include "cache/local_cache.hpp"
#include "cache/shared_cache.hpp"
#include "support/servers.hpp"

namespace canopy::cache {
namespace {

using testing::TestServers;

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds within = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

std::string unique_prefix() {
  static std::mt19937_64 rng(std::random_device{}());
  return "canopy-test-" + std::to_string(rng() % 1'000'000'000);
}

// Runs an io_context on its own thread for the Redis-backed caches.
class IoThread {
 public:
  IoThread() : guard_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~IoThread() {
    guard_.reset();
    io_.stop();
    thread_.join();
  }
  asio::io_context& io() { return io_; }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::thread thread_;
};

SharedCacheConfig redis_config(const std::string& prefix) {
  SharedCacheConfig c;
  c.redis = {TestServers::get().redis_host, TestServers::get().redis_port};
  c.prefix = prefix;
  c.lease = std::chrono::milliseconds(800);
  c.heartbeat = std::chrono::milliseconds(100);
  c.margin = std::chrono::milliseconds(100);
  return c;
}

struct LocalBackend {
  LocalCache cache;
  DecisionCache& get() { return cache; }
};

struct RedisBackend {
  IoThread io;
  SharedCache cache{io.io(), redis_config(unique_prefix())};
  RedisBackend() {
    cache.start();
    if (!eventually([&] { return cache.fresh(); })) throw std::runtime_error("never became fresh");
  }
  ~RedisBackend() { cache.stop(); }
  DecisionCache& get() { return cache; }
};

template <class Backend>
class DecisionCacheConformance : public ::testing::Test {
 protected:
  Backend backend;
  DecisionCache& cache = backend.get();
};

using Backends = ::testing::Types<LocalBackend, RedisBackend>;
TYPED_TEST_SUITE(DecisionCacheConformance, Backends);

TYPED_TEST(DecisionCacheConformance, MissIsNullopt) {
  EXPECT_FALSE(this->cache.get("school", "app").has_value());
}

TYPED_TEST(DecisionCacheConformance, PutThenGet) {
  this->cache.put("school", "app", {Presence::approved, 3, 7});
  auto e = this->cache.get("school", "app");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->presence, Presence::approved);
  EXPECT_EQ(e->permission_set_version, 3);
  EXPECT_EQ(e->revision, 7);
  EXPECT_FALSE(this->cache.get("school", "other-app"));
  EXPECT_FALSE(this->cache.get("other-school", "app"));
}

TYPED_TEST(DecisionCacheConformance, NewerRevisionReplacesOlderNever) {
  this->cache.put("s", "a", {Presence::approved, 1, 5});
  this->cache.put("s", "a", {Presence::rejected, 1, 6});
  EXPECT_EQ(this->cache.get("s", "a")->presence, Presence::rejected);
  this->cache.put("s", "a", {Presence::approved, 1, 4});  // a stale read arriving late
  EXPECT_EQ(this->cache.get("s", "a")->presence, Presence::rejected);
  this->cache.put("s", "a", {Presence::pending, 1, 6});  // the same revision: latest write wins
  EXPECT_EQ(this->cache.get("s", "a")->presence, Presence::pending);
}

TYPED_TEST(DecisionCacheConformance, ClearForgetsEverything) {
  for (int i = 0; i < 100; ++i)
    this->cache.put("s" + std::to_string(i), "a", {Presence::approved, 1, 1});
  EXPECT_TRUE(this->cache.get("s42", "a"));
  this->cache.clear();
  for (int i = 0; i < 100; ++i)
    EXPECT_FALSE(this->cache.get("s" + std::to_string(i), "a"));
}

TYPED_TEST(DecisionCacheConformance, KeysDoNotCollide) {
  // "ab"+"c" and "a"+"bc" must be different keys.
  this->cache.put("ab", "c", {Presence::approved, 1, 1});
  this->cache.put("a", "bc", {Presence::rejected, 1, 1});
  EXPECT_EQ(this->cache.get("ab", "c")->presence, Presence::approved);
  EXPECT_EQ(this->cache.get("a", "bc")->presence, Presence::rejected);
}

TEST(EntryEncoding, RoundTripsAndRefusesGarbage) {
  const Entry e{Presence::rejected, 12, 345};
  auto back = decode_entry(encode_entry(e));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->presence, e.presence);
  EXPECT_EQ(back->permission_set_version, 12);
  EXPECT_EQ(back->revision, 345);
  for (const char* bad : {"", "1 2", "9 1 1", "x 1 1", "1 1 1 1", "-1 1 1", "1 1 z"})
    EXPECT_FALSE(decode_entry(bad)) << bad;
}

// Awaits a coroutine from a test thread.
template <class T>
T run(asio::io_context& io, asio::awaitable<T> work) {
  std::promise<T> done;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { done.set_value(co_await std::move(work)); },
      asio::detached);
  return done.get_future().get();
}
void run(asio::io_context& io, asio::awaitable<void> work) {
  std::promise<void> done;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await std::move(work);
        done.set_value();
      },
      asio::detached);
  done.get_future().get();
}

class Replication : public ::testing::Test {
 protected:
  void SetUp() override {
    a.start();
    b.start();
    ASSERT_TRUE(eventually([&] { return a.fresh() && b.fresh(); }));
  }
  void TearDown() override {
    a.stop();
    b.stop();
  }
  std::string prefix = unique_prefix();
  IoThread io;
  SharedCache a{io.io(), redis_config(prefix)};
  SharedCache b{io.io(), redis_config(prefix)};
};

TEST_F(Replication, SharedLevelKeepsTheNewestRevision) {
  EXPECT_FALSE(run(io.io(), a.fetch("s", "app")));
  run(io.io(), a.remember("s", "app", {Presence::approved, 2, 5}));
  EXPECT_EQ(run(io.io(), b.fetch("s", "app"))->revision, 5);
  run(io.io(), b.remember("s", "app", {Presence::approved, 2, 3}));  // older: ignored
  EXPECT_EQ(run(io.io(), a.fetch("s", "app"))->revision, 5);
}

TEST_F(Replication, RejectReachesEveryReplicaBeforePublishReturns) {
  b.put("s", "app", {Presence::approved, 1, 1});
  for (int i = 2; i < 52; ++i) {
    const auto started = std::chrono::steady_clock::now();
    run(io.io(), a.publish("s", "app", {Presence::rejected, 1, i}));
    // Acknowledged by b, not waited out: well under the 800 ms lease.
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(400));
    ASSERT_EQ(b.get("s", "app")->presence, Presence::rejected) << "publish " << i;
    EXPECT_EQ(run(io.io(), b.fetch("s", "app"))->revision, i);
    b.put("s", "app", {Presence::approved, 1, i});  // as if b read an approval again
  }
}

TEST_F(Replication, RedisDownMakesReplicasDistrustLevelOneUntilItReturns) {
  a.put("s", "app", {Presence::approved, 1, 1});
  a.put("s", "other", {Presence::approved, 1, 1});
  const auto& servers = TestServers::get();
  servers.run("stop-redis");
  EXPECT_TRUE(eventually([&] { return !a.fresh() && !b.fresh(); }, std::chrono::seconds(2)));
  EXPECT_FALSE(a.get("s", "app")) << "an unfresh replica must not answer from level 1";
  EXPECT_FALSE(run(io.io(), a.fetch("s", "app")));
  const auto started = std::chrono::steady_clock::now();
  run(io.io(), a.publish("s", "app", {Presence::rejected, 1, 2}));
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(800))
      << "with Redis down a reject must wait out the lease";
  servers.run("start-redis");
  EXPECT_TRUE(eventually([&] { return a.fresh() && b.fresh(); }, std::chrono::seconds(15)));
  EXPECT_FALSE(a.get("s", "other")) << "level 1 is cleared when the subscription comes back";
  // The reject made while Redis was away is published once it is back (Redis restarted empty,
  // so without that the shared level would know nothing of it).
  EXPECT_TRUE(eventually([&] {
    auto e = run(io.io(), b.fetch("s", "app"));
    return e && e->presence == Presence::rejected && e->revision == 2;
  }));
}

}  // namespace
}  // namespace canopy::cache
