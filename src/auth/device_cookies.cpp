// Device cookies: issue and verify.
#include "auth/device_cookies.hpp"

#include <charconv>

#include <sodium.h>

#include "auth/crypto.hpp"

namespace canopy::auth {
namespace {

constexpr std::size_t kNonceBytes = 16;
constexpr std::size_t kMacBytes = 32;

std::string base64url(const unsigned char* bytes, std::size_t size) {
  std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// Splits "a.b.c.d" into exactly four parts.
std::optional<std::array<std::string_view, 4>> four_parts(std::string_view text) {
  std::array<std::string_view, 4> out;
  for (std::size_t i = 0; i < 3; ++i) {
    const auto dot = text.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    out[i] = text.substr(0, dot);
    text.remove_prefix(dot + 1);
  }
  if (text.find('.') != std::string_view::npos) return std::nullopt;
  out[3] = text;
  return out;
}

}  // namespace

DeviceCookies::DeviceCookies(const std::vector<std::string>& secrets, std::chrono::seconds lifetime)
    : lifetime_(lifetime) {
  for (const auto& secret : secrets) {
    // A key of its own, derived: the cookie's MAC never uses the shared secret itself.
    const std::string input = "canopy-device-cookie-v1\n" + secret;
    Key key;
    crypto_generichash(key.data(), key.size(), reinterpret_cast<const unsigned char*>(input.data()),
                       input.size(), nullptr, 0);
    keys_.push_back(key);
  }
  if (keys_.empty()) {
    Key key;
    randombytes_buf(key.data(), key.size());
    keys_.push_back(key);
  }
}

std::string DeviceCookies::mac(const Key& key, std::string_view issued, std::string_view nonce,
                               std::string_view email) const {
  const std::string message =
      "1\n" + std::string(issued) + "\n" + std::string(nonce) + "\n" + std::string(email);
  unsigned char out[kMacBytes];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size(), key.data(), key.size());
  return base64url(out, sizeof out);
}

std::string DeviceCookies::issue(std::string_view email, TimePoint now) const {
  unsigned char nonce_bytes[kNonceBytes];
  randombytes_buf(nonce_bytes, sizeof nonce_bytes);
  const std::string nonce = base64url(nonce_bytes, sizeof nonce_bytes);
  const std::string issued = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
  return "1." + issued + "." + nonce + "." + mac(keys_.front(), issued, nonce, email);
}

std::optional<std::string> DeviceCookies::verify(std::string_view cookie, std::string_view email,
                                                 TimePoint now) const {
  if (cookie.size() > 128) return std::nullopt;
  const auto parts = four_parts(cookie);
  if (!parts || (*parts)[0] != "1") return std::nullopt;
  const auto [version, issued_text, nonce, given_mac] = *parts;
  (void)version;
  // Unix seconds, at most 10 digits (until 2286): no larger value reaches the clock's type.
  long long issued = 0;
  if (issued_text.empty() || issued_text.size() > 10) return std::nullopt;
  const auto [end, ec] =
      std::from_chars(issued_text.data(), issued_text.data() + issued_text.size(), issued);
  if (ec != std::errc() || end != issued_text.data() + issued_text.size() || issued < 0)
    return std::nullopt;
  const auto at = TimePoint(std::chrono::seconds(issued));
  // Not from the future (a minute of clock skew between replicas aside), not past its life.
  if (at > now + std::chrono::minutes(1) || now - at >= lifetime_) return std::nullopt;
  bool valid = false;
  for (const auto& key : keys_)
    valid = constant_time_equal(mac(key, issued_text, nonce, email), given_mac) || valid;
  if (!valid) return std::nullopt;
  return std::string(nonce);
}

}  // namespace canopy::auth
