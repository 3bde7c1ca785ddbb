// Replica coordination over one Redis channel: heartbeats, invalidations and acknowledgements.
#include "cache/shared_cache.hpp"

#include <charconv>
#include <random>

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

namespace canopy::cache {
namespace {

// Stores a level-2 entry unless Redis already holds a newer revision. Entries expire, so one
// that somehow outlived a change (Redis restored from a snapshot) cannot be served for long.
// KEYS[1] entry key; ARGV[1] encoded entry; ARGV[2] its revision; ARGV[3] time to live, ms.
constexpr const char* kRememberScript = R"lua(
local current = redis.call('GET', KEYS[1])
if current then
  local revision = tonumber(string.match(current, '^%S+ %S+ (%S+)$'))
  if revision and revision >= tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1
)lua";

// The same, then publishes the invalidation and returns the replicas alive at that instant.
// KEYS[1] entry key, KEYS[2] replica set, KEYS[3] channel; ARGV[1] entry, ARGV[2] revision,
// ARGV[3] message, ARGV[4] time to live of the entry, ms.
constexpr const char* kPublishScript = R"lua(
local current = redis.call('GET', KEYS[1])
local newer = true
if current then
  local revision = tonumber(string.match(current, '^%S+ %S+ (%S+)$'))
  if revision and revision >= tonumber(ARGV[2]) then newer = false end
end
if newer then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4]) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('PUBLISH', KEYS[3], ARGV[3])
return redis.call('ZRANGE', KEYS[2], 0, -1)
)lua";

// Registers the replica until now + lease (Redis's clock) and publishes its heartbeat.
// KEYS[1] replica set, KEYS[2] channel; ARGV[1] replica id, ARGV[2] lease ms, ARGV[3] message.
constexpr const char* kHeartbeatScript = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PUBLISH', KEYS[2], ARGV[3])
return now
)lua";

std::string random_id() {
  std::random_device rd;
  std::mt19937_64 rng(rd());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(12, '0');
  for (auto& c : id)
    c = kHex[rng() & 15];
  return id;
}

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    const auto space = s.find(' ');
    out.push_back(s.substr(0, space));
    if (space == std::string_view::npos) break;
    s.remove_prefix(space + 1);
  }
  return out;
}

template <class T>
bool parse_number(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::int64_t ticks(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string encode_entry(const Entry& e) {
  return std::to_string(static_cast<int>(e.presence)) + " " +
         std::to_string(e.permission_set_version) + " " + std::to_string(e.revision);
}

std::optional<Entry> decode_entry(std::string_view text) {
  const auto parts = split(text);
  int presence = 0;
  Entry e;
  if (parts.size() != 3 || !parse_number(parts[0], presence) || presence < 0 ||
      presence > static_cast<int>(Presence::rejected) ||
      !parse_number(parts[1], e.permission_set_version) || !parse_number(parts[2], e.revision)) {
    return std::nullopt;
  }
  e.presence = static_cast<Presence>(presence);
  return e;
}

// One published invalidation waiting for acknowledgements. Acks may arrive before Redis has
// answered with the list of live replicas, so they are collected until the list is known.
struct SharedCache::Waiter {
  bool live_known = false;
  std::set<std::string> acked;    // before live_known
  std::set<std::string> pending;  // after live_known
  std::shared_ptr<asio::steady_timer> timer;
};

SharedCache::SharedCache(asio::io_context& io, SharedCacheConfig config)
    : io_(io),
      config_(std::move(config)),
      id_(random_id()),
      channel_(config_.prefix + ":events"),
      replicas_key_(config_.prefix + ":replicas") {
  commands_ = RedisConnection::create(io_, config_.redis, "commands", {});
  RedisConnection::Events events;
  events.subscribed = [this] { on_subscribed(); };
  events.disconnected = [this] { on_lost(); };
  events.message = [this](std::string_view m) { on_message(m); };
  events_ = RedisConnection::create(io_, config_.redis, "events", std::move(events));
}

SharedCache::~SharedCache() {
  stop();
}

void SharedCache::start() {
  commands_->start();
  events_->start();
  events_->subscribe(channel_);
  asio::co_spawn(io_, heartbeat_loop(), asio::detached);
}

void SharedCache::stop() {
  if (stopping_.exchange(true)) return;
  commands_->stop();
  events_->stop();
}

bool SharedCache::fresh() const {
  return ticks(Clock::now()) < fresh_until_.load(std::memory_order_acquire);
}

std::optional<Entry> SharedCache::get(std::string_view school, std::string_view app) const {
  if (!fresh()) return std::nullopt;
  return local_.get(school, app);
}

void SharedCache::put(std::string_view school, std::string_view app, const Entry& entry) {
  local_.put(school, app, entry);
}

void SharedCache::clear() {
  local_.clear();
}

std::string SharedCache::key(std::string_view school, std::string_view app) const {
  return config_.prefix + ":conn:" + std::string(school) + ":" + std::string(app);
}

void SharedCache::warn_degraded(std::string_view what) {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  if (now - last_warning_ < std::chrono::seconds(10)) return;
  last_warning_ = now;
  spdlog::warn("redis unavailable: {}; decisions come from the store until it returns", what);
}

asio::awaitable<std::optional<Entry>> SharedCache::fetch(std::string school, std::string app) {
  std::vector<std::string> args{"GET", key(school, app)};
  auto reply = co_await commands_->command(std::move(args));
  if (!reply || reply->type == RedisReply::Type::error) {
    warn_degraded("level-2 lookup failed");
    co_return std::nullopt;
  }
  if (reply->type != RedisReply::Type::string) co_return std::nullopt;
  co_return decode_entry(reply->str);
}

asio::awaitable<void> SharedCache::remember(std::string school, std::string app, Entry entry) {
  std::vector<std::string> args{"EVAL",
                                kRememberScript,
                                "1",
                                key(school, app),
                                encode_entry(entry),
                                std::to_string(entry.revision),
                                std::to_string(config_.level2_ttl.count())};
  auto reply = co_await commands_->command(std::move(args));
  if (!reply || reply->type == RedisReply::Type::error) warn_degraded("level-2 write failed");
}

asio::awaitable<void> SharedCache::publish(std::string school, std::string app, Entry entry) {
  local_.put(school, app, entry);
  const auto started = Clock::now();
  std::uint64_t seq = 0;
  {
    std::lock_guard lock(mutex_);
    seq = next_seq_++;
  }
  const std::string message = "inv " + id_ + " " + std::to_string(seq) + " " + school + " " + app +
                              " " + encode_entry(entry);
  if (!config_.invalidation_enabled) {
    co_await remember(school, app, entry);
    co_return;
  }
  // Only a change that takes an allow away must reach every replica before it is acknowledged.
  const bool must_wait = entry.presence != Presence::approved;
  auto waiter = std::make_shared<Waiter>();
  waiter->timer = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor);
  waiter->timer->expires_at(started + config_.lease + config_.margin);
  if (must_wait) {
    std::lock_guard lock(mutex_);
    waiters_[seq] = waiter;
  }
  auto reply = co_await commands_->command(publish_args(school, app, entry, message));
  if (!reply || reply->type != RedisReply::Type::array) {
    // Not published: keep it, and publish it as soon as Redis answers again (heartbeat_loop),
    // so a Redis that kept its data cannot go on serving the state before this change.
    std::lock_guard lock(mutex_);
    auto& slot = unpublished_[school + " " + app];
    if (slot.message.empty() || slot.entry.revision <= entry.revision)
      slot = {school, app, entry, message};
  }
  if (!must_wait) co_return;
  bool done = false;
  {
    std::lock_guard lock(mutex_);
    if (!reply || reply->type != RedisReply::Type::array) {
      // Redis could not be told: wait out the lease, after which no replica is still fresh.
      waiter->live_known = true;
      waiter->pending.insert("<unreachable>");
    } else {
      for (const auto& r : reply->elements) {
        if (r.str != id_ && !waiter->acked.contains(r.str)) waiter->pending.insert(r.str);
      }
      waiter->live_known = true;
      done = waiter->pending.empty();
    }
    if (done) waiters_.erase(seq);
  }
  if (!reply || reply->type != RedisReply::Type::array) warn_degraded("invalidation not published");
  if (done) co_return;
  boost::system::error_code ec;
  co_await waiter->timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  std::lock_guard lock(mutex_);
  waiters_.erase(seq);
}

std::vector<std::string> SharedCache::publish_args(const std::string& school,
                                                   const std::string& app, const Entry& entry,
                                                   const std::string& message) const {
  return {"EVAL",
          kPublishScript,
          "3",
          key(school, app),
          replicas_key_,
          channel_,
          encode_entry(entry),
          std::to_string(entry.revision),
          message,
          std::to_string(config_.level2_ttl.count())};
}

asio::awaitable<void> SharedCache::flush_unpublished() {
  std::vector<Unpublished> todo;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [k, u] : unpublished_)
      todo.push_back(u);
  }
  for (const auto& u : todo) {
    auto reply = co_await commands_->command(publish_args(u.school, u.app, u.entry, u.message));
    if (!reply || reply->type != RedisReply::Type::array) co_return;
    std::lock_guard lock(mutex_);
    auto it = unpublished_.find(u.school + " " + u.app);
    if (it != unpublished_.end() && it->second.entry.revision == u.entry.revision)
      unpublished_.erase(it);
  }
  if (!todo.empty())
    spdlog::info("redis: published {} change(s) made while it was unreachable", todo.size());
}

asio::awaitable<void> SharedCache::heartbeat_loop() {
  asio::steady_timer timer(io_);
  while (!stopping_) {
    std::uint64_t nonce = 0;
    {
      std::lock_guard lock(mutex_);
      nonce = next_nonce_++;
      heartbeats_sent_[nonce] = Clock::now();
      while (heartbeats_sent_.size() > 64)
        heartbeats_sent_.erase(heartbeats_sent_.begin());
    }
    std::vector<std::string> args{"EVAL",
                                  kHeartbeatScript,
                                  "2",
                                  replicas_key_,
                                  channel_,
                                  id_,
                                  std::to_string(config_.lease.count()),
                                  "hb " + id_ + " " + std::to_string(nonce)};
    auto beat = co_await commands_->command(std::move(args));
    if (beat && beat->type != RedisReply::Type::error) co_await flush_unpublished();
    timer.expires_after(config_.heartbeat);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

void SharedCache::on_subscribed() {
  // Whatever was published while unsubscribed was lost: start level 1 afresh.
  fresh_until_.store(0, std::memory_order_release);
  local_.clear();
}

void SharedCache::on_lost() {
  fresh_until_.store(0, std::memory_order_release);
}

void SharedCache::on_message(std::string_view message) {
  const auto parts = split(message);
  if (parts.empty()) return;
  if (parts[0] == "hb" && parts.size() == 3 && parts[1] == id_) {
    std::uint64_t nonce = 0;
    if (!parse_number(parts[2], nonce)) return;
    Clock::time_point sent;
    {
      std::lock_guard lock(mutex_);
      auto it = heartbeats_sent_.find(nonce);
      if (it == heartbeats_sent_.end()) return;
      sent = it->second;
    }
    const auto now = ticks(Clock::now());
    const auto until = ticks(sent + config_.lease - config_.margin);
    auto current = fresh_until_.load(std::memory_order_acquire);
    if (current <= now) local_.clear();  // lapsed: invalidations may have been missed
    while (until > current &&
           !fresh_until_.compare_exchange_weak(current, until, std::memory_order_acq_rel)) {
    }
  } else if (parts[0] == "inv" && parts.size() == 8) {
    if (!config_.invalidation_enabled) return;
    const auto entry = decode_entry(std::string(parts[5]) + " " + std::string(parts[6]) + " " +
                                    std::string(parts[7]));
    if (!entry) return;
    local_.put(parts[3], parts[4], *entry);
    if (parts[1] != id_) {
      commands_->send({"PUBLISH", channel_,
                       "ack " + std::string(parts[1]) + " " + std::string(parts[2]) + " " + id_},
                      [](RedisConnection::Reply) {});
    }
  } else if (parts[0] == "ack" && parts.size() == 4 && parts[1] == id_) {
    std::uint64_t seq = 0;
    if (!parse_number(parts[2], seq)) return;
    std::lock_guard lock(mutex_);
    auto it = waiters_.find(seq);
    if (it == waiters_.end()) return;
    Waiter& w = *it->second;
    if (!w.live_known) {
      w.acked.insert(std::string(parts[3]));
    } else if (w.pending.erase(std::string(parts[3])) > 0 && w.pending.empty()) {
      auto timer = w.timer;
      asio::post(timer->get_executor(), [timer] { timer->cancel(); });
    }
  }
}

}  // namespace canopy::cache
