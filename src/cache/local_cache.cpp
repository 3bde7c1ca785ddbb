// Sharded hash map with reader/writer locks; lookups by string_view allocate nothing.
#include "cache/local_cache.hpp"

#include <mutex>

namespace canopy::cache {

Entry entry_for_connection(ConnectionStatus status, int permission_set_version,
                           std::int64_t revision) {
  Presence presence = Presence::pending;
  if (status == ConnectionStatus::approved) presence = Presence::approved;
  if (status == ConnectionStatus::rejected) presence = Presence::rejected;
  return {presence, permission_set_version, revision};
}

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
