// RedisConnection against the test Redis: a subscription Redis refuses must not turn into a
// reconnect storm, and a Redis that accepts and never answers must not make commands pile up.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "cache/redis_connection.hpp"
#include "support/servers.hpp"
#include "support/tcp_proxy.hpp"

namespace canopy::cache {
namespace {

using testing::TestServers;

RedisEndpoint endpoint() {
  return {TestServers::get().redis_host, TestServers::get().redis_port};
}

// Waits up to a second for `connection` to connect.
asio::awaitable<void> until_connected(RedisConnection& connection) {
  asio::steady_timer wait(co_await asio::this_coro::executor);
  for (int i = 0; i < 200 && !connection.connected(); ++i) {
    wait.expires_after(std::chrono::milliseconds(5));
    co_await wait.async_wait(asio::use_awaitable);
  }
}

// Runs one command on a fresh connection and returns its reply.
std::optional<RedisReply> run_command(std::vector<std::string> args) {
  asio::io_context io;
  auto connection = RedisConnection::create(io, endpoint(), "test-admin", {});
  std::optional<RedisReply> out;
  connection->start();
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await until_connected(*connection);
        if (auto reply = co_await connection->command(std::move(args))) out = *reply;
        connection->stop();
      },
      asio::detached);
  io.run();
  return out;
}

TEST(RedisConnectionTest, RefusedSubscriptionBacksOffInsteadOfReconnectingInALoop) {
  const auto refused = run_command({"ACL", "SETUSER", "default", "resetchannels"});
  ASSERT_TRUE(refused && refused->type == RedisReply::Type::status) << "ACL SETUSER failed";

  asio::io_context io;
  std::atomic<int> connects{0};
  RedisConnection::Events events;
  events.connected = [&] { ++connects; };
  auto connection = RedisConnection::create(io, endpoint(), "test-events", std::move(events));
  connection->subscribe("canopy-test:refused");
  connection->start();
  asio::steady_timer stop(io, std::chrono::milliseconds(1600));
  stop.async_wait([&](auto) { connection->stop(); });
  io.run();

  const auto restored = run_command({"ACL", "SETUSER", "default", "allchannels"});
  ASSERT_TRUE(restored && restored->type == RedisReply::Type::status) << "ACL not restored";
  // Backoff 100, 200, 400, 800 ms: at most five connections in 1.6 s (a reset backoff: ~16).
  EXPECT_GE(connects.load(), 2);
  EXPECT_LE(connects.load(), 5);
}

TEST(RedisConnectionTest, AcceptedSubscriptionStaysConnected) {
  asio::io_context io;
  std::atomic<int> connects{0};
  std::atomic<int> subscribed{0};
  RedisConnection::Events events;
  events.connected = [&] { ++connects; };
  events.subscribed = [&] { ++subscribed; };
  auto connection = RedisConnection::create(io, endpoint(), "test-events", std::move(events));
  connection->subscribe("canopy-test:accepted");
  connection->start();
  asio::steady_timer stop(io, std::chrono::milliseconds(500));
  stop.async_wait([&](auto) { connection->stop(); });
  io.run();
  EXPECT_EQ(connects.load(), 1);
  EXPECT_EQ(subscribed.load(), 1);
}

TEST(RedisConnectionTest, StalledRedisAnswersNulloptAtTheDeadlineAndLateRepliesGoNowhere) {
  asio::io_context io;
  auto connection = RedisConnection::create(io, endpoint(), "test-commands", {});
  connection->start();
  std::optional<RedisReply> before, during, after;
  std::chrono::steady_clock::duration waited{};
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await until_connected(*connection);
        asio::steady_timer wait(io);
        std::vector<std::string> set{"SET", "canopy-test:stall", "first"};
        before = co_await connection->command(std::move(set));
        // Redis holds every client's commands for 1.2 s: ours must give up after 300 ms.
        std::vector<std::string> pause{"CLIENT", "PAUSE", "1200", "ALL"};
        co_await connection->command(std::move(pause));
        const auto started = std::chrono::steady_clock::now();
        std::vector<std::string> get{"GET", "canopy-test:stall"};
        during = co_await connection->command(std::move(get), std::chrono::milliseconds(300));
        waited = std::chrono::steady_clock::now() - started;
        // Once Redis answers again, the late reply to the GET above must not be taken for
        // the reply to this one.
        wait.expires_after(std::chrono::milliseconds(1200));
        co_await wait.async_wait(asio::use_awaitable);
        std::vector<std::string> echo{"ECHO", "after the pause"};
        after = co_await connection->command(std::move(echo));
        connection->stop();
      },
      asio::detached);
  io.run();
  ASSERT_TRUE(before.has_value());
  EXPECT_FALSE(during.has_value()) << "a stalled command must not wait for Redis";
  EXPECT_GE(waited, std::chrono::milliseconds(300));
  EXPECT_LT(waited, std::chrono::milliseconds(900));
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->str, "after the pause");
}

// Sends `count` GETs at once with `timeout` each and waits for every answer; returns how many
// got a reply, and the longest any of them waited, and the most commands ever in flight.
struct Burst {
  int replied = 0;
  std::chrono::steady_clock::duration slowest{};
  std::size_t most_inflight = 0;
};
asio::awaitable<Burst> burst(RedisConnection& connection, int count,
                             std::chrono::milliseconds timeout) {
  Burst out;
  auto left = std::make_shared<int>(count);
  asio::steady_timer all_done(co_await asio::this_coro::executor,
                              std::chrono::steady_clock::time_point::max());
  for (int i = 0; i < count; ++i) {
    const auto sent = std::chrono::steady_clock::now();
    connection.send(
        {"GET", "canopy-test:black-hole"},
        [&, sent, left](RedisConnection::Reply reply) {
          out.slowest = std::max(out.slowest, std::chrono::steady_clock::now() - sent);
          if (reply) ++out.replied;
          if (--*left == 0) all_done.cancel();
        },
        timeout);
    out.most_inflight = std::max(out.most_inflight, connection.inflight());
  }
  boost::system::error_code ec;
  if (*left > 0) co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  co_return out;
}

// A black-holed Redis (the proxy accepts and never answers): commands fail by their deadline or
// at once, what waits for a reply never exceeds the bound, the stalled connection is dropped and
// rebuilt, and once the proxy mends, commands get replies again by themselves.
void black_hole_test(bool swallow_after_bytes) {
  testing::TcpProxy proxy(TestServers::get().redis_host, TestServers::get().redis_port);
  asio::io_context io;
  RedisOptions options;
  options.timeouts_before_reset = 3;
  options.max_inflight = 64;
  options.backoff_min = std::chrono::milliseconds(20);
  options.backoff_max = std::chrono::milliseconds(200);
  auto connection =
      RedisConnection::create(io, {"127.0.0.1", proxy.port()}, "test-black-hole", {}, options);
  connection->start();
  std::vector<Burst> during;
  bool recovered = false;
  std::size_t inflight_after = 1;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await until_connected(*connection);
        auto before = co_await burst(*connection, 10, std::chrono::milliseconds(500));
        EXPECT_EQ(before.replied, 10);
        if (swallow_after_bytes) {
          proxy.swallow_after(10);  // the next command is cut in its middle
        } else {
          proxy.black_hole();
        }
        // Far more commands than the bound, in waves, the way requests keep coming.
        for (int wave = 0; wave < 20; ++wave)
          during.push_back(co_await burst(*connection, 200, std::chrono::milliseconds(60)));
        proxy.restore();
        asio::steady_timer wait(io);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!recovered && std::chrono::steady_clock::now() < deadline) {
          recovered = (co_await burst(*connection, 1, std::chrono::milliseconds(200))).replied == 1;
          wait.expires_after(std::chrono::milliseconds(20));
          co_await wait.async_wait(asio::use_awaitable);
        }
        inflight_after = connection->inflight();
        connection->stop();
      },
      asio::detached);
  io.run();
  ASSERT_EQ(during.size(), 20u);
  for (std::size_t wave = 0; wave < during.size(); ++wave) {
    EXPECT_EQ(during[wave].replied, 0) << "wave " << wave;
    EXPECT_LE(during[wave].most_inflight, options.max_inflight) << "wave " << wave;
    // The deadline plus the 25 ms expiry tick, with room for a loaded machine; the same in the
    // last wave as in the first: nothing queues behind the stalled commands.
    EXPECT_LT(during[wave].slowest, std::chrono::milliseconds(400)) << "wave " << wave;
  }
  EXPECT_GE(connection->resets(), 1u) << "the stalled connection was never dropped";
  EXPECT_TRUE(recovered) << "no reply within 10 s of the proxy mending";
  EXPECT_EQ(inflight_after, 0u);
}

// Write access to Redis needs its ACL user's password: with it, commands go through; with a
// wrong one, the connection never counts as connected and every command fails at once.
TEST(RedisConnectionTest, AuthenticatesAsItsAclUserAndRefusesAWrongPassword) {
  for (const bool right : {true, false}) {
    asio::io_context io;
    RedisOptions options;
    options.user = TestServers::get().redis_user;
    options.password = right ? TestServers::get().redis_password : "not-the-password";
    auto connection = RedisConnection::create(io, endpoint(), "test-auth", {}, options);
    connection->start();
    std::optional<RedisReply> whoami;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          co_await until_connected(*connection);
          std::vector<std::string> args{"ACL", "WHOAMI"};
          whoami = co_await connection->command(std::move(args));
          connection->stop();
        },
        asio::detached);
    io.run();
    if (right) {
      ASSERT_TRUE(whoami.has_value());
      EXPECT_EQ(whoami->str, TestServers::get().redis_user);
    } else {
      EXPECT_FALSE(whoami.has_value()) << "a wrong password must not get a connection";
    }
  }
}

TEST(RedisConnectionTest, BlackHoledRedisNeitherPilesUpNorSlowsCommandsAndRecovers) {
  black_hole_test(false);
}

TEST(RedisConnectionTest, RedisThatSwallowsACommandMidwayIsDroppedAndRecovers) {
  black_hole_test(true);
}

}  // namespace
}  // namespace canopy::cache
