// The cross-replica level of the decision cache, as the API layer sees it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cache/decision_cache.hpp"
#include "http/asio.hpp"

namespace canopy::cache {

// A pair marked, on every replica and in level 2, as about to change at `revision`.
struct Hold {
  std::int64_t revision = 0;
  std::string token;  // which replica placed it, and which of its holds: releases only this one
};

// The cross-replica level, as the API layer uses it. Embedded mode has none.
class SharedLevel {
 public:
  virtual ~SharedLevel() = default;
  // Level 2 lookup; nullopt on a miss, for a held pair, or when Redis is unavailable.
  virtual asio::awaitable<std::optional<Entry>> fetch(std::string school, std::string app) = 0;
  // Stores a level-2 entry read from the store (never replacing a newer revision or a hold).
  virtual asio::awaitable<void> remember(std::string school, std::string app, Entry entry) = 0;
  // Before a change that takes an allow away, which will commit only if the connection is still
  // at `revision`: from the return on, no replica trusts an entry at or below it. Throws
  // UnavailableError when that cannot be made sure of (Redis unreachable): do not commit then.
  virtual asio::awaitable<Hold> hold(std::string school, std::string app,
                                     std::int64_t revision) = 0;
  // The change did not happen: lifts this hold (best effort; a lost release costs lookups only).
  virtual asio::awaitable<void> release(std::string school, std::string app, Hold hold) = 0;
  // After a commit: level 2, then every replica (the entry replaces the holds).
  virtual asio::awaitable<void> publish(std::string school, std::string app, Entry entry) = 0;
};

}  // namespace canopy::cache
