// What the parts of one replica's shared level send, sign and count with. SharedCache owns each
// of these and hands the parts references: they all live exactly as long as the replica.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include "cache/cache_warnings.hpp"
#include "cache/local_cache.hpp"
#include "cache/redis_connection.hpp"
#include "cache/redis_scripts.hpp"
#include "cache/shared_cache_config.hpp"
#include "cache/wire_codec.hpp"

namespace canopy::cache {

struct ReplicaContext {
  const SharedCacheConfig& config;
  const std::string& id;
  const RedisKeys& keys;
  const WireSigner& signer;
  LocalCache& level1;
  RedisConnection& commands;
  // Numbers this replica's holds (their tokens) and invalidations, in one series.
  std::atomic<std::uint64_t>& sequence;
  CacheWarnings& warnings;

  // Pairs per script of a batch (at least one).
  std::size_t chunk() const { return std::max<std::size_t>(config.batch_chunk, 1); }
};

}  // namespace canopy::cache
