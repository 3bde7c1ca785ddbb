// hiredis + Asio. Every hiredis call and hook runs on strand_; hooks only flip flags and arm
// waits, and waits call back into hiredis, which is how hiredis's own adapters work.
#include "cache/redis_connection.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

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

RedisConnection* self_of(const redisAsyncContext* ac) {
  return static_cast<RedisConnection*>(ac->data);
}

}  // namespace

// A command sent and not answered yet. Replies come in the order of the commands, so the
// connection keeps them in a queue; one that outlives its deadline is answered with nullopt
// by expire() and its late reply is dropped.
struct RedisConnection::Pending {
  std::function<void(Reply)> done;
  std::chrono::steady_clock::time_point deadline;
  bool finished = false;
};

std::shared_ptr<RedisConnection> RedisConnection::create(asio::io_context& io,
                                                         RedisEndpoint endpoint, std::string name,
                                                         Events events) {
  return std::shared_ptr<RedisConnection>(
      new RedisConnection(io, std::move(endpoint), std::move(name), std::move(events)));
}

RedisConnection::RedisConnection(asio::io_context& io, RedisEndpoint endpoint, std::string name,
                                 Events events)
    : io_(io),
      strand_(asio::make_strand(io)),
      endpoint_(std::move(endpoint)),
      name_(std::move(name)),
      events_(std::move(events)),
      reconnect_timer_(strand_),
      expiry_timer_(strand_) {}

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
    self->expiry_timer_.cancel();
    if (self->ac_ != nullptr) redisAsyncDisconnect(self->ac_);
  });
}

void RedisConnection::connect() {
  if (stopping_ || ac_ != nullptr) return;
  redisAsyncContext* ac = redisAsyncConnect(endpoint_.host.c_str(), endpoint_.port);
  if (ac == nullptr || ac->err) {
    if (ac != nullptr) redisAsyncFree(ac);
    schedule_reconnect();
    return;
  }
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
  // hiredis learns that a non-blocking connect finished from the first writable event.
  ev_add_write(this);
}

void RedisConnection::schedule_reconnect() {
  if (stopping_) return;
  reconnect_timer_.expires_after(backoff_);
  backoff_ = std::min(backoff_ * 2, std::chrono::milliseconds(5000));
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
    self->schedule_reconnect();
    return;
  }
  // A subscriber is healthy only once Redis confirms the subscription (it may refuse it, e.g.
  // by ACL, and drop the connection): only then does the backoff start again from the bottom.
  if (!self->channel_) self->backoff_ = std::chrono::milliseconds(100);
  self->connected_ = true;
  spdlog::info("redis {}: connected to {}:{}", self->name_, self->endpoint_.host,
               self->endpoint_.port);
  if (self->channel_) self->send_subscribe();
  if (self->events_.connected) self->events_.connected();
}

void RedisConnection::on_disconnect(const redisAsyncContext* ac, int status) {
  RedisConnection* self = self_of(ac);
  if (self == nullptr) return;
  self->ac_ = nullptr;  // hiredis frees the context after this callback
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
    if (self->ac_ == nullptr || !self->connected_) {
      done(std::nullopt);
      return;
    }
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    auto* pending = new Pending{std::move(done), std::chrono::steady_clock::now() + timeout};
    if (redisAsyncCommandArgv(self->ac_, &RedisConnection::on_reply, pending,
                              static_cast<int>(argv.size()), argv.data(),
                              lens.data()) != REDIS_OK) {
      auto callback = std::move(pending->done);
      delete pending;
      callback(std::nullopt);
      return;
    }
    self->inflight_.push_back(pending);
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
  for (Pending* p : inflight_) {
    if (!p->finished && now >= p->deadline) {
      p->finished = true;
      std::move(p->done)(std::nullopt);
    }
  }
}

void RedisConnection::on_reply(redisAsyncContext* ac, void* reply, void* privdata) {
  std::unique_ptr<Pending> pending(static_cast<Pending*>(privdata));
  if (RedisConnection* self = self_of(ac)) {
    auto& inflight = self->inflight_;
    if (!inflight.empty() && inflight.front() == pending.get()) {
      inflight.pop_front();
    } else {
      std::erase(inflight, pending.get());
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
    self->backoff_ = std::chrono::milliseconds(100);
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
