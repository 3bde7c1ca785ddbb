// Sharded hash map with reader/writer locks; lookups by string_view allocate nothing.
#include "cache/local_cache.hpp"

#include <mutex>

namespace canopy::cache {

std::size_t LocalCache::Hash::operator()(const KeyView& k) const {
  const std::size_t h = std::hash<std::string_view>{}(k.school);
  return h ^ (std::hash<std::string_view>{}(k.app) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

std::optional<Entry> LocalCache::get(std::string_view school, std::string_view app) const {
  const KeyView key{school, app};
  const std::size_t h = Hash{}(key);
  const Shard& shard = shard_for(h);
  std::shared_lock lock(shard.mutex);
  auto it = shard.map.find(key);
  if (it == shard.map.end()) return std::nullopt;
  return it->second;
}

void LocalCache::put(std::string_view school, std::string_view app, const Entry& entry) {
  const KeyView key{school, app};
  const std::size_t h = Hash{}(key);
  Shard& shard = shard_for(h);
  std::unique_lock lock(shard.mutex);
  auto it = shard.map.find(key);
  if (it == shard.map.end()) {
    shard.map.emplace(Key{std::string(school), std::string(app)}, entry);
  } else if (entry.revision >= it->second.revision) {
    it->second = entry;
  }
}

void LocalCache::clear() {
  for (auto& shard : shards_) {
    std::unique_lock lock(shard.mutex);
    shard.map.clear();
  }
}

}  // namespace canopy::cache
