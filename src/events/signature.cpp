#include "events/signature.hpp"

#include <sodium.h>

#include "auth/crypto.hpp"

namespace canopy::events {

Result<WebhookSecret> WebhookSecret::parse(std::string_view text) {
  constexpr std::string_view kPrefix = "whsec_";
  if (!text.starts_with(kPrefix)) {
    return make_error(Errc::invalid_value,
                      "a webhook secret starts with \"whsec_\" followed by base64");
  }
  auto key = auth::base64_decode(text.substr(kPrefix.size()));
  if (!key) return make_error(Errc::invalid_value, "a webhook secret's key is not valid base64");
  if (key->size() < 24 || key->size() > 64) {
    return make_error(Errc::invalid_value, "a webhook secret's key must be 24 to 64 bytes (it is " +
                                               std::to_string(key->size()) + ")");
  }
  return WebhookSecret(std::move(*key));
}

std::string sign(std::span<const WebhookSecret> secrets, std::string_view id,
                 std::string_view timestamp, std::string_view body) {
  std::string header;
  for (const auto& secret : secrets) {
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.key().data()),
                                secret.key().size());
    const auto update = [&](std::string_view part) {
      crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(part.data()),
                                    part.size());
    };
    update(id);
    update(".");
    update(timestamp);
    update(".");
    update(body);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_final(&state, mac);
    if (!header.empty()) header += ' ';
    header += "v1,";
    header += auth::base64_encode(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
  }
  return header;
}

}  // namespace canopy::events
