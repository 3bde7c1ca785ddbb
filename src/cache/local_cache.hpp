// In-process decision cache: the embedded default, and the first level in front of Redis.
// Besides entries it keeps holds (a change that takes an allow away is about to commit at a
// revision: entries at or below it are not trustworthy) and floors (level 2 said entries below
// a revision are stale); see docs/design/revocation.md, "Revocation across replicas".
#pragma once

#include <array>
#include <atomic>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "cache/decision_cache.hpp"

namespace canopy::cache {

class LocalCache final : public DecisionCache {
 public:
  using DecisionCache::put;

  std::optional<Entry> get(std::string_view school, std::string_view app) const override;
  Generation generation() const override { return generation_.load(std::memory_order_acquire); }
  bool put(std::string_view school, std::string_view app, const Entry& entry,
           Generation since) override;
  // Forgets entries; keeps holds and floors, which only ever make the cache miss.
  void clear() override;

  // Until release() of the same revision and token, or an entry above `revision`, the pair
  // takes no entry at or below `revision`. A hold below a cached entry's revision is moot.
  void hold(std::string_view school, std::string_view app, std::int64_t revision,
            std::string_view token);
  void release(std::string_view school, std::string_view app, std::int64_t revision,
               std::string_view token);
  // The pair takes no entry below `revision` from now on (never lowered).
  void raise_floor(std::string_view school, std::string_view app, std::int64_t revision);
  bool held(std::string_view school, std::string_view app) const;

 private:
  struct Hold {
    std::int64_t revision;
    std::string token;
  };
  struct Slot {
    std::optional<Entry> entry;
    std::vector<Hold> holds;
    std::int64_t floor = 0;
    bool blocks(std::int64_t revision) const;
    bool empty() const { return !entry && holds.empty() && floor == 0; }
  };
  struct Key {
    std::string school;
    std::string app;
  };
  struct KeyView {
    std::string_view school;
    std::string_view app;
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(const KeyView& k) const;
    std::size_t operator()(const Key& k) const { return (*this)(KeyView{k.school, k.app}); }
  };
  struct Equal {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return a.school == b.school && a.app == b.app;
    }
  };
  using Map = std::unordered_map<Key, Slot, Hash, Equal>;

  // Shards keep readers on different io threads off each other's cache lines and locks.
  static constexpr std::size_t kShards = 16;
  struct alignas(64) Shard {
    mutable std::shared_mutex mutex;
    Map map;
  };
  Shard& shard_for(std::size_t hash) { return shards_[hash % kShards]; }
  const Shard& shard_for(std::size_t hash) const { return shards_[hash % kShards]; }
  Slot& slot(Shard& shard, std::string_view school, std::string_view app);

  std::array<Shard, kShards> shards_;
  std::atomic<Generation> generation_{0};
};

}  // namespace canopy::cache
