// Steady-clock moments as nanosecond counts, so that they fit in an atomic.
#pragma once

#include <chrono>
#include <cstdint>

namespace canopy::cache {

inline std::int64_t ticks(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace canopy::cache
