// DecisionCache: what the hot path needs to know about one (school, app) pair, cached.
// Entries carry the connection's revision so a stale write can never replace a newer one.
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
};

struct Entry {
  Presence presence = Presence::not_requested;
  int permission_set_version = 0;
  std::int64_t revision = 0;  // the connection's revision; 0 when there is no connection
};

// The entry for a stored connection, from its status, approved version and revision.
Entry entry_for_connection(ConnectionStatus status, int permission_set_version,
                           std::int64_t revision);

class DecisionCache {
 public:
  virtual ~DecisionCache() = default;
  virtual std::optional<Entry> get(std::string_view school, std::string_view app) const = 0;
  // Stores `entry` unless the cache already holds a higher revision for the pair.
  virtual void put(std::string_view school, std::string_view app, const Entry& entry) = 0;
  virtual void clear() = 0;
};

}  // namespace canopy::cache
