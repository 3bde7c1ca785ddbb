// Device cookies, after OWASP's "Slow Down Online Guessing Attacks with Device Cookies": a
// browser that signed into an account is given a signed cookie naming that account. Its later
// attempts at that account are throttled by a budget of their own, not by the budgets of its
// address or of the account, so failures from anyone else (behind the same school NAT, or the
// same Ingress) cannot keep it out; guessing without one stays as slow as before.
//
// The cookie is "1.<issued, unix seconds>.<nonce>.<MAC>": no email in it, the MAC (keyed
// BLAKE2b-256) binds the email it was issued for. Keys are derived from secrets every replica
// shares, so a cookie one replica issued works on all of them.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace canopy::auth {

class DeviceCookies {
 public:
  static constexpr std::string_view kName = "canopy_device";

  // The first secret signs, every one verifies (while a rotation rolls out). Empty: a random
  // key of this process's own, so cookies work only where they were issued.
  DeviceCookies(const std::vector<std::string>& secrets, std::chrono::seconds lifetime);

  std::string issue(std::string_view email, TimePoint now) const;
  // The device's id (its budget's key) when `cookie` was issued for `email` (lower-cased)
  // less than the lifetime ago; nullopt for anything else, malformed or forged.
  std::optional<std::string> verify(std::string_view cookie, std::string_view email,
                                    TimePoint now) const;
  std::chrono::seconds lifetime() const { return lifetime_; }

 private:
  using Key = std::array<unsigned char, 32>;
  std::string mac(const Key& key, std::string_view issued, std::string_view nonce,
                  std::string_view email) const;

  std::vector<Key> keys_;
  std::chrono::seconds lifetime_;
};

}  // namespace canopy::auth
