// Replica coordination over one Redis channel: heartbeats, invalidations and acknowledgements.
#include "cache/shared_cache.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <random>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

namespace canopy::cache {
namespace {

// Level-2 values are entries, holds or floors (see Level2Record). An entry ends with its MAC,
// which Lua cannot check (Redis never has the key) and does not need to: a forged value can
// only make level 2 refuse writes, and replicas check the MAC before they trust an entry.
// `accepts` says whether an
// entry of revision `rev` may replace the value `cur`: an entry only over a lower revision, a
// hold only from above its revision (a hold at R outranks an entry at R), a floor from its
// revision up. Every value expires, so one that outlived a change (Redis restored from a
// snapshot) cannot be served for long.
constexpr const char* kAcceptsLua = R"lua(
local function accepts(cur, rev)
  if not cur then return true end
  local f, tokens = string.match(cur, '^h (%S+)(.*)$')
  if f then
    if tokens ~= '' then return rev > tonumber(f) end
    return rev >= tonumber(f)
  end
  local r = tonumber(string.match(cur, '^%d+ %d+ (%d+)'))
  return (not r) or rev > r
end
)lua";

// Stores a level-2 entry read from the store, unless the value there is newer or a hold. An
// entry at the same revision is rewritten: a revision names one state of the row, so only the
// tag can differ, and one that no replica can verify (an old key after a rotation, a forgery)
// would otherwise make the pair a miss until it next changes.
// KEYS[1] entry key; ARGV[1] encoded entry; ARGV[2] its revision; ARGV[3] time to live, ms.
constexpr const char* kRememberLua = R"lua(
local cur = redis.call('GET', KEYS[1])
local rev = tonumber(ARGV[2])
local same = cur and tonumber(string.match(cur, '^%d+ %d+ (%d+)')) == rev
if same or accepts(cur, rev) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
  return 1
end
return 0
)lua";

// After commits: the same for each pair, and only when the entry was taken, its invalidation
// (an entry that level 2 refuses is older than what replicas can already learn, so it is not
// announced). One message per pair, in the one-pair form every version reads, however many
// pairs one script carries. Returns how many were taken.
// KEYS[1] channel, KEYS[2..] entry keys; ARGV[1] time to live of the entries, ms; then per key
// ARGV[3k-1] entry, ARGV[3k] revision, ARGV[3k+1] message (k = 1 for KEYS[2]).
constexpr const char* kPublishLua = R"lua(
local taken = 0
for i = 2, #KEYS do
  local j = 3 * (i - 1) - 1
  if accepts(redis.call('GET', KEYS[i]), tonumber(ARGV[j + 1])) then
    redis.call('SET', KEYS[i], ARGV[j], 'PX', ARGV[1])
    redis.call('PUBLISH', KEYS[1], ARGV[j + 2])
    taken = taken + 1
  end
end
return taken
)lua";

// Before changes at revisions R: holds each pair at its R in level 2 (joining holds at R,
// replacing lower ones; moot, so left alone, when level 2 already has something newer than R:
// the store is past R and that change cannot commit). A batch takes one script per chunk of
// pairs, all with the batch's token; the last one also announces every pair of the batch in one
// message and returns the replicas alive at that instant (the others return an empty list).
// A batch of more than one pair first checks that every live replica reads batch messages (its
// id starts with kBatchReaderMark); if one does not (a replica of an older version, during a
// rolling upgrade), the script changes nothing and returns 'legacy'.
// KEYS[1] replica set, KEYS[2] channel, KEYS[3..] entry keys; ARGV[1] token, ARGV[2] time to
// live, ms, ARGV[3] the message ('' but in the last chunk), ARGV[4] 'batch' or '', ARGV[5..]
// each key's R.
constexpr const char* kHoldLua = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if ARGV[4] == 'batch' then
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')) do
    if string.sub(id, 1, 2) ~= 'b-' then return 'legacy' end
  end
end
local function hold(key, r, token, ttl)
  local cur = redis.call('GET', key)
  local rev = tonumber(r)
  local value = 'h ' .. r .. ' ' .. token
  if cur then
    local f = string.match(cur, '^h (%S+)')
    if f then
      if tonumber(f) == rev then value = cur .. ' ' .. token
      elseif tonumber(f) > rev then value = nil end
    else
      local v = tonumber(string.match(cur, '^%d+ %d+ (%d+)'))
      if v and v > rev then value = nil end
    end
  end
  if value then redis.call('SET', key, value, 'PX', ttl) end
end
for i = 3, #KEYS do hold(KEYS[i], ARGV[i + 2], ARGV[1], ARGV[2]) end
if ARGV[3] == '' then return {} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('PUBLISH', KEYS[2], ARGV[3])
return redis.call('ZRANGE', KEYS[1], 0, -1)
)lua";

// The changes did not happen: removes the token from each pair only when level 2 holds it at
// exactly its R. The value left with no token is a floor at R, so an entry read before the hold
// still cannot come back. Then announces the releases in one message. KEYS[1] channel,
// KEYS[2..] entry keys; ARGV[1] token, ARGV[2] message, ARGV[3] time to live, ms, ARGV[4..] each
// key's R.
constexpr const char* kReleaseLua = R"lua(
local function release(key, r, token, ttl)
  local cur = redis.call('GET', key)
  if cur then
    local f, tokens = string.match(cur, '^h (%S+)(.*)$')
    if f == r then
      local kept = 'h ' .. f
      for t in string.gmatch(tokens, '%S+') do
        if t ~= token then kept = kept .. ' ' .. t end
      end
      redis.call('SET', key, kept, 'PX', ttl)
    end
  end
end
for i = 2, #KEYS do release(KEYS[i], ARGV[i + 2], ARGV[1], ARGV[3]) end
redis.call('PUBLISH', KEYS[1], ARGV[2])
return 1
)lua";

const std::string kRememberScript = std::string(kAcceptsLua) + kRememberLua;
const std::string kPublishScript = std::string(kAcceptsLua) + kPublishLua;

// Registers the replica until now + lease (Redis's clock), publishes its heartbeat, and
// returns the replicas registered now.
// KEYS[1] replica set, KEYS[2] channel; ARGV[1] replica id, ARGV[2] lease ms, ARGV[3] message.
constexpr const char* kHeartbeatScript = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PUBLISH', KEYS[2], ARGV[3])
return redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')
)lua";

// Starts the id of every replica that reads batch messages ("hold TOKEN S A R S A R ..."): ids
// of older versions are 12 hex digits, so they never start with it.
constexpr std::string_view kBatchReaderMark = "b-";

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

Level2Record decode_record(std::string_view text) {
  Level2Record record;
  const auto parts = split(text);
  std::int64_t revision = 0;
  if (parts.size() >= 2 && parts[0] == "h" && parse_number(parts[1], revision)) {
    if (parts.size() > 2) {
      record.held = revision;
    } else {
      record.floor = revision;
    }
  } else if (parts.size() == 5) {
    record.entry_text = text.substr(0, text.size() - parts[4].size() - 1);
    record.tag = parts[4];
    if (parse_number(parts[3], record.epoch) && record.epoch >= 0) {
      record.entry =
          decode_entry(text.substr(0, text.size() - parts[4].size() - parts[3].size() - 2));
    }
  } else if (parts.size() == 4) {
    // An entry of a version before epochs: verifiable, but of no epoch, so never trusted.
    record.entry_text = text.substr(0, text.size() - parts[3].size() - 1);
    record.tag = parts[3];
    record.entry = decode_entry(record.entry_text);
  } else {
    record.entry_text = text;
    record.entry = decode_entry(text);  // unsigned: never trusted
  }
  return record;
}

namespace {

// The bytes a tag covers: a kind, the deployment's prefix, and for an entry its pair, so a value
// copied to another key or another deployment does not verify.
std::string entry_mac_input(std::string_view prefix, std::string_view school, std::string_view app,
                            std::string_view entry) {
  std::string in = "e\n";
  in.append(prefix).append("\n").append(school).append("\n").append(app).append("\n").append(entry);
  return in;
}

std::string message_mac_input(std::string_view prefix, std::string_view body) {
  std::string in = "m\n";
  in.append(prefix).append("\n").append(body);
  return in;
}

// A received message split into its body (tag removed) and tag ('' when unsigned).
struct Received {
  std::string body;
  std::string tag;
};
Received unwrap(std::string_view message) {
  const auto first = message.find(' ');
  if (first == std::string_view::npos) return {std::string(message), {}};
  const auto second = message.find(' ', first + 1);
  const auto word_end = second == std::string_view::npos ? message.size() : second;
  const auto slash = message.find('/', first + 1);
  if (slash == std::string_view::npos || slash > word_end) return {std::string(message), {}};
  Received r;
  r.body = std::string(message.substr(0, slash)) + std::string(message.substr(word_end));
  r.tag = std::string(message.substr(slash + 1, word_end - slash - 1));
  return r;
}

}  // namespace

std::string SharedCache::signed_entry(std::string_view school, std::string_view app, const Entry& e,
                                      std::int64_t epoch) const {
  const std::string text = encode_entry(e) + " " + std::to_string(epoch);
  return text + " " + config_.keys->sign(entry_mac_input(config_.prefix, school, app, text));
}

std::string SharedCache::signed_message(std::string_view body) const {
  const std::string tag = config_.keys->sign(message_mac_input(config_.prefix, body));
  const auto first = body.find(' ');
  const auto second =
      first == std::string_view::npos ? std::string_view::npos : body.find(' ', first + 1);
  const auto at = second == std::string_view::npos ? body.size() : second;
  return std::string(body.substr(0, at)) + "/" + tag + std::string(body.substr(at));
}

void SharedCache::forged(std::string_view what) {
  forgeries_.fetch_add(1);
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  if (now - last_forgery_warning_ < std::chrono::seconds(10)) return;
  last_forgery_warning_ = now;
  spdlog::warn(
      "redis: {} failed its MAC check and was not trusted (a forged value, or a replica "
      "with another --redis-mac-key); {} so far",
      what, forgeries_.load());
}

// One published hold waiting for acknowledgements. Acks may arrive before Redis has answered
// with the list of live replicas, so they are collected until the list is known.
struct SharedCache::Waiter {
  bool live_known = false;
  std::set<std::string> acked;    // before live_known
  std::set<std::string> pending;  // after live_known
  std::shared_ptr<asio::steady_timer> timer;
};

SharedCache::SharedCache(asio::io_context& io, SharedCacheConfig config)
    : io_(io),
      config_(std::move(config)),
      id_(std::string(kBatchReaderMark) + random_id()),
      channel_(config_.prefix + ":events"),
      replicas_key_(config_.prefix + ":replicas") {
  if (!config_.keys) throw std::invalid_argument("SharedCache needs MAC keys");
  commands_ = RedisConnection::create(io_, config_.redis, "commands", {}, config_.connection);
  RedisConnection::Events events;
  events.subscribed = [this] { on_subscribed(); };
  events.disconnected = [this] { on_lost(); };
  events.message = [this](std::string_view m) { on_message(m); };
  events_ =
      RedisConnection::create(io_, config_.redis, "events", std::move(events), config_.connection);
}

SharedCache::RedisStats SharedCache::redis_stats() const {
  RedisStats stats;
  const auto add = [&](const RedisConnection& c) {
    ++stats.connections;
    stats.connected += c.connected() ? 1 : 0;
    const auto connects = c.connects();
    stats.reconnects += connects > 0 ? connects - 1 : 0;
    stats.stall_resets += c.resets();
  };
  add(*commands_);
  add(*events_);
  for (const auto& lookup : lookups_)
    add(*lookup.second);
  return stats;
}

SharedCache::SharedCache(std::vector<asio::io_context*> workers, SharedCacheConfig config)
    : SharedCache(*workers.at(0), std::move(config)) {
  for (std::size_t i = 1; i < workers.size(); ++i) {
    lookups_.emplace_back(workers[i], RedisConnection::create(*workers[i], config_.redis,
                                                              "lookups-" + std::to_string(i), {},
                                                              config_.connection));
  }
}

RedisConnection& SharedCache::lookups_for(const asio::any_io_executor& executor) {
  const auto* context = &asio::query(executor, asio::execution::context);
  for (auto& [worker, connection] : lookups_) {
    if (worker == context) return *connection;
  }
  return *commands_;
}

SharedCache::~SharedCache() {
  stop();
}

void SharedCache::start() {
  commands_->start();
  for (auto& lookup : lookups_)
    lookup.second->start();
  events_->start();
  events_->subscribe(channel_);
  asio::co_spawn(io_, heartbeat_loop(), asio::detached);
}

void SharedCache::stop() {
  if (stopping_.exchange(true)) return;
  commands_->stop();
  for (auto& lookup : lookups_)
    lookup.second->stop();
  events_->stop();
}

bool SharedCache::fresh() const {
  return ticks(Clock::now()) < fresh_until_.load(std::memory_order_acquire);
}

std::optional<Entry> SharedCache::get(std::string_view school, std::string_view app) const {
  // One clock read for both leases: this is every level-1 hit.
  const auto now = ticks(Clock::now());
  if (now >= fresh_until_.load(std::memory_order_acquire)) return std::nullopt;
  if (config_.epochs && now >= store_fresh_until_.load(std::memory_order_acquire))
    return std::nullopt;
  return local_.get(school, app);
}

bool SharedCache::store_fresh() const {
  return ticks(Clock::now()) < store_fresh_until_.load(std::memory_order_acquire);
}

void SharedCache::store_polled(std::int64_t epoch, std::vector<std::string> live,
                               Clock::time_point started) {
  {
    std::sort(live.begin(), live.end());
    std::lock_guard presence(presence_mutex_);
    store_live_ = std::move(live);
    store_polled_at_ = std::max(store_polled_at_, ticks(started));
    recheck_presence();
  }
  std::lock_guard lock(epoch_mutex_);
  const auto known = epoch_.load(std::memory_order_acquire);
  if (epoch > known) {
    // A reject committed without holds: whatever level 1 holds may be what it took away. The
    // new epoch shows first, then level 1 is cleared (a new generation). Whoever puts an entry
    // took the generation before it read the epoch, so an entry checked against the old epoch
    // is put with the old generation and dropped (docs/architecture.md).
    epoch_.store(epoch, std::memory_order_release);
    local_.clear();
    if (known > 0) {
      spdlog::info(
          "revocation epoch {}: a reject was committed without Redis; level 1 starts "
          "afresh and older level-2 entries are no longer trusted",
          epoch);
    }
  }
  const auto until = ticks(started + config_.lease - config_.margin);
  auto current = store_fresh_until_.load();
  while (current < until && !store_fresh_until_.compare_exchange_weak(current, until)) {
  }
}

SharedCache::Clock::time_point SharedCache::unheld_commit_settled(
    Clock::time_point committed) const {
  // A replica still store-fresh then polled after `committed` (a poll keeps it fresh for
  // lease - margin from its start), so it has the new epoch; one that did not poll has stopped
  // trusting level 1, and its level-2 lookups need an entry of the new epoch. One answering
  // without the store counts this replica among those it saw in the store, so it stops once a
  // heartbeat of its own finds this one gone from Redis: this replica's registration ends a
  // lease after its last heartbeat (withdraw() stopped them), and the other's view of it lasts
  // a lease after that heartbeat of its own.
  std::int64_t last_sent = 0;
  {
    std::lock_guard presence(presence_mutex_);
    last_sent = last_heartbeat_sent_;
  }
  const auto gone = Clock::time_point(std::chrono::nanoseconds(last_sent)) + 2 * config_.lease +
                    2 * config_.margin;
  return std::max(committed + config_.lease + config_.margin, gone);
}

void SharedCache::recheck_presence() {
  everyone_on_redis_ =
      std::includes(redis_live_.begin(), redis_live_.end(), store_live_.begin(), store_live_.end());
}

bool SharedCache::answers_without_store() const {
  const auto now = ticks(Clock::now());
  std::lock_guard presence(presence_mutex_);
  return everyone_on_redis_ && now < redis_live_until_ && store_polled_at_ != 0 &&
         now - store_polled_at_ < std::chrono::nanoseconds(config_.without_store).count();
}

void SharedCache::withdraw() {
  std::lock_guard presence(presence_mutex_);
  ++withdrawn_;
}

void SharedCache::rejoin() {
  std::lock_guard presence(presence_mutex_);
  if (withdrawn_ > 0) --withdrawn_;
}

std::vector<std::string> SharedCache::live_on_redis() const {
  std::lock_guard presence(presence_mutex_);
  return redis_live_;
}

bool SharedCache::put(std::string_view school, std::string_view app, const Entry& entry,
                      Generation since) {
  return local_.put(school, app, entry, since);
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
  auto& redis = lookups_for(co_await asio::this_coro::executor);
  auto reply = co_await redis.command(std::move(args));
  if (!reply || reply->type == RedisReply::Type::error) {
    // The caller now reads the store without knowing whether level 2 holds the pair. Stop
    // trusting level 1 until the next heartbeat, which clears it: what that read puts there
    // is gone before this replica answers from level 1 again.
    fresh_until_.store(0, std::memory_order_release);
    warn_degraded("level-2 lookup failed");
    co_return std::nullopt;
  }
  if (reply->type != RedisReply::Type::string) co_return std::nullopt;
  const auto record = decode_record(reply->str);
  // A replica that missed the hold's message learns it here, before the caller reads the store.
  // Holds and floors are not signed (Lua writes them) and need not be: they only make replicas
  // miss, so a forged one costs store reads, never an allow.
  if (record.held) local_.raise_floor(school, app, *record.held + 1);
  if (record.floor) local_.raise_floor(school, app, *record.floor);
  if (record.entry &&
      !config_.keys->verify(entry_mac_input(config_.prefix, school, app, record.entry_text),
                            record.tag)) {
    forged("the level-2 entry of " + school + "/" + app);
    co_return std::nullopt;  // a miss: the caller reads the store
  }
  if (config_.epochs) {
    // Without a recent poll of the store, level 2 answers only while no replica seen in the
    // store can be committing rejects unseen (docs/architecture.md, "Answering without the
    // store"). Asked all the same: a hold found above has raised level 1's floor for the store
    // read that follows.
    if (!store_fresh() && !answers_without_store()) co_return std::nullopt;
    // An entry read before a reject that could not be held may be what the reject took away:
    // only entries of this replica's epoch or a later one are trusted (none before the first
    // poll of the store).
    const auto known = epoch();
    if (!record.entry || known == 0 || record.epoch < known) co_return std::nullopt;
  }
  co_return record.entry;
}

asio::awaitable<void> SharedCache::remember(std::string school, std::string app, Entry entry,
                                            std::int64_t epoch) {
  // Read before the store's epoch was known: of no use to anyone.
  if (config_.epochs && epoch <= 0) co_return;
  std::vector<std::string> args{"EVAL",
                                kRememberScript,
                                "1",
                                key(school, app),
                                signed_entry(school, app, entry, epoch),
                                std::to_string(entry.revision),
                                std::to_string(config_.level2_ttl.count())};
  auto& redis = lookups_for(co_await asio::this_coro::executor);
  auto reply = co_await redis.command(std::move(args));
  if (!reply || reply->type == RedisReply::Type::error) warn_degraded("level-2 write failed");
}

asio::awaitable<std::vector<Hold>> SharedCache::hold_all(std::vector<HoldRequest> pairs) {
  std::vector<Hold> holds;
  if (pairs.empty()) co_return holds;
  const auto started = Clock::now();
  std::uint64_t seq = 0;
  {
    std::lock_guard lock(mutex_);
    seq = next_seq_++;
  }
  const std::string token = id_ + "." + std::to_string(seq);
  // The one announcement: "hold TOKEN SCHOOL APP REV [SCHOOL APP REV ...]".
  std::string message = "hold " + token;
  holds.reserve(pairs.size());
  for (const auto& p : pairs) {
    local_.hold(p.school, p.app, p.revision, token);
    holds.push_back({p.revision, token});
    message += " " + p.school + " " + p.app + " " + std::to_string(p.revision);
  }
  auto waiter = std::make_shared<Waiter>();
  waiter->timer = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor);
  waiter->timer->expires_at(started + config_.lease + config_.margin);
  if (config_.invalidation_enabled) {
    std::lock_guard lock(mutex_);
    waiters_[seq] = waiter;
  }
  const std::size_t chunk = std::max<std::size_t>(config_.batch_chunk, 1);
  const std::string ttl = std::to_string(config_.hold_ttl.count());
  message = signed_message(message);
  std::size_t sent = 0;  // pairs whose script was sent (it may have run with its reply lost)
  std::optional<RedisReply> live;
  bool legacy = false;
  while (sent < pairs.size()) {
    const std::size_t begin = sent;
    const std::size_t end = std::min(pairs.size(), begin + chunk);
    std::vector<std::string> args{"EVAL", kHoldLua, std::to_string(2 + end - begin), replicas_key_,
                                  channel_};
    args.reserve(5 + 2 * (end - begin) + 3);
    for (std::size_t i = begin; i < end; ++i)
      args.push_back(key(pairs[i].school, pairs[i].app));
    args.push_back(token);
    args.push_back(ttl);
    args.push_back(end == pairs.size() ? std::move(message) : std::string());
    args.push_back(pairs.size() > 1 ? "batch" : "");
    for (std::size_t i = begin; i < end; ++i)
      args.push_back(std::to_string(pairs[i].revision));
    sent = end;
    auto reply = co_await commands_->command(std::move(args));
    if (reply && reply->type == RedisReply::Type::string && reply->str == "legacy") {
      legacy = true;
      break;
    }
    if (!reply || reply->type != RedisReply::Type::array) break;
    if (sent == pairs.size()) live = std::move(reply);
  }
  if (legacy || !live) {
    {
      std::lock_guard lock(mutex_);
      waiters_.erase(seq);
    }
    co_await take_back(pairs, holds, sent);
    if (legacy) co_return co_await hold_one_by_one(std::move(pairs));
    warn_degraded("holds could not be placed, so a change was refused");
    throw UnavailableError("redis did not confirm " +
                           (pairs.size() == 1
                                ? "the hold on " + pairs[0].school + "/" + pairs[0].app
                                : "the holds on " + std::to_string(pairs.size()) + " pairs"));
  }
  if (!config_.invalidation_enabled) co_return holds;
  bool done = false;
  {
    std::lock_guard lock(mutex_);
    for (const auto& r : live->elements) {
      if (r.str != id_ && !waiter->acked.contains(r.str)) waiter->pending.insert(r.str);
    }
    waiter->live_known = true;
    done = waiter->pending.empty();
    if (done) waiters_.erase(seq);
  }
  if (done) co_return holds;
  // A live replica that does not acknowledge is waited out: after a full lease it cannot still
  // be fresh on a heartbeat older than the holds.
  boost::system::error_code ec;
  co_await waiter->timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  std::lock_guard lock(mutex_);
  waiters_.erase(seq);
  co_return holds;
}

// Takes back a batch's holds wherever they got to: level 1 for the pairs whose script was not
// sent, release_all (level 1 and Redis) for those whose script was (it may have run with its
// reply lost).
asio::awaitable<void> SharedCache::take_back(const std::vector<HoldRequest>& pairs,
                                             const std::vector<Hold>& holds, std::size_t sent) {
  for (std::size_t i = sent; i < pairs.size(); ++i)
    local_.release(pairs[i].school, pairs[i].app, pairs[i].revision, holds[i].token);
  std::vector<HeldPair> placed;
  placed.reserve(sent);
  for (std::size_t i = 0; i < sent; ++i)
    placed.push_back({pairs[i].school, pairs[i].app, holds[i]});
  co_await release_all(std::move(placed));
}

// A replica of an older version is live and reads one pair per message: every pair is held on
// its own, announced as that replica understands, and acknowledged by it, at the old speed.
asio::awaitable<std::vector<Hold>> SharedCache::hold_one_by_one(std::vector<HoldRequest> pairs) {
  std::vector<Hold> holds;
  std::vector<HeldPair> held;
  std::exception_ptr failed;
  try {
    for (auto& pair : pairs) {
      std::vector<HoldRequest> one{pair};
      auto placed_one = co_await hold_all(std::move(one));
      auto hold = std::move(placed_one.front());
      held.push_back({pair.school, pair.app, hold});
      holds.push_back(std::move(hold));
    }
  } catch (...) {
    failed = std::current_exception();
  }
  if (failed) {
    co_await release_all(std::move(held));  // all or none, as for a batch
    std::rethrow_exception(failed);
  }
  co_return holds;
}

std::size_t SharedCache::release_chunk_end(const std::vector<HeldPair>& held,
                                           std::size_t begin) const {
  const std::size_t limit =
      std::min(held.size(), begin + std::max<std::size_t>(config_.batch_chunk, 1));
  std::size_t end = begin + 1;
  while (end < limit && held[end].hold.token == held[begin].hold.token)
    ++end;
  return end;
}

std::vector<std::string> SharedCache::release_args(const std::vector<HeldPair>& held,
                                                   std::size_t begin, std::size_t end) const {
  const std::string& token = held[begin].hold.token;
  // "rel TOKEN SCHOOL APP REV [SCHOOL APP REV ...]"
  std::string message = "rel " + token;
  std::vector<std::string> args{"EVAL", kReleaseLua, std::to_string(1 + end - begin), channel_};
  args.reserve(4 + 2 * (end - begin) + 3);
  for (std::size_t i = begin; i < end; ++i) {
    const auto& h = held[i];
    args.push_back(key(h.school, h.app));
    message += " " + h.school + " " + h.app + " " + std::to_string(h.hold.revision);
  }
  args.push_back(token);
  args.push_back(signed_message(message));
  args.push_back(std::to_string(config_.hold_ttl.count()));
  for (std::size_t i = begin; i < end; ++i)
    args.push_back(std::to_string(held[i].hold.revision));
  return args;
}

asio::awaitable<std::size_t> SharedCache::send_releases(std::vector<HeldPair> held) {
  std::size_t begin = 0;
  while (begin < held.size()) {
    const std::size_t end = release_chunk_end(held, begin);
    auto reply = co_await commands_->command(release_args(held, begin, end));
    if (!reply || reply->type == RedisReply::Type::error) {
      // Kept and sent again when Redis answers; until then the pairs are only read more often.
      std::lock_guard lock(mutex_);
      unreleased_.insert(unreleased_.end(), std::make_move_iterator(held.begin() + begin),
                         std::make_move_iterator(held.end()));
      co_return begin;
    }
    begin = end;
  }
  co_return begin;
}

asio::awaitable<void> SharedCache::release_all(std::vector<HeldPair> held) {
  for (const auto& h : held)
    local_.release(h.school, h.app, h.hold.revision, h.hold.token);
  co_await send_releases(std::move(held));
}

asio::awaitable<void> SharedCache::publish_all(std::vector<Published> changes) {
  if (!config_.invalidation_enabled) {
    for (auto& c : changes)
      co_await remember(std::move(c.school), std::move(c.app), c.entry, c.epoch);
    co_return;
  }
  std::vector<Unpublished> items;
  items.reserve(changes.size());
  {
    std::lock_guard lock(mutex_);
    for (auto& c : changes) {
      std::string message =
          signed_message("inv " + id_ + " " + std::to_string(next_seq_++) + " " + c.school + " " +
                         c.app + " " + encode_entry(c.entry) + " " + std::to_string(c.epoch));
      items.push_back(
          {std::move(c.school), std::move(c.app), c.entry, c.epoch, std::move(message)});
    }
  }
  // Nothing waits for acknowledgements here: a change that takes an allow away was held before
  // it committed, and the holds keep every replica off the old entries until this arrives.
  const std::size_t chunk = std::max<std::size_t>(config_.batch_chunk, 1);
  for (std::size_t begin = 0; begin < items.size(); begin += chunk) {
    const std::span<const Unpublished> part(items.data() + begin,
                                            std::min(chunk, items.size() - begin));
    auto reply = co_await commands_->command(publish_args(part));
    if (reply && reply->type == RedisReply::Type::integer) continue;
    // Not published: keep them, and publish them as soon as Redis answers again
    // (heartbeat_loop), so that replicas trust the pairs again without a store read for every
    // decision.
    warn_degraded("a change was not published");
    std::lock_guard lock(mutex_);
    for (const auto& u : part) {
      auto& slot = unpublished_[u.school + " " + u.app];
      if (slot.message.empty() || slot.entry.revision <= u.entry.revision) slot = u;
    }
  }
}

std::vector<std::string> SharedCache::publish_args(std::span<const Unpublished> items) const {
  std::vector<std::string> args{"EVAL", kPublishScript, std::to_string(1 + items.size()), channel_};
  args.reserve(4 + items.size() * 4 + 1);
  for (const auto& u : items)
    args.push_back(key(u.school, u.app));
  args.push_back(std::to_string(config_.level2_ttl.count()));
  for (const auto& u : items) {
    args.push_back(signed_entry(u.school, u.app, u.entry, u.epoch));
    args.push_back(std::to_string(u.entry.revision));
    args.push_back(u.message);
  }
  return args;
}

asio::awaitable<void> SharedCache::flush_unpublished() {
  std::vector<Unpublished> todo;
  std::vector<HeldPair> releases;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [k, u] : unpublished_)
      todo.push_back(u);
    releases.swap(unreleased_);
  }
  const std::size_t to_release = releases.size();
  std::size_t done = co_await send_releases(std::move(releases));
  if (done < to_release) co_return;
  const std::size_t chunk = std::max<std::size_t>(config_.batch_chunk, 1);
  for (std::size_t begin = 0; begin < todo.size(); begin += chunk) {
    const std::span<const Unpublished> part(todo.data() + begin,
                                            std::min(chunk, todo.size() - begin));
    auto reply = co_await commands_->command(publish_args(part));
    if (!reply || reply->type != RedisReply::Type::integer) co_return;
    done += part.size();
    std::lock_guard lock(mutex_);
    for (const auto& u : part) {
      auto it = unpublished_.find(u.school + " " + u.app);
      if (it != unpublished_.end() && it->second.entry.revision == u.entry.revision)
        unpublished_.erase(it);
    }
  }
  if (done > 0)
    spdlog::info("redis: sent {} change(s) and release(s) made while it was unreachable", done);
}

asio::awaitable<void> SharedCache::heartbeat_loop() {
  asio::steady_timer timer(io_);
  while (!stopping_) {
    // While an unheld reject is in progress this replica stays silent (see withdraw()). A
    // heartbeat that may reach Redis is noted before it is sent: unheld_commit_settled counts
    // from it.
    const auto sent = Clock::now();
    bool silent = false;
    {
      std::lock_guard presence(presence_mutex_);
      silent = withdrawn_ > 0;
      if (!silent && commands_->connected()) last_heartbeat_sent_ = ticks(sent);
    }
    if (silent) {
      timer.expires_after(config_.heartbeat);
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    std::uint64_t nonce = 0;
    {
      std::lock_guard lock(mutex_);
      nonce = next_nonce_++;
      heartbeats_sent_[nonce] = sent;
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
                                  signed_message("hb " + id_ + " " + std::to_string(nonce))};
    auto beat = co_await commands_->command(std::move(args));
    if (beat || Clock::now() - sent > std::chrono::milliseconds(5)) {
      // It was sent after all (the connection came up meanwhile) and may have run.
      std::lock_guard presence(presence_mutex_);
      last_heartbeat_sent_ = std::max(last_heartbeat_sent_, ticks(sent));
    }
    if (beat && beat->type == RedisReply::Type::array) {
      std::vector<std::string> live;
      for (const auto& r : beat->elements)
        live.push_back(r.str);
      std::sort(live.begin(), live.end());
      std::lock_guard presence(presence_mutex_);
      redis_live_ = std::move(live);
      redis_live_until_ = ticks(sent + config_.lease - config_.margin);
      recheck_presence();
    }
    if (beat && beat->type != RedisReply::Type::error) {
      // Redis published heartbeats for a whole lease and none came back: the subscription's
      // connection is stalled (a black hole keeps it open and silent), so it is rebuilt.
      const auto now = ticks(Clock::now());
      std::int64_t none = 0;
      if (!unheard_since_.compare_exchange_strong(none, now) &&
          now - none > std::chrono::nanoseconds(config_.lease).count()) {
        unheard_since_.store(0);
        events_->reset("no heartbeat came back within a lease");
      }
      co_await flush_unpublished();
    }
    timer.expires_after(config_.heartbeat);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

void SharedCache::on_subscribed() {
  unheard_since_.store(0);
  // Whatever was published while unsubscribed was lost: start level 1 afresh.
  fresh_until_.store(0, std::memory_order_release);
  local_.clear();
}

void SharedCache::on_lost() {
  fresh_until_.store(0, std::memory_order_release);
}

// What each message may do when its MAC fails, the safe way round: a heartbeat, an ack, a
// release or an invalidation could make this replica (or the one waiting) trust something, so
// it is dropped (an invalidation also clears level 1, since the change it names may be real:
// a replica with a key this one lacks); a hold only makes level 1 miss, so it is applied (a
// real hold from a replica whose key this one lacks must not be lost) but not acknowledged.
void SharedCache::on_message(std::string_view message) {
  const Received received = unwrap(message);
  const auto parts = split(received.body);
  if (parts.empty()) return;
  auto verified = [&] {
    return !received.tag.empty() &&
           config_.keys->verify(message_mac_input(config_.prefix, received.body), received.tag);
  };
  if (parts[0] == "hb" && parts.size() == 3 && parts[1] == id_) {
    if (!verified()) {
      forged("a heartbeat");
      return;
    }
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
    unheard_since_.store(0);
    const auto until = ticks(sent + config_.lease - config_.margin);
    auto current = fresh_until_.load(std::memory_order_acquire);
    if (current <= now) local_.clear();  // lapsed: messages may have been missed
    while (until > current &&
           !fresh_until_.compare_exchange_weak(current, until, std::memory_order_acq_rel)) {
    }
  } else if ((parts[0] == "hold" || parts[0] == "rel") && parts.size() >= 5 &&
             (parts.size() - 2) % 3 == 0) {
    // "hold TOKEN SCHOOL APP REV [SCHOOL APP REV ...]": every pair is applied, then one ack.
    if (!config_.invalidation_enabled) return;
    const auto dot = parts[1].find('.');
    if (dot == std::string_view::npos) return;
    const bool authentic = verified();
    if (!authentic) {
      forged(parts[0] == "rel" ? "a release" : "a hold");
      if (parts[0] == "rel") return;
    }
    std::vector<std::int64_t> revisions((parts.size() - 2) / 3);
    for (std::size_t i = 0; i < revisions.size(); ++i) {
      if (!parse_number(parts[4 + 3 * i], revisions[i])) return;
    }
    for (std::size_t i = 0; i < revisions.size(); ++i) {
      if (parts[0] == "rel") {
        local_.release(parts[2 + 3 * i], parts[3 + 3 * i], revisions[i], parts[1]);
      } else {
        local_.hold(parts[2 + 3 * i], parts[3 + 3 * i], revisions[i], parts[1]);
      }
    }
    if (parts[0] == "rel" || !authentic) return;
    const auto origin = parts[1].substr(0, dot);
    if (origin != id_) {
      commands_->send({"PUBLISH", channel_,
                       signed_message("ack " + std::string(origin) + " " +
                                      std::string(parts[1].substr(dot + 1)) + " " + id_)},
                      [](RedisConnection::Reply) {});
    }
  } else if (parts[0] == "inv" && (parts.size() == 8 || parts.size() == 9)) {
    // "inv ID SEQ SCHOOL APP PRESENCE VERSION REVISION [EPOCH]" (older versions send no epoch).
    if (!config_.invalidation_enabled) return;
    if (!verified()) {
      forged("an invalidation");
      // Level 1 may hold what the change replaced: it starts afresh (holds and floors stay).
      local_.clear();
      return;
    }
    const auto entry = decode_entry(std::string(parts[5]) + " " + std::string(parts[6]) + " " +
                                    std::string(parts[7]));
    if (!entry) return;
    std::int64_t epoch = 0;
    if (parts.size() == 9 && !parse_number(parts[8], epoch)) return;
    const Generation since = local_.generation();  // before the epoch: see store_polled
    if (epoch < this->epoch()) {
      // Read before a reject that could not be held (a change published late, or by an older
      // version): not trusted, but what it replaced is not either.
      local_.raise_floor(parts[3], parts[4], entry->revision);
      return;
    }
    // Messages arrive in publish order, and clears on this strand happen only between them.
    (void)local_.put(parts[3], parts[4], *entry, since);
  } else if (parts[0] == "ack" && parts.size() == 4 && parts[1] == id_) {
    if (!verified()) {
      forged("an acknowledgement");
      return;
    }
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
