// In-process decision cache: the embedded default, and the first level in front of Redis.
#pragma once

#include <array>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "cache/decision_cache.hpp"

namespace canopy::cache {

class LocalCache final : public DecisionCache {
 public:
  std::optional<Entry> get(std::string_view school, std::string_view app) const override;
  void put(std::string_view school, std::string_view app, const Entry& entry) override;
  void clear() override;

 private:
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
  using Map = std::unordered_map<Key, Entry, Hash, Equal>;

  // Shards keep readers on different io threads off each other's cache lines and locks.
  static constexpr std::size_t kShards = 16;
  struct alignas(64) Shard {
    mutable std::shared_mutex mutex;
    Map map;
  };
  Shard& shard_for(std::size_t hash) { return shards_[hash % kShards]; }
  const Shard& shard_for(std::size_t hash) const { return shards_[hash % kShards]; }

  std::array<Shard, kShards> shards_;
};

}  // namespace canopy::cache
