// Time as Canopy stores it (milliseconds since the Unix epoch) and an injectable clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace canopy {

using TimePoint = std::chrono::system_clock::time_point;

std::int64_t to_unix_ms(TimePoint t);
TimePoint from_unix_ms(std::int64_t ms);
// RFC 3339 in UTC with milliseconds, e.g. 2026-11-29T18:04:42.123Z.
std::string format_rfc3339(TimePoint t);
// An RFC 3339 date-time, e.g. 2026-11-29T18:04:42Z, 2026-11-29T18:04:42.5+01:00; fractions
// beyond milliseconds are dropped. nullopt for anything else.
std::optional<TimePoint> parse_rfc3339(std::string_view text);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

}  // namespace canopy
