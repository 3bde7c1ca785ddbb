// The cross-replica level of the decision cache, as the API layer sees it.
#pragma once

#include <optional>
#include <string>

#include "cache/decision_cache.hpp"
#include "http/asio.hpp"

namespace canopy::cache {

// The cross-replica level, as the API layer uses it. Embedded mode has none.
class SharedLevel {
 public:
  virtual ~SharedLevel() = default;
  // Level 2 lookup; nullopt on a miss or when Redis is unavailable.
  virtual asio::awaitable<std::optional<Entry>> fetch(std::string school, std::string app) = 0;
  // Stores a level-2 entry read from the store (never replacing a newer revision).
  virtual asio::awaitable<void> remember(std::string school, std::string app, Entry entry) = 0;
  // After a commit: level 2, then every replica. Returns once it is safe to acknowledge.
  virtual asio::awaitable<void> publish(std::string school, std::string app, Entry entry) = 0;
};

}  // namespace canopy::cache
