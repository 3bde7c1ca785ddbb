// The shared level's warnings, each rate-limited: Redis unavailable (decisions fall back to the
// store) and values or messages that failed their MAC check (counted for /metrics).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string_view>

namespace canopy::cache {

class CacheWarnings {
 public:
  // Redis did not do `what`: logged at warn level at most every 10 s.
  void degraded(std::string_view what);
  // `what` failed its MAC check and was not trusted: counted, logged at most every 10 s.
  void forged(std::string_view what);
  std::uint64_t forgeries() const { return forgeries_.load(); }

 private:
  using Clock = std::chrono::steady_clock;
  std::atomic<std::uint64_t> forgeries_{0};
  std::mutex mutex_;  // guards when each warning was last logged
  Clock::time_point last_degraded_{};
  Clock::time_point last_forged_{};
};

}  // namespace canopy::cache
