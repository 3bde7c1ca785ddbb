// At most one log line per interval for an event an attacker can repeat at will (a refused or
// closed connection); the next line says how many were held back.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace canopy::http {

// Safe to use from any thread.
class LogThrottle {
 public:
  explicit LogThrottle(std::chrono::steady_clock::duration interval) : interval_(interval) {}
  // True when a line may be written at `now`; then `held_back` is how many were not written
  // since the last line.
  bool allow(std::chrono::steady_clock::time_point now, std::uint64_t& held_back);

 private:
  std::chrono::steady_clock::duration interval_;
  std::atomic<std::int64_t> next_{0};  // steady_clock ticks; 0: write the first line at once
  std::atomic<std::uint64_t> held_{0};
};

}  // namespace canopy::http
