// hiredis + Asio. Every hiredis call and hook runs on strand_; hooks only flip flags and arm
// waits, and waits call back into hiredis, which is how hiredis's own adapters work.
#include "cache/redis_connection.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include <random>

namespace canopy::cache {
namespace {

RedisReply convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::string;
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::status;
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::error;
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::array;
      break;
    default:
      out.type = RedisReply::Type::nil;
      break;
  }
  if (r->str != nullptr) out.str.assign(r->str, r->len);
  out.integer = r->integer;
  for (std::size_t i = 0; i < r->elements; ++i)
    out.elements.push_back(convert(r->element[i]));
  return out;
}

void enable_keepalive(int fd, int idle_seconds) {
  const int on = 1;
  const int idle = std::max(idle_seconds, 1);
  const int interval = std::max(idle / 3, 1);
  const int probes = 3;
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof probes);
}

RedisConnection* self_of(const redisAsyncContext* ac) {
  return static_cast<RedisConnection*>(ac->data);
}

}  // namespace

// A command sent and not answered yet. Replies come in the order of the commands, so the
// connection keeps them in a queue; one that outlives its deadline is answered with nullopt
// by expire() and leaves the queue, but stays allocated (hiredis holds it) until its late reply
// comes or the connection is dropped. `owner` counts it until then.
struct RedisConnection::Pending {
  std::function<void(Reply)> done;
  std::chrono::steady_clock::time_point deadline;
  RedisConnection* owner = nullptr;
  bool finished = false;
};

std::shared_ptr<RedisConnection> RedisConnection::create(asio::io_context& io,
                                                         RedisEndpoint endpoint, std::string name,
                                                         Events events, RedisOptions options) {
  return std::shared_ptr<RedisConnection>(new RedisConnection(
      io, std::move(endpoint), std::move(name), std::move(events), std::move(options)));
}

RedisConnection::RedisConnection(asio::io_context& io, RedisEndpoint endpoint, std::string name,
                                 Events events, RedisOptions options)
    : io_(io),
      strand_(asio::make_strand(io)),
      endpoint_(std::move(endpoint)),
      name_(std::move(name)),
      events_(std::move(events)),
      options_(std::move(options)),
      reconnect_timer_(strand_),
      connect_timer_(strand_),
      jitter_state_(std::random_device{}()),
      expiry_timer_(strand_),
      backoff_(options_.backoff_min) {}

RedisConnection::~RedisConnection() {
  if (ac_ != nullptr) {
    ac_->data = nullptr;
    redisAsyncFree(ac_);
  }
}

void RedisConnection::start() {
  asio::dispatch(strand_, [self = shared_from_this()] { self->connect(); });
}

void RedisConnection::stop() {
  asio::dispatch(strand_, [self = shared_from_this()] {
    self->stopping_ = true;
    self->reconnect_timer_.cancel();
    self->connect_timer_.cancel();
    self->expiry_timer_.cancel();
    // Freed rather than disconnected: a graceful disconnect waits for replies a stalled Redis
    // never sends.
    if (self->ac_ != nullptr) self->drop("");
  });
}

void RedisConnection::reset(std::string_view why) {
  // Posted, never run inline: a caller inside a hiredis callback must not free its context.
  asio::post(strand_, [self = shared_from_this(), why = std::string(why)] {
    if (self->ac_ != nullptr) {
      self->resets_.fetch_add(1);
      self->drop(why);
    }
  });
}

// Frees the context now: hiredis answers every command it still owes with a null reply (so
// nothing stays allocated) and closes the socket. The disconnect is accounted here, not in
// on_disconnect, which no longer sees this connection.
void RedisConnection::drop(std::string_view why) {
  redisAsyncContext* ac = ac_;
  if (ac == nullptr) return;
  if (!why.empty()) spdlog::warn("redis {}: {}; dropping the connection", name_, why);
  ac->data = nullptr;
  ac_ = nullptr;
  inflight_.clear();  // the Pending objects are hiredis's; it calls them back null
  connect_timer_.cancel();
  const bool was_connected = connected_.exchange(false);
  redisAsyncFree(ac);  // deferred by hiredis to the end of the callback when inside one
  if (was_connected && events_.disconnected) events_.disconnected();
  schedule_reconnect();
}

void RedisConnection::connect() {
  if (stopping_ || ac_ != nullptr) return;
  redisAsyncContext* ac = redisAsyncConnect(endpoint_.host.c_str(), endpoint_.port);
  if (ac == nullptr || ac->err) {
    if (ac != nullptr) redisAsyncFree(ac);
    schedule_reconnect();
    return;
  }
  // A peer that vanishes without a FIN (a dead host, a dropped NAT entry) is noticed by the
  // kernel within about twice the idle time instead of hours.
  enable_keepalive(ac->c.fd, options_.keepalive_seconds);
  ac_ = ac;
  ac->data = this;
  ac->ev.data = this;
  ac->ev.addRead = &RedisConnection::ev_add_read;
  ac->ev.delRead = &RedisConnection::ev_del_read;
  ac->ev.addWrite = &RedisConnection::ev_add_write;
  ac->ev.delWrite = &RedisConnection::ev_del_write;
  ac->ev.cleanup = &RedisConnection::ev_cleanup;
  socket_.emplace(strand_, ac->c.fd);
  redisAsyncSetConnectCallback(ac, &RedisConnection::on_connect);
  redisAsyncSetDisconnectCallback(ac, &RedisConnection::on_disconnect);
  // A connect or AUTH that a black hole swallows must not leave the connection half-open.
  connect_timer_.expires_after(std::max(options_.backoff_max, std::chrono::milliseconds(2000)));
  connect_timer_.async_wait([self = shared_from_this(), ac](boost::system::error_code ec) {
    if (!ec && self->ac_ == ac && !self->connected_) self->drop("connect or AUTH timed out");
  });
  // hiredis learns that a non-blocking connect finished from the first writable event.
  ev_add_write(this);
}

std::chrono::milliseconds RedisConnection::next_backoff() {
  // Up to half of the delay is random, so replicas that lost Redis together do not all come
  // back in the same millisecond.
  jitter_state_ = jitter_state_ * 6364136223846793005ULL + 1442695040888963407ULL;
  const auto base = backoff_;
  const auto half = std::max<std::int64_t>(base.count() / 2, 1);
  const auto delay = std::chrono::milliseconds(
      base.count() - half +
      static_cast<std::int64_t>((jitter_state_ >> 33) % static_cast<std::uint64_t>(half + 1)));
  backoff_ = std::min(backoff_ * 2, options_.backoff_max);
  return delay;
}

void RedisConnection::schedule_reconnect() {
  if (stopping_) return;
  reconnect_timer_.expires_after(next_backoff());
  reconnect_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->connect();
  });
}

void RedisConnection::on_connect(const redisAsyncContext* ac, int status) {
  RedisConnection* self = self_of(ac);
  if (self == nullptr) return;
  if (status != REDIS_OK) {
    // hiredis frees the context after this callback.
    self->ac_ = nullptr;
    self->connect_timer_.cancel();
    self->schedule_reconnect();
    return;
  }
  if (self->options_.password.empty()) {
    self->on_ready();
    return;
  }
  // AUTH goes first: hiredis sends commands in order, and nothing else is sent before it
  // succeeds (connected_ is still false, so send() fails at once).
  std::vector<const char*> argv{"AUTH"};
  std::vector<std::size_t> lens{4};
  if (!self->options_.user.empty()) {
    argv.push_back(self->options_.user.c_str());
    lens.push_back(self->options_.user.size());
  }
  argv.push_back(self->options_.password.c_str());
  lens.push_back(self->options_.password.size());
  redisAsyncCommandArgv(self->ac_, &RedisConnection::on_auth, self, static_cast<int>(argv.size()),
                        argv.data(), lens.data());
}

void RedisConnection::on_auth(redisAsyncContext* ac, void* reply, void*) {
  RedisConnection* self = self_of(ac);
  if (self == nullptr || reply == nullptr) return;
  const auto* r = static_cast<redisReply*>(reply);
  if (r->type == REDIS_REPLY_ERROR) {
    // Never the password; Redis's own words say which (WRONGPASS, NOPERM ...).
    self->drop("AUTH refused: " + std::string(r->str != nullptr ? r->str : "", r->len));
    return;
  }
  self->on_ready();
}

void RedisConnection::on_ready() {
  connect_timer_.cancel();
  // The backoff starts again from the bottom only once the connection has proved itself: a
  // reply (on_reply) or a confirmed subscription; a black hole accepts connections too.
  connected_ = true;
  ++connects_;
  spdlog::info("redis {}: connected to {}:{}", name_, endpoint_.host, endpoint_.port);
  if (channel_) send_subscribe();
  if (events_.connected) events_.connected();
}

void RedisConnection::on_disconnect(const redisAsyncContext* ac, int status) {
  RedisConnection* self = self_of(ac);
  if (self == nullptr) return;
  self->ac_ = nullptr;      // hiredis frees the context after this callback
  self->inflight_.clear();  // hiredis calls each back null
  self->connect_timer_.cancel();
  const bool was_connected = self->connected_.exchange(false);
  if (status != REDIS_OK && was_connected) {
    spdlog::warn("redis {}: connection lost; reconnecting", self->name_);
  }
  if (self->events_.disconnected) self->events_.disconnected();
  self->schedule_reconnect();
}

void RedisConnection::send(std::vector<std::string> args, std::function<void(Reply)> done,
                           std::chrono::milliseconds timeout) {
  asio::dispatch(strand_, [self = shared_from_this(), args = std::move(args),
                           done = std::move(done), timeout]() mutable {
    // Over the bound, Redis is not keeping up (or not answering): failing at once keeps the
    // request's latency and this process's memory flat instead of queueing behind it.
    if (self->ac_ == nullptr || !self->connected_ ||
        self->inflight_count_.load() >= self->options_.max_inflight) {
      done(std::nullopt);
      return;
    }
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    auto* pending =
        new Pending{std::move(done), std::chrono::steady_clock::now() + timeout, self.get()};
    if (redisAsyncCommandArgv(self->ac_, &RedisConnection::on_reply, pending,
                              static_cast<int>(argv.size()), argv.data(),
                              lens.data()) != REDIS_OK) {
      auto callback = std::move(pending->done);
      delete pending;
      callback(std::nullopt);
      return;
    }
    self->inflight_.push_back(pending);
    self->inflight_count_.fetch_add(1);
    self->arm_expiry();
  });
}

void RedisConnection::arm_expiry() {
  if (expiry_armed_ || inflight_.empty()) return;
  expiry_armed_ = true;
  expiry_timer_.expires_after(kExpiryTick);
  expiry_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    self->expiry_armed_ = false;
    if (ec) return;
    self->expire();
    self->arm_expiry();
  });
}

void RedisConnection::expire() {
  const auto now = std::chrono::steady_clock::now();
  std::vector<Pending*> expired;
  std::erase_if(inflight_, [&](Pending* p) {
    if (now < p->deadline) return false;
    p->finished = true;
    expired.push_back(p);
    return true;
  });
  if (expired.empty()) return;
  timeouts_in_a_row_ += static_cast<int>(expired.size());
  // Answered before the drop below, which would otherwise answer them too (null reply).
  for (Pending* p : expired)
    std::move(p->done)(std::nullopt);
  if (timeouts_in_a_row_ >= options_.timeouts_before_reset && ac_ != nullptr) {
    resets_.fetch_add(1);
    drop(std::to_string(timeouts_in_a_row_) + " commands in a row got no reply in time");
  }
}

void RedisConnection::on_reply(redisAsyncContext* ac, void* reply, void* privdata) {
  std::unique_ptr<Pending> pending(static_cast<Pending*>(privdata));
  pending->owner->inflight_count_.fetch_sub(1);
  if (RedisConnection* self = self_of(ac)) {
    auto& inflight = self->inflight_;
    if (!inflight.empty() && inflight.front() == pending.get()) {
      inflight.pop_front();
    } else if (!pending->finished) {
      std::erase(inflight, pending.get());
    }
    if (reply != nullptr) {
      // Redis answers: the connection works, whatever happened before.
      self->timeouts_in_a_row_ = 0;
      self->backoff_ = self->options_.backoff_min;
    }
  }
  if (pending->finished) return;  // answered with nullopt at its deadline already
  if (reply == nullptr) {
    pending->done(std::nullopt);
  } else {
    pending->done(convert(static_cast<redisReply*>(reply)));
  }
}

asio::awaitable<RedisConnection::Reply> RedisConnection::command(
    std::vector<std::string> args, std::chrono::milliseconds timeout) {
  auto caller = co_await asio::this_coro::executor;
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(Reply)>(
      [&](auto handler) {
        // Shared because std::function needs a copyable target and the handler is not.
        auto complete = std::make_shared<decltype(handler)>(std::move(handler));
        send(
            std::move(args),
            [complete, caller](Reply r) {
              asio::post(caller, [complete, r = std::move(r)]() mutable {
                std::move (*complete)(std::move(r));
              });
            },
            timeout);
      },
      asio::use_awaitable);
}

void RedisConnection::subscribe(std::string channel) {
  asio::dispatch(strand_, [self = shared_from_this(), channel = std::move(channel)]() mutable {
    self->channel_ = std::move(channel);
    if (self->connected_) self->send_subscribe();
  });
}

void RedisConnection::send_subscribe() {
  const char* argv[] = {"SUBSCRIBE", channel_->c_str()};
  const std::size_t lens[] = {9, channel_->size()};
  redisAsyncCommandArgv(ac_, &RedisConnection::on_subscription, this, 2, argv, lens);
}

void RedisConnection::on_subscription(redisAsyncContext*, void* reply, void* privdata) {
  auto* self = static_cast<RedisConnection*>(privdata);
  const auto* r = static_cast<redisReply*>(reply);
  if (r == nullptr || r->type != REDIS_REPLY_ARRAY || r->elements < 3) return;
  const std::string_view kind(r->element[0]->str, r->element[0]->len);
  if (kind == "subscribe") {
    self->backoff_ = self->options_.backoff_min;
    if (self->events_.subscribed) self->events_.subscribed();
  } else if (kind == "message" && r->element[2]->str != nullptr) {
    if (self->events_.message)
      self->events_.message(std::string_view(r->element[2]->str, r->element[2]->len));
  }
}

void RedisConnection::arm_read() {
  if (read_armed_ || !socket_) return;
  read_armed_ = true;
  socket_->async_wait(asio::posix::stream_descriptor::wait_read,
                      [self = shared_from_this(), ac = ac_](boost::system::error_code ec) {
                        self->read_armed_ = false;
                        if (ec || self->ac_ != ac || ac == nullptr) return;
                        if (self->want_read_) redisAsyncHandleRead(ac);
                        if (self->ac_ == ac && self->want_read_) self->arm_read();
                      });
}

void RedisConnection::arm_write() {
  if (write_armed_ || !socket_) return;
  write_armed_ = true;
  socket_->async_wait(asio::posix::stream_descriptor::wait_write,
                      [self = shared_from_this(), ac = ac_](boost::system::error_code ec) {
                        self->write_armed_ = false;
                        if (ec || self->ac_ != ac || ac == nullptr) return;
                        if (self->want_write_) redisAsyncHandleWrite(ac);
                        if (self->ac_ == ac && self->want_write_) self->arm_write();
                      });
}

void RedisConnection::ev_add_read(void* p) {
  auto* self = static_cast<RedisConnection*>(p);
  self->want_read_ = true;
  self->arm_read();
}
void RedisConnection::ev_del_read(void* p) {
  static_cast<RedisConnection*>(p)->want_read_ = false;
}
void RedisConnection::ev_add_write(void* p) {
  auto* self = static_cast<RedisConnection*>(p);
  self->want_write_ = true;
  self->arm_write();
}
void RedisConnection::ev_del_write(void* p) {
  static_cast<RedisConnection*>(p)->want_write_ = false;
}

void RedisConnection::ev_cleanup(void* p) {
  auto* self = static_cast<RedisConnection*>(p);
  self->want_read_ = self->want_write_ = false;
  if (self->socket_) {
    self->socket_->release();  // hiredis closes the descriptor itself
    self->socket_.reset();
  }
}

}  // namespace canopy::cache
