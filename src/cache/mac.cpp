// Keyed BLAKE2b (libsodium's crypto_generichash with a key) truncated to 128 bits.
#include "cache/mac.hpp"

#include <sodium.h>

#include <stdexcept>

namespace canopy::cache {
namespace {

constexpr std::size_t kTagBytes = 16;
// Domain separation: the same secret used for anything else yields an unrelated key.
constexpr std::string_view kContext = "canopy redis mac v1\n";

void init_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

std::optional<MacKeys> MacKeys::from_secrets(std::string_view current, std::string_view previous) {
  init_sodium();
  if (current.size() < kMinSecret || (!previous.empty() && previous.size() < kMinSecret))
    return std::nullopt;
  auto derive = [](std::string_view secret) {
    Key key{};
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, key.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(kContext.data()),
                              kContext.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
    crypto_generichash_final(&state, key.data(), key.size());
    return key;
  };
  MacKeys keys;
  keys.current_ = derive(current);
  if (!previous.empty()) keys.previous_ = derive(previous);
  return keys;
}

std::string MacKeys::tag_of(const Key& key, std::string_view data) {
  unsigned char mac[kTagBytes];
  crypto_generichash(mac, sizeof mac, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size(), key.data(), key.size());
  char text[sodium_base64_ENCODED_LEN(kTagBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(text, sizeof text, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return text;
}

std::string MacKeys::sign(std::string_view data) const {
  return tag_of(current_, data);
}

bool MacKeys::verify(std::string_view data, std::string_view tag) const {
  auto matches = [&](const Key& key) {
    const std::string expected = tag_of(key, data);
    return tag.size() == expected.size() &&
           sodium_memcmp(expected.data(), tag.data(), expected.size()) == 0;
  };
  // Both are computed, so the time taken does not say which key matched.
  const bool current = matches(current_);
  const bool previous = previous_ && matches(*previous_);
  return current || previous;
}

}  // namespace canopy::cache
