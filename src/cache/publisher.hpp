// Publishing committed changes: each entry goes to level 2 and, when level 2 takes it, to every
// replica's level 1 as an invalidation, which replaces the pair's holds. What Redis does not
// hear of is kept, newest per pair, and published again once it answers. Invalidations other
// replicas publish are applied here.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cache/replica_context.hpp"
#include "cache/shared_level.hpp"
#include "cache/store_presence.hpp"
#include "cache/wire_codec.hpp"

namespace canopy::cache {

// A change and its signed invalidation, as sent.
struct Unpublished {
  std::string school;
  std::string app;
  Entry entry;
  std::int64_t epoch = 0;
  std::string message;
};

// The changes Redis has not heard of yet, one per pair.
class UnpublishedChanges {
 public:
  // Redis did not hear of these: each is kept unless a newer revision of its pair already is
  // (at the same revision, the later change wins).
  void keep(std::span<const Unpublished> changes);
  std::vector<Unpublished> pending() const;
  // Redis took these: each is forgotten unless its pair was kept at another revision since.
  void published(std::span<const Unpublished> changes);

 private:
  mutable std::mutex mutex_;                    // guards changes_
  std::map<std::string, Unpublished> changes_;  // by "SCHOOL APP"
};

class Publisher {
 public:
  // Invalidations of an older epoch than `presence` knows are not trusted.
  Publisher(ReplicaContext replica, const StorePresence& presence)
      : replica_(replica), presence_(presence) {}

  // See SharedLevel::publish_all.
  asio::awaitable<void> publish_all(std::vector<Published> changes);
  // Publishes again what Redis has not heard of: how many it published, or nullopt when Redis
  // failed again (what is left is kept for the next time).
  asio::awaitable<std::optional<std::size_t>> republish();

  // An "inv ID SEQ SCHOOL APP PRESENCE VERSION REVISION [EPOCH]" message, split in `parts`.
  void invalidated(const std::vector<std::string_view>& parts, const ReceivedMessage& message);

 private:
  // Publishes `changes` (a chunk): one script, one one-pair message per pair.
  RedisCommand publish_command(std::span<const Unpublished> changes) const;

  const ReplicaContext replica_;
  const StorePresence& presence_;
  UnpublishedChanges unpublished_;
};

}  // namespace canopy::cache
