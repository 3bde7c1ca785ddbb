// A clock tests move by hand.
#pragma once

#include <atomic>

#include "core/time.hpp"

namespace canopy::testing {

class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = from_unix_ms(1'796'000'000'000))
      : now_ms_(to_unix_ms(start)) {}
  TimePoint now() const override { return from_unix_ms(now_ms_.load()); }
  void advance(std::chrono::milliseconds by) { now_ms_ += by.count(); }

 private:
  std::atomic<std::int64_t> now_ms_;
};

}  // namespace canopy::testing
