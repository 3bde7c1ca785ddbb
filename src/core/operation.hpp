// The four things an app may do to a data type: read, write (create), update, delete.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace canopy {

enum class Operation : std::uint8_t { read, write, update, del };

inline constexpr std::array<Operation, 4> kAllOperations{Operation::read, Operation::write,
                                                         Operation::update, Operation::del};

std::string_view to_string(Operation op);
std::optional<Operation> parse_operation(std::string_view text);

// A set of operations as a bit mask, so the hot path tests membership with one AND.
class Operations {
 public:
  constexpr Operations() = default;
  constexpr void add(Operation op) { bits_ = static_cast<std::uint8_t>(bits_ | bit(op)); }
  constexpr bool has(Operation op) const { return (bits_ & bit(op)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr bool only_read() const { return bits_ == bit(Operation::read); }
  friend constexpr bool operator==(Operations, Operations) = default;

 private:
  static constexpr std::uint8_t bit(Operation op) {
    return static_cast<std::uint8_t>(1u << static_cast<unsigned>(op));
  }
  std::uint8_t bits_ = 0;
};

}  // namespace canopy
