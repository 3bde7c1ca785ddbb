// Sharded hash map with reader/writer locks; lookups by string_view allocate nothing.
#include "cache/local_cache.hpp"

#include <algorithm>
#include <mutex>

namespace canopy::cache {

Entry entry_for_connection(ConnectionStatus status, int permission_set_version,
                           std::int64_t revision) {
  Presence presence = Presence::pending;
  if (status == ConnectionStatus::approved) presence = Presence::approved;
  if (status == ConnectionStatus::rejected) presence = Presence::rejected;
  if (status == ConnectionStatus::expired) presence = Presence::expired;
  return {presence, permission_set_version, revision};
}

std::size_t LocalCache::Hash::operator()(const KeyView& k) const {
  const std::size_t h = std::hash<std::string_view>{}(k.school);
  return h ^ (std::hash<std::string_view>{}(k.app) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

bool LocalCache::Slot::blocks(std::int64_t revision) const {
  if (revision < floor) return true;
  return std::any_of(holds.begin(), holds.end(),
                     [&](const Hold& h) { return h.revision >= revision; });
}

LocalCache::Slot& LocalCache::slot(Shard& shard, std::string_view school, std::string_view app) {
  auto it = shard.map.find(KeyView{school, app});
  if (it == shard.map.end())
    it = shard.map.emplace(Key{std::string(school), std::string(app)}, Slot{}).first;
  return it->second;
}

std::optional<Entry> LocalCache::get(std::string_view school, std::string_view app) const {
  const KeyView key{school, app};
  const Shard& shard = shard_for(Hash{}(key));
  std::shared_lock lock(shard.mutex);
  auto it = shard.map.find(key);
  if (it == shard.map.end()) return std::nullopt;
  return it->second.entry;  // holds and floors never leave a blocked entry in place
}

bool LocalCache::put(std::string_view school, std::string_view app, const Entry& entry,
                     Generation since) {
  Shard& shard = shard_for(Hash{}(KeyView{school, app}));
  std::unique_lock lock(shard.mutex);
  // Checked under the shard lock, and clear() bumps the generation before it takes the shard
  // locks: a put either sees the new generation or lands before the shard is cleared.
  if (generation() != since) return false;
  Slot& s = slot(shard, school, app);
  if (s.blocks(entry.revision)) return false;
  if (s.entry && s.entry->revision > entry.revision) return false;
  s.entry = entry;
  // The store has reached this revision, so holds below it guard nothing more: any later read
  // returns at least this revision, and an earlier one loses to it (or to the generation).
  std::erase_if(s.holds, [&](const Hold& h) { return h.revision < entry.revision; });
  return true;
}

void LocalCache::clear() {
  generation_.fetch_add(1, std::memory_order_acq_rel);
  for (auto& shard : shards_) {
    std::unique_lock lock(shard.mutex);
    for (auto it = shard.map.begin(); it != shard.map.end();) {
      it->second.entry.reset();
      it = it->second.empty() ? shard.map.erase(it) : std::next(it);
    }
  }
}

void LocalCache::hold(std::string_view school, std::string_view app, std::int64_t revision,
                      std::string_view token) {
  Shard& shard = shard_for(Hash{}(KeyView{school, app}));
  std::unique_lock lock(shard.mutex);
  Slot& s = slot(shard, school, app);
  if (s.entry && s.entry->revision > revision) return;  // the store is past it: the change fails
  s.entry.reset();
  const bool known = std::any_of(s.holds.begin(), s.holds.end(), [&](const Hold& h) {
    return h.revision == revision && h.token == token;
  });
  if (!known) s.holds.push_back({revision, std::string(token)});
}

void LocalCache::release(std::string_view school, std::string_view app, std::int64_t revision,
                         std::string_view token) {
  Shard& shard = shard_for(Hash{}(KeyView{school, app}));
  std::unique_lock lock(shard.mutex);
  auto it = shard.map.find(KeyView{school, app});
  if (it == shard.map.end()) return;
  std::erase_if(it->second.holds,
                [&](const Hold& h) { return h.revision == revision && h.token == token; });
  if (it->second.empty()) shard.map.erase(it);
}

void LocalCache::raise_floor(std::string_view school, std::string_view app, std::int64_t revision) {
  if (revision <= 0) return;
  Shard& shard = shard_for(Hash{}(KeyView{school, app}));
  std::unique_lock lock(shard.mutex);
  Slot& s = slot(shard, school, app);
  s.floor = std::max(s.floor, revision);
  if (s.entry && s.entry->revision < s.floor) s.entry.reset();
}

bool LocalCache::held(std::string_view school, std::string_view app) const {
  const KeyView key{school, app};
  const Shard& shard = shard_for(Hash{}(key));
  std::shared_lock lock(shard.mutex);
  auto it = shard.map.find(key);
  return it != shard.map.end() && !it->second.holds.empty();
}

}  // namespace canopy::cache
