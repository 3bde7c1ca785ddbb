// The one grammar of Canopy's ids (schools, trusts, apps, business roles): what policies and
// tenants may declare, and what every id from outside must match before it is looked up.
#pragma once

#include <cstddef>
#include <string_view>

namespace canopy {

inline constexpr std::size_t kMaxIdLength = 64;

// 1 to 64 characters of [a-z0-9_-], not starting or ending with '-'. One spelling per id: no
// case folding, no padding, no escapes, so a string that passes is compared byte for byte.
constexpr bool is_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength || id.front() == '-' || id.back() == '-') return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

inline constexpr std::size_t kMaxEmailLength = 254;  // RFC 5321

// A user's email as Canopy stores it: printable ASCII in lower case (no look-alikes), one '@'
// with text either side and a '.' after it, at most 254 bytes. Callers lower-case what a
// person typed before asking.
constexpr bool is_email(std::string_view e) {
  const auto at = e.find('@');
  if (e.size() > kMaxEmailLength || at == std::string_view::npos || at == 0 || at + 1 == e.size() ||
      e.find('@', at + 1) != std::string_view::npos || e.find('.', at) == std::string_view::npos) {
    return false;
  }
  for (const char c : e) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= ' ' || u >= 0x7f || (c >= 'A' && c <= 'Z')) return false;
  }
  return true;
}

}  // namespace canopy
