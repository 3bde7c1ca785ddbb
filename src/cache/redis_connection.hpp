// One hiredis asynchronous connection driven by Asio: hiredis's event hooks arm
// stream_descriptor waits on a strand, so no Redis call ever blocks an io thread. The
// connection reconnects with backoff until stopped, and re-subscribes after each reconnect.
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
                                                 std::string name, Events events);
  ~RedisConnection();

  // Connects now and keeps reconnecting (100 ms doubling to 5 s) until stop().
  void start();
  void stop();
  bool connected() const { return connected_.load(); }
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
  RedisConnection(asio::io_context& io, RedisEndpoint endpoint, std::string name, Events events);
  void connect();
  void schedule_reconnect();
  void send_subscribe();
  void arm_read();
  void arm_write();
  void arm_expiry();
  void expire();

  static void on_connect(const redisAsyncContext* ac, int status);
  static void on_disconnect(const redisAsyncContext* ac, int status);
  static void on_reply(redisAsyncContext* ac, void* reply, void* privdata);
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
  asio::steady_timer reconnect_timer_;
  struct Pending;
  std::deque<Pending*> inflight_;  // sent, in order; owned by hiredis's callbacks
  asio::steady_timer expiry_timer_;
  bool expiry_armed_ = false;
  std::chrono::milliseconds backoff_{100};
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
