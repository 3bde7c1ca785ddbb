// What the shared level keeps in Redis: its key names, and the Lua scripts that change them,
// each with the KEYS/ARGV layout it expects. Every script is sent whole with EVAL.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cache/shared_level.hpp"

namespace canopy::cache {

using RedisCommand = std::vector<std::string>;

// Starts the id of every replica that reads batch messages ("hold TOKEN S A R S A R ..."): ids
// of older versions are 12 hex digits, so they never start with it.
inline constexpr std::string_view kBatchReaderMark = "b-";

// What the hold script answers, changing nothing, when a live replica does not read batches.
inline constexpr std::string_view kLegacyReplicaLive = "legacy";

// Key and channel names under one deployment's prefix.
class RedisKeys {
 public:
  explicit RedisKeys(std::string prefix)
      : prefix_(std::move(prefix)),
        channel_(prefix_ + ":events"),
        replicas_(prefix_ + ":replicas") {}
  // Heartbeats, holds, releases, acknowledgements and invalidations, in publish order.
  const std::string& channel() const { return channel_; }
  // A sorted set: each replica's id, scored with when its registration ends (Redis's clock, ms).
  const std::string& replicas() const { return replicas_; }
  // The pair's level-2 value (see Level2Record).
  std::string entry(std::string_view school, std::string_view app) const {
    return prefix_ + ":conn:" + std::string(school) + ":" + std::string(app);
  }

 private:
  std::string prefix_;
  std::string channel_;
  std::string replicas_;
};

namespace scripts {

// Stores a level-2 entry read from the store, unless the value there is newer or a hold.
RedisCommand remember(std::string key, std::string value, std::int64_t revision,
                      std::chrono::milliseconds ttl);

// One pair of a publish script: its key, its signed level-2 value, and its message.
struct Publication {
  std::string key;
  std::string value;
  std::int64_t revision = 0;
  std::string_view message;
};
// After commits: stores each entry level 2 takes and announces only those. Replies with how
// many were taken (an integer).
RedisCommand publish(const RedisKeys& keys, std::chrono::milliseconds ttl,
                     std::vector<Publication> pairs);

// Holds `pairs` at their revisions under `token`; `message` ('' but in a batch's last chunk) is
// published and the live replicas returned (an array; empty but in the last chunk). With
// `batch`, replies kLegacyReplicaLive and changes nothing while a replica of an older version is
// live.
RedisCommand hold(const RedisKeys& keys, std::span<const HoldRequest> pairs,
                  const std::string& token, std::chrono::milliseconds ttl, std::string message,
                  bool batch);

// Takes `held` (all of one token) off level 2, leaving floors, and publishes `message`.
RedisCommand release(const RedisKeys& keys, std::span<const HeldPair> held, std::string message,
                     std::chrono::milliseconds ttl);

// Registers replica `id` for a lease (Redis's clock), publishes `message` (its heartbeat), and
// replies with the replicas registered now (an array of ids).
RedisCommand heartbeat(const RedisKeys& keys, const std::string& id,
                       std::chrono::milliseconds lease, std::string message);

}  // namespace scripts
}  // namespace canopy::cache
