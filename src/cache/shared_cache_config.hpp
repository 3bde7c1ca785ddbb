// How a SharedCache reaches Redis and times its leases, holds and entries.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "cache/mac.hpp"
#include "cache/redis_connection.hpp"

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
  // assumptions in docs/design/revocation.md), and no longer, since a hold only costs lookups.
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
  // poll of the epoch (so that a database outage is answered for this long), provided every
  // replica it last saw in the store is still live on Redis (docs/design/revocation.md).
  std::chrono::milliseconds without_store{std::chrono::hours(2)};
  // Off, replicas never invalidate each other: publish only writes level 2, hold does not wait,
  // and hold, rel and inv messages are ignored. Only a deliberately broken build
  // (-DCANOPY_BROKEN_INVALIDATION=ON) turns it off, to prove the replica tests catch it.
  bool invalidation_enabled = true;
};

}  // namespace canopy::cache
