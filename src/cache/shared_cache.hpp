// Decision cache shared by replicas through Redis, with revocation that is immediate across
// them. Two levels: each replica's in-process entries (level 1, answered without I/O) and
// Redis entries (level 2, shared). The design, and why no replica can allow after a reject has
// been acknowledged, is in docs/design/revocation.md ("Revocation across replicas"). In short:
//  * a replica may use level 1 only while it is *fresh*: it has received its own heartbeat,
//    published on the event channel, within the last lease (minus a margin). Redis delivers a
//    channel's messages in order, so a replica that received its heartbeat has also applied
//    every message published before it (lease.hpp);
//  * before a change that takes an allow away is committed, the deciding replica *holds* the
//    pair at the revision it read: level 2 and every replica's level 1 stop trusting entries at
//    or below it. The hold is in force once every live replica has acknowledged it or a full
//    lease has passed; if Redis cannot be told, the change is refused (holds.hpp);
//  * after the commit, the new entry is published; it replaces the holds (publisher.hpp);
//  * losing the subscription makes a replica unfresh at once and clears level 1's entries (not
//    its holds) when it returns.
// SharedCache composes those parts over two Redis connections (commands, and the events
// channel) and a LocalCache; what it writes and reads is signed (wire_codec.hpp) and laid out
// as redis_scripts.hpp says.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cache/cache_warnings.hpp"
#include "cache/holds.hpp"
#include "cache/lease.hpp"
#include "cache/local_cache.hpp"
#include "cache/publisher.hpp"
#include "cache/redis_connection.hpp"
#include "cache/redis_scripts.hpp"
#include "cache/replica_context.hpp"
#include "cache/shared_cache_config.hpp"
#include "cache/shared_level.hpp"
#include "cache/store_presence.hpp"
#include "cache/wire_codec.hpp"

namespace canopy::cache {

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
  std::int64_t epoch() const override { return presence_.epoch(); }
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
  std::uint64_t forgeries() const { return warnings_.forgeries(); }
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

  asio::awaitable<void> heartbeat_loop();
  // Sends what Redis missed while it was unreachable: releases first, then changes.
  asio::awaitable<void> flush_unsent();
  void on_message(std::string_view message);
  // What holds_ and publisher_ work with (members constructed before them).
  ReplicaContext replica();
  // Level-2 lookups of requests on other workers, one connection each.
  RedisConnection& lookups_for(const asio::any_io_executor& executor);

  asio::io_context& io_;
  SharedCacheConfig config_;
  std::string id_;
  RedisKeys keys_;
  WireSigner signer_;
  CacheWarnings warnings_;
  LocalCache local_;
  Lease lease_;
  StorePresence presence_;
  std::shared_ptr<RedisConnection> commands_;
  std::vector<std::pair<asio::execution_context*, std::shared_ptr<RedisConnection>>> lookups_;
  std::shared_ptr<RedisConnection> events_;
  std::atomic<std::uint64_t> sequence_{1};  // see ReplicaContext::sequence
  Holds holds_;
  Publisher publisher_;
  std::atomic<bool> stopping_{false};
};

}  // namespace canopy::cache
