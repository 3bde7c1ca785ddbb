// One hiredis asynchronous connection driven by Asio: hiredis's event hooks arm
// stream_descriptor waits on a strand, so no Redis call ever blocks an io thread. The
// connection reconnects with backoff until stopped, and re-subscribes after each reconnect.
// A Redis that stops answering (a black hole) cannot make commands pile up: what waits for a
// reply is bounded, and a few timeouts in a row drop the connection and build a new one.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/strand.hpp>

#include "http/asio.hpp"

struct redisAsyncContext;

namespace canopy::cache {

struct RedisReply {
  enum class Type { nil, string, integer, array, status, error };
  Type type = Type::nil;
  std::string str;
  long long integer = 0;
  std::vector<RedisReply> elements;
};

struct RedisEndpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
};

// How a connection defends itself against a Redis that accepts and never answers, and how it
// authenticates. Defaults suit a LAN Redis answering in well under a millisecond.
struct RedisOptions {
  // Timeouts in a row (no reply in between) after which the connection is dropped and rebuilt:
  // hiredis keeps every command it sent until its reply comes, so a stalled connection must go.
  int timeouts_before_reset = 3;
  // Commands waiting for a reply (timed out or not) at most; more fail at once as unavailable.
  std::size_t max_inflight = 4096;
  std::chrono::milliseconds backoff_min{100};   // first reconnect delay, doubling ...
  std::chrono::milliseconds backoff_max{5000};  // ... up to this, each with up to 50% jitter
  int keepalive_seconds = 15;  // TCP keepalive idle time (probes every third of it, 3 probes)
  std::string user;            // Redis ACL user; empty: AUTH with the password alone
  std::string password;        // empty: no AUTH
};

class RedisConnection : public std::enable_shared_from_this<RedisConnection> {
 public:
  using Strand = asio::strand<asio::io_context::executor_type>;
  using Reply = std::optional<RedisReply>;  // nullopt: not connected, or the connection dropped

  struct Events {
    std::function<void()> connected;                // on the strand, after each (re)connect
    std::function<void()> disconnected;             // on the strand, after each loss
    std::function<void()> subscribed;               // on the strand, when SUBSCRIBE is confirmed
    std::function<void(std::string_view)> message;  // on the strand, per message on the channel
  };

  static std::shared_ptr<RedisConnection> create(asio::io_context& io, RedisEndpoint endpoint,
                                                 std::string name, Events events,
                                                 RedisOptions options = {});
  ~RedisConnection();

  // Connects now and keeps reconnecting (backoff_min doubling to backoff_max) until stop().
  void start();
  void stop();
  // Drops the connection now (every command waiting is answered nullopt) and reconnects after
  // the backoff: for a caller that knows the connection is stalled (a silent subscription).
  void reset(std::string_view why);
  // Connected and, with a password, authenticated.
  bool connected() const { return connected_.load(); }
  // Commands hiredis still owes a reply to, timed out ones included (tests, diagnostics).
  std::size_t inflight() const { return inflight_count_.load(); }
  // Connections dropped because they stalled (tests, diagnostics).
  std::uint64_t resets() const { return resets_.load(); }
  // Connections made (and authenticated) since start(): 1 and up once it has connected.
  std::uint64_t connects() const { return connects_.load(); }
  const Strand& strand() const { return strand_; }

  // Sends a command from any thread; `done` runs on the strand, with nullopt when the
  // connection is down or drops, or when no reply came within `timeout` (checked every
  // kExpiryTick: one timer per connection, none per command).
  void send(std::vector<std::string> args, std::function<void(Reply)> done,
            std::chrono::milliseconds timeout = std::chrono::milliseconds(500));
  static constexpr std::chrono::milliseconds kExpiryTick{25};
  // Sends a command and waits at most `timeout` for its reply (nullopt after that), so a
  // stalled Redis cannot hold a request: callers fall back as if Redis were down.
  asio::awaitable<Reply> command(std::vector<std::string> args, std::chrono::milliseconds timeout =
                                                                    std::chrono::milliseconds(500));
  // Subscribes to `channel` now and after every reconnect; messages go to Events::message.
  void subscribe(std::string channel);

 private:
  RedisConnection(asio::io_context& io, RedisEndpoint endpoint, std::string name, Events events,
                  RedisOptions options);
  void connect();
  void on_ready();
  void drop(std::string_view why);
  void schedule_reconnect();
  void send_subscribe();
  void arm_read();
  void arm_write();
  void arm_expiry();
  void expire();

  static void on_connect(const redisAsyncContext* ac, int status);
  static void on_disconnect(const redisAsyncContext* ac, int status);
  static void on_reply(redisAsyncContext* ac, void* reply, void* privdata);
  static void on_auth(redisAsyncContext* ac, void* reply, void* privdata);
  std::chrono::milliseconds next_backoff();
  static void on_subscription(redisAsyncContext* ac, void* reply, void* privdata);
  static void ev_add_read(void* self);
  static void ev_del_read(void* self);
  static void ev_add_write(void* self);
  static void ev_del_write(void* self);
  static void ev_cleanup(void* self);

  asio::io_context& io_;
  Strand strand_;
  RedisEndpoint endpoint_;
  std::string name_;
  Events events_;
  RedisOptions options_;
  asio::steady_timer reconnect_timer_;
  asio::steady_timer connect_timer_;  // a connect (and AUTH) that does not finish is dropped
  struct Pending;
  // Sent and neither answered nor timed out, in order; the objects are owned by hiredis's
  // callbacks (a timed-out one stays allocated until hiredis calls back or is freed, which
  // drop() makes happen).
  std::deque<Pending*> inflight_;
  std::atomic<std::size_t> inflight_count_{0};  // what hiredis owes: inflight_ + timed out
  int timeouts_in_a_row_ = 0;
  std::atomic<std::uint64_t> resets_{0};
  std::atomic<std::uint64_t> connects_{0};
  std::uint64_t jitter_state_;
  asio::steady_timer expiry_timer_;
  bool expiry_armed_ = false;
  std::chrono::milliseconds backoff_;
  redisAsyncContext* ac_ = nullptr;
  std::optional<asio::posix::stream_descriptor> socket_;
  bool want_read_ = false;
  bool want_write_ = false;
  bool read_armed_ = false;
  bool write_armed_ = false;
  bool stopping_ = false;
  std::optional<std::string> channel_;
  std::atomic<bool> connected_{false};
};

}  // namespace canopy::cache
