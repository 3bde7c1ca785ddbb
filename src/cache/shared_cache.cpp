// The shared level's facade: level 1 and level 2 lookups, the connections to Redis, the
// heartbeat that keeps the lease, and the event channel's messages handed to the part that
// owns them.
#include "cache/shared_cache.hpp"

#include <algorithm>
#include <random>
#include <stdexcept>

#include <spdlog/spdlog.h>

namespace canopy::cache {
namespace {

std::string random_id() {
  std::random_device rd;
  std::mt19937_64 rng(rd());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(12, '0');
  for (auto& c : id)
    c = kHex[rng() & 15];
  return id;
}

const MacKeys& required_keys(const SharedCacheConfig& config) {
  if (!config.keys) throw std::invalid_argument("SharedCache needs MAC keys");
  return *config.keys;
}

}  // namespace

SharedCache::SharedCache(asio::io_context& io, SharedCacheConfig config)
    : io_(io),
      config_(std::move(config)),
      id_(std::string(kBatchReaderMark) + random_id()),
      keys_(config_.prefix),
      signer_(config_.prefix, required_keys(config_)),
      lease_(config_.lease, config_.margin, local_),
      presence_(config_.lease, config_.margin, config_.without_store, local_),
      commands_(RedisConnection::create(io_, config_.redis, "commands", {}, config_.connection)),
      events_(RedisConnection::create(io_, config_.redis, "events",
                                      {.disconnected = [this] { lease_.end(); },
                                       .subscribed = [this] { lease_.subscribed(); },
                                       .message = [this](std::string_view m) { on_message(m); }},
                                      config_.connection)),
      holds_(replica()),
      publisher_(replica(), presence_) {
#ifdef CANOPY_BROKEN_INVALIDATION
  // A build that proves the replica tests catch replicas that never invalidate each other.
  config_.invalidation_enabled = false;
#endif
}

SharedCache::SharedCache(std::vector<asio::io_context*> workers, SharedCacheConfig config)
    : SharedCache(*workers.at(0), std::move(config)) {
  for (std::size_t i = 1; i < workers.size(); ++i) {
    lookups_.emplace_back(workers[i], RedisConnection::create(*workers[i], config_.redis,
                                                              "lookups-" + std::to_string(i), {},
                                                              config_.connection));
  }
}

ReplicaContext SharedCache::replica() {
  return {config_, id_, keys_, signer_, local_, *commands_, sequence_, warnings_};
}

SharedCache::~SharedCache() {
  stop();
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

RedisConnection& SharedCache::lookups_for(const asio::any_io_executor& executor) {
  const auto* context = &asio::query(executor, asio::execution::context);
  for (auto& [worker, connection] : lookups_) {
    if (worker == context) return *connection;
  }
  return *commands_;
}

void SharedCache::start() {
  commands_->start();
  for (auto& lookup : lookups_)
    lookup.second->start();
  events_->start();
  events_->subscribe(keys_.channel());
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
  return lease_.fresh_at(ticks(Clock::now()));
}

std::optional<Entry> SharedCache::get(std::string_view school, std::string_view app) const {
  // One clock read for both leases: this is every level-1 hit.
  const auto now = ticks(Clock::now());
  if (!lease_.fresh_at(now)) return std::nullopt;
  if (config_.epochs && !presence_.store_fresh_at(now)) return std::nullopt;
  return local_.get(school, app);
}

bool SharedCache::put(std::string_view school, std::string_view app, const Entry& entry,
                      Generation since) {
  return local_.put(school, app, entry, since);
}

void SharedCache::clear() {
  local_.clear();
}

bool SharedCache::store_fresh() const {
  return presence_.store_fresh_at(ticks(Clock::now()));
}

void SharedCache::store_polled(std::int64_t epoch, std::vector<std::string> live,
                               Clock::time_point started) {
  presence_.store_polled(epoch, std::move(live), started);
}

SharedCache::Clock::time_point SharedCache::unheld_commit_settled(
    Clock::time_point committed) const {
  return presence_.unheld_commit_settled(committed);
}

bool SharedCache::answers_without_store() const {
  return presence_.answers_without_store(Clock::now());
}

void SharedCache::withdraw() {
  presence_.withdraw();
}

void SharedCache::rejoin() {
  presence_.rejoin();
}

std::vector<std::string> SharedCache::live_on_redis() const {
  return presence_.live_on_redis();
}

asio::awaitable<std::optional<Entry>> SharedCache::fetch(std::string school, std::string app) {
  std::vector<std::string> args{"GET", keys_.entry(school, app)};
  auto& redis = lookups_for(co_await asio::this_coro::executor);
  auto reply = co_await redis.command(std::move(args));
  if (!reply || reply->type == RedisReply::Type::error) {
    // The caller now reads the store without knowing whether level 2 holds the pair. Stop
    // trusting level 1 until the next heartbeat, which clears it: what that read puts there
    // is gone before this replica answers from level 1 again.
    lease_.end();
    warnings_.degraded("level-2 lookup failed");
    co_return std::nullopt;
  }
  if (reply->type != RedisReply::Type::string) co_return std::nullopt;
  const auto record = decode_record(reply->str);
  // A replica that missed the hold's message learns it here, before the caller reads the store.
  // Holds and floors are not signed (Lua writes them) and need not be: they only make replicas
  // miss, so a forged one costs store reads, never an allow.
  if (record.held) local_.raise_floor(school, app, *record.held + 1);
  if (record.floor) local_.raise_floor(school, app, *record.floor);
  if (record.entry && !signer_.verifies(school, app, record)) {
    warnings_.forged("the level-2 entry of " + school + "/" + app);
    co_return std::nullopt;  // a miss: the caller reads the store
  }
  if (config_.epochs) {
    // Without a recent poll of the store, level 2 answers only while no replica seen in the
    // store can be committing rejects unseen (docs/design/revocation.md, "Answering without the
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
  auto args =
      scripts::remember(keys_.entry(school, app), signer_.signed_entry(school, app, entry, epoch),
                        entry.revision, config_.level2_ttl);
  auto& redis = lookups_for(co_await asio::this_coro::executor);
  auto reply = co_await redis.command(std::move(args));
  if (!reply || reply->type == RedisReply::Type::error) warnings_.degraded("level-2 write failed");
}

asio::awaitable<std::vector<Hold>> SharedCache::hold_all(std::vector<HoldRequest> pairs) {
  co_return co_await holds_.hold_all(std::move(pairs));
}

asio::awaitable<void> SharedCache::release_all(std::vector<HeldPair> held) {
  co_await holds_.release_all(std::move(held));
}

asio::awaitable<void> SharedCache::publish_all(std::vector<Published> changes) {
  if (!config_.invalidation_enabled) {
    for (auto& c : changes)
      co_await remember(std::move(c.school), std::move(c.app), c.entry, c.epoch);
    co_return;
  }
  co_await publisher_.publish_all(std::move(changes));
}

asio::awaitable<void> SharedCache::flush_unsent() {
  const auto released = co_await holds_.resend_releases();
  if (!released) co_return;
  const auto published = co_await publisher_.republish();
  if (!published) co_return;
  if (*released + *published > 0) {
    spdlog::info("redis: sent {} change(s) and release(s) made while it was unreachable",
                 *released + *published);
  }
}

asio::awaitable<void> SharedCache::heartbeat_loop() {
  asio::steady_timer timer(io_);
  while (!stopping_) {
    // While an unheld reject is in progress this replica stays silent (see withdraw()). A
    // heartbeat that may reach Redis is noted before it is sent: unheld_commit_settled counts
    // from it.
    const auto sent = Clock::now();
    if (!presence_.heartbeat_starts(sent, commands_->connected())) {
      timer.expires_after(config_.heartbeat);
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    const std::uint64_t nonce = lease_.sending(sent);
    auto command =
        scripts::heartbeat(keys_, id_, config_.lease,
                           signer_.signed_message("hb " + id_ + " " + std::to_string(nonce)));
    auto beat = co_await commands_->command(std::move(command));
    if (beat || Clock::now() - sent > std::chrono::milliseconds(5)) {
      // It was sent after all (the connection came up meanwhile) and may have run.
      presence_.heartbeat_may_have_run(sent);
    }
    if (beat && beat->type == RedisReply::Type::array) {
      std::vector<std::string> live;
      for (const auto& r : beat->elements)
        live.push_back(r.str);
      presence_.heartbeat_answered(std::move(live), sent);
    }
    if (beat && beat->type != RedisReply::Type::error) {
      // Redis published heartbeats for a whole lease and none came back: the subscription's
      // connection is stalled, so it is rebuilt.
      if (lease_.stalled(Clock::now())) events_->reset("no heartbeat came back within a lease");
      co_await flush_unsent();
    }
    timer.expires_after(config_.heartbeat);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

// What each message may do when its MAC fails, the safe way round: a heartbeat, an ack, a
// release or an invalidation could make this replica (or the one waiting) trust something, so
// it is dropped (an invalidation also clears level 1, since the change it names may be real:
// a replica with a key this one lacks); a hold only makes level 1 miss, so it is applied (a
// real hold from a replica whose key this one lacks must not be lost) but not acknowledged.
void SharedCache::on_message(std::string_view message) {
  const ReceivedMessage received = unwrap_message(message);
  const auto parts = split_words(received.body);
  if (parts.empty()) return;
  if (parts[0] == "hb" && parts.size() == 3 && parts[1] == id_) {
    if (!signer_.verifies(received)) {
      warnings_.forged("a heartbeat");
      return;
    }
    std::uint64_t nonce = 0;
    if (!parse_number(parts[2], nonce)) return;
    lease_.came_back(nonce, Clock::now());
  } else if ((parts[0] == "hold" || parts[0] == "rel") && parts.size() >= 5 &&
             (parts.size() - 2) % 3 == 0) {
    holds_.announced(parts, received);
  } else if (parts[0] == "inv" && (parts.size() == 8 || parts.size() == 9)) {
    // Older versions send no epoch.
    publisher_.invalidated(parts, received);
  } else if (parts[0] == "ack" && parts.size() == 4 && parts[1] == id_) {
    holds_.acknowledged(parts, received);
  }
}

}  // namespace canopy::cache
