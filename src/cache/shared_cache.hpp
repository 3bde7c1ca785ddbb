// Decision cache shared by replicas through Redis, with revocation that is immediate across
// them. Two levels: each replica's in-process entries (level 1, answered without I/O) and
// Redis entries (level 2, shared). The design, and why no replica can allow after a reject has
// been acknowledged, is in docs/architecture.md ("Revocation across replicas"). In short:
//  * a replica may use level 1 only while it is *fresh*: it has received its own heartbeat,
//    published on the event channel, within the last lease (minus a margin). Redis delivers a
//    channel's messages in order, so a replica that received its heartbeat has also applied
//    every message published before it;
//  * before a change that takes an allow away is committed, the deciding replica *holds* the
//    pair at the revision it read: level 2 and every replica's level 1 stop trusting entries at
//    or below it. The hold is in force once every live replica has acknowledged it or a full
//    lease has passed; if Redis cannot be told, the change is refused;
//  * after the commit, the new entry is published; it replaces the holds;
//  * losing the subscription makes a replica unfresh at once and clears level 1's entries (not
//    its holds) when it returns.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "cache/local_cache.hpp"
#include "cache/mac.hpp"
#include "cache/redis_connection.hpp"
#include "cache/shared_level.hpp"

namespace canopy::cache {

struct SharedCacheConfig {
  RedisEndpoint redis;
  RedisOptions connection;                   // timeouts, in-flight bound, backoff, keepalive, AUTH
  std::string prefix = "canopy";             // key and channel prefix, one per deployment
  std::chrono::milliseconds lease{2000};     // how long one heartbeat keeps a replica fresh
  std::chrono::milliseconds heartbeat{400};  // how often replicas heartbeat
  std::chrono::milliseconds margin{250};     // allowance for delivery delay and clock drift
  // How long a level-2 entry lives unless rewritten: long, so that a database outage is
  // answered for every pair asked within it (entries stay revision-guarded all along).
  std::chrono::milliseconds level2_ttl{std::chrono::hours(24)};
  // How long a hold or a floor lives: it must outlast the change it protects (see the
  // assumptions in docs/architecture.md), and no longer, since a hold only costs lookups.
  std::chrono::milliseconds hold_ttl{60'000};
  // Signs every level-2 entry and channel message this replica writes, and verifies what it
  // reads. Required: a SharedCache without keys refuses to start.
  std::optional<MacKeys> keys;
  std::size_t batch_chunk = 500;  // pairs per Redis script of a hold_all or release_all
  // Level 1 needs a recent poll of the store's revocation epoch (store_polled), and level-2
  // entries and invalidations of an older epoch are not trusted. Off only in tests of the Redis
  // protocol alone, which have no store: then epochs are 0 and never checked.
  bool epochs = true;
  // How long a replica that cannot reach the store keeps answering from level 2 after its last
  // poll of the epoch (point 15: a database outage is answered for this long), provided every
  // replica it last saw in the store is still live on Redis (docs/architecture.md).
  std::chrono::milliseconds without_store{std::chrono::hours(2)};
#ifdef CANOPY_BROKEN_INVALIDATION
  bool invalidation_enabled = false;  // a deliberately broken build, to prove the tests catch it
#else
  bool invalidation_enabled = true;
#endif
};

class SharedCache final : public DecisionCache, public SharedLevel {
 public:
  SharedCache(asio::io_context& io, SharedCacheConfig config);
  // With several I/O workers (`workers[0]` is `io`): each other worker gets its own connection
  // for level-2 lookups and writes, so a request's Redis round trip stays on its thread.
  SharedCache(std::vector<asio::io_context*> workers, SharedCacheConfig config);
  ~SharedCache() override;

  void start();
  void stop();

  using DecisionCache::put;

  // Level 1; get() answers only while this replica is fresh.
  std::optional<Entry> get(std::string_view school, std::string_view app) const override;
  Generation generation() const override { return local_.generation(); }
  bool put(std::string_view school, std::string_view app, const Entry& entry,
           Generation since) override;
  void clear() override;

  asio::awaitable<std::optional<Entry>> fetch(std::string school, std::string app) override;
  asio::awaitable<void> remember(std::string school, std::string app, Entry entry,
                                 std::int64_t epoch) override;
  std::int64_t epoch() const override { return epoch_.load(std::memory_order_acquire); }
  std::chrono::steady_clock::time_point unheld_commit_settled(
      std::chrono::steady_clock::time_point committed) const override;
  // What the store said when it was polled (the application polls it every heartbeat interval,
  // on a thread of its own): its revocation epoch and the replicas it saw lately, read by a
  // poll that started at `started`. A new epoch clears level 1's entries; the poll keeps level 1
  // usable until started + lease - margin (store freshness).
  void store_polled(std::int64_t epoch, std::vector<std::string> live,
                    std::chrono::steady_clock::time_point started);
  bool store_fresh() const;
  // Whether level 2 may answer although the store has not been polled within a lease: within
  // `without_store` of the last poll, on a recent heartbeat whose live replicas include every
  // replica that poll saw (so none of them can be committing rejects without Redis).
  bool answers_without_store() const;
  const std::string& id() const override { return id_; }
  void withdraw() override;
  void rejoin() override;
  asio::awaitable<std::vector<Hold>> hold_all(std::vector<HoldRequest> pairs) override;
  asio::awaitable<void> release_all(std::vector<HeldPair> held) override;
  asio::awaitable<void> publish_all(std::vector<Published> changes) override;

  // Whether level 1 holds the pair (tests and diagnostics).
  bool held(std::string_view school, std::string_view app) const {
    return local_.held(school, app);
  }

  bool fresh() const;
  const std::string& replica_id() const { return id_; }
  // Level-2 entries and messages that failed the MAC check, each treated as a miss (or, for a
  // hold, applied without an acknowledgement): tests and diagnostics.
  std::uint64_t forgeries() const { return forgeries_.load(); }
  // The Redis connections' state, for /metrics.
  struct RedisStats {
    std::size_t connections = 0;
    std::size_t connected = 0;
    std::uint64_t reconnects = 0;    // connections made again after the first
    std::uint64_t stall_resets = 0;  // dropped because Redis stopped answering
  };
  RedisStats redis_stats() const;
  // The replicas the last heartbeat found live in Redis (tests and diagnostics).
  std::vector<std::string> live_on_redis() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Waiter;

  struct Unpublished {
    std::string school;
    std::string app;
    Entry entry;
    std::int64_t epoch;
    std::string message;
  };
  asio::awaitable<void> heartbeat_loop();
  asio::awaitable<void> flush_unpublished();
  // Publishes `items` (a chunk): one script, one one-pair message per pair.
  std::vector<std::string> publish_args(std::span<const Unpublished> items) const;
  // Releases held[begin, end): one script, one "rel" message; they share one token.
  std::vector<std::string> release_args(const std::vector<HeldPair>& held, std::size_t begin,
                                        std::size_t end) const;
  // Where the release script that starts at `begin` ends (a chunk, of one token).
  std::size_t release_chunk_end(const std::vector<HeldPair>& held, std::size_t begin) const;
  asio::awaitable<void> take_back(const std::vector<HoldRequest>& pairs,
                                  const std::vector<Hold>& holds, std::size_t sent);
  asio::awaitable<std::vector<Hold>> hold_one_by_one(std::vector<HoldRequest> pairs);
  // Sends the releases of `held` to Redis; those it could not send are kept for later.
  asio::awaitable<std::size_t> send_releases(std::vector<HeldPair> held);
  void on_message(std::string_view message);
  void on_subscribed();
  void on_lost();
  std::string key(std::string_view school, std::string_view app) const;
  void warn_degraded(std::string_view what);
  // "ENTRY EPOCH TAG": what level 2 stores for the pair.
  std::string signed_entry(std::string_view school, std::string_view app, const Entry& e,
                           std::int64_t epoch) const;
  // BODY with "/TAG" appended to its second word (see docs/architecture.md for why there).
  std::string signed_message(std::string_view body) const;
  void forged(std::string_view what);

  asio::io_context& io_;
  SharedCacheConfig config_;
  std::string id_;
  std::string channel_;
  std::string replicas_key_;
  LocalCache local_;
  std::shared_ptr<RedisConnection> commands_;
  // Level-2 lookups of requests on other workers, one connection each (see lookups_for).
  std::vector<std::pair<asio::execution_context*, std::shared_ptr<RedisConnection>>> lookups_;
  RedisConnection& lookups_for(const asio::any_io_executor& executor);
  std::shared_ptr<RedisConnection> events_;
  std::atomic<std::int64_t> fresh_until_{0};  // steady-clock nanoseconds
  // The store's revocation epoch as last polled, and until when that poll keeps level 1 usable.
  std::atomic<std::int64_t> epoch_{0};
  std::atomic<std::int64_t> store_fresh_until_{0};  // steady-clock nanoseconds
  std::mutex epoch_mutex_;                          // one store_polled at a time
  // Whether a replica that cannot reach the store may use level 2 (answers_without_store).
  void recheck_presence();                // under presence_mutex_
  mutable std::mutex presence_mutex_;     // guards what follows
  std::vector<std::string> store_live_;   // sorted; from the last poll
  std::int64_t store_polled_at_ = 0;      // steady ns of that poll's start
  std::vector<std::string> redis_live_;   // sorted; from the last heartbeat reply
  std::int64_t redis_live_until_ = 0;     // that heartbeat's send + lease - margin
  bool everyone_on_redis_ = false;        // store_live_ within redis_live_
  int withdrawn_ = 0;                     // unheld rejects in progress: no heartbeats
  std::int64_t last_heartbeat_sent_ = 0;  // steady ns; a heartbeat that may have run
  // When Redis first ran a heartbeat of this replica that has not come back on the
  // subscription (0: none): a subscription that delivers nothing for a lease while heartbeats
  // are published is stalled, and is rebuilt.
  std::atomic<std::int64_t> unheard_since_{0};  // steady-clock nanoseconds
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> forgeries_{0};

  std::mutex mutex_;  // guards what follows
  std::map<std::uint64_t, Clock::time_point> heartbeats_sent_;
  std::uint64_t next_nonce_ = 1;
  std::map<std::uint64_t, std::shared_ptr<Waiter>> waiters_;
  std::map<std::string, Unpublished> unpublished_;  // changes Redis has not heard of yet
  std::vector<HeldPair> unreleased_;                // releases Redis has not heard of yet
  std::uint64_t next_seq_ = 1;
  Clock::time_point last_warning_{};
  Clock::time_point last_forgery_warning_{};
};

std::string encode_entry(const Entry& entry);  // "presence version revision"
std::optional<Entry> decode_entry(std::string_view text);

// A level-2 value: an entry ("presence version revision EPOCH TAG"), a hold ("h REVISION
// TOKEN...": no entry at or below REVISION is trustworthy) or, once its holds are released, a
// floor ("h REVISION": entries below REVISION are stale).
struct Level2Record {
  std::optional<Entry> entry;
  std::int64_t epoch = 0;  // the revocation epoch the entry was read under (0: none given)
  std::string entry_text;  // "presence version revision EPOCH", what the tag covers
  std::string tag;
  std::optional<std::int64_t> held;
  std::optional<std::int64_t> floor;
};
Level2Record decode_record(std::string_view text);

}  // namespace canopy::cache
