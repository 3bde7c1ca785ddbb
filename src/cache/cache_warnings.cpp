// Rate-limited so that a Redis outage or a stream of forgeries cannot flood the log.
#include "cache/cache_warnings.hpp"

#include <spdlog/spdlog.h>

namespace canopy::cache {

void CacheWarnings::degraded(std::string_view what) {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  if (now - last_degraded_ < std::chrono::seconds(10)) return;
  last_degraded_ = now;
  spdlog::warn("redis unavailable: {}; decisions come from the store until it returns", what);
}

void CacheWarnings::forged(std::string_view what) {
  forgeries_.fetch_add(1);
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  if (now - last_forged_ < std::chrono::seconds(10)) return;
  last_forged_ = now;
  spdlog::warn(
      "redis: {} failed its MAC check and was not trusted (a forged value, or a replica "
      "with another --redis-mac-key); {} so far",
      what, forgeries_.load());
}

}  // namespace canopy::cache
