// RedisConnection against the test Redis: a subscription Redis refuses must not turn into a
// reconnect storm.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "cache/redis_connection.hpp"
#include "support/servers.hpp"

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

}  // namespace
}  // namespace canopy::cache
