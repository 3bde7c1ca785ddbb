// DecisionCache: what the hot path needs to know about one (school, app) pair, cached.
// Entries carry the connection's revision so a stale write can never replace a newer one, and
// the cache has a generation so a write from a read made before a clear() cannot come back.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/connection.hpp"

namespace canopy::cache {

enum class Presence : std::uint8_t {
  unknown_school,  // no such school: negative entry
  not_requested,   // the school exists but the app never asked
  pending,
  approved,
  rejected,
  expired,  // a request nobody decided in time
};

struct Entry {
  Presence presence = Presence::not_requested;
  int permission_set_version = 0;
  std::int64_t revision = 0;  // the connection's revision; 0 when there is no connection
};

// The entry for a stored connection, from its status, approved version and revision.
Entry entry_for_connection(ConnectionStatus status, int permission_set_version,
                           std::int64_t revision);

// Grows with every clear(). A caller takes it before reading what it will put (the store,
// level 2), so a put of a read that a clear() overtook is dropped: clear() forgets the newer
// revisions that would otherwise have made that stale put lose.
using Generation = std::uint64_t;

class DecisionCache {
 public:
  virtual ~DecisionCache() = default;
  virtual std::optional<Entry> get(std::string_view school, std::string_view app) const = 0;
  virtual Generation generation() const = 0;
  // Stores `entry` unless the cache already holds a higher revision for the pair, the pair is
  // held at or above the entry's revision or floored above it, or the cache was cleared since
  // `since`. Whether it stored it: an entry the cache refuses must not be used either (it may
  // be what a hold stands against), so a caller that found it elsewhere reads the store.
  [[nodiscard]] virtual bool put(std::string_view school, std::string_view app, const Entry& entry,
                                 Generation since) = 0;
  // The same for a value that cannot be older than anything the cache has seen since its last
  // clear (tests; the state a message brought, in channel order).
  bool put(std::string_view school, std::string_view app, const Entry& entry) {
    return put(school, app, entry, generation());
  }
  virtual void clear() = 0;
};

}  // namespace canopy::cache
