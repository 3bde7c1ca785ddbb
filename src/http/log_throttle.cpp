// A compare-and-swap on the next allowed time: of the threads that race past it, one writes.
#include "http/log_throttle.hpp"

namespace canopy::http {

bool LogThrottle::allow(std::chrono::steady_clock::time_point now, std::uint64_t& held_back) {
  const std::int64_t ticks = now.time_since_epoch().count();
  std::int64_t next = next_.load();
  if (ticks < next ||
      !next_.compare_exchange_strong(next, (now + interval_).time_since_epoch().count())) {
    ++held_;
    return false;
  }
  held_back = held_.exchange(0);
  return true;
}

}  // namespace canopy::http
