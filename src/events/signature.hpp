// Standard Webhooks 1.0 signatures: HMAC-SHA256 over "<webhook-id>.<webhook-timestamp>.<body>"
// with the endpoint's secret, sent as "v1,<base64>". While a secret is rotated the message is
// signed with both, space-separated, and a receiver holding either accepts it.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace canopy::events {

// A signing secret: the key bytes of "whsec_<base64>".
class WebhookSecret {
 public:
  // "whsec_" and the standard base64 of 24 to 64 random bytes; invalid_value otherwise, with a
  // message that never quotes the secret.
  static Result<WebhookSecret> parse(std::string_view text);
  const std::string& key() const { return key_; }

 private:
  explicit WebhookSecret(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

// "v1,<sig>" for one secret; for several, each one's, separated by a space.
std::string sign(std::span<const WebhookSecret> secrets, std::string_view id,
                 std::string_view timestamp, std::string_view body);

}  // namespace canopy::events
