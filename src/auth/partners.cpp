// Partner and service credential checks, in constant time over digests.
#include "auth/partners.hpp"

#include "auth/crypto.hpp"

namespace canopy::auth {

Result<const policy::App*> PartnerAuthenticator::authenticate(std::string_view client_id,
                                                              std::string_view secret) {
  const auto bad = make_error(Errc::invalid_credentials, "unknown client id or wrong secret");
  const auto* app = policy_.find_app(client_id);
  if (app == nullptr || secret.empty()) return bad;
  const auto stored = credentials_.partner_secret_hash(app->id);
  if (!stored || !constant_time_equal(*stored, digest_hex(secret))) return bad;
  return app;
}

Result<std::string> PartnerAuthenticator::set_secret(std::string_view app_id, std::string secret,
                                                     TimePoint at) {
  if (policy_.find_app(app_id) == nullptr) {
    return make_error(Errc::unknown_app, "no app '" + std::string(app_id) + "' in the catalogue");
  }
  if (secret.size() < 16) {
    return make_error(Errc::invalid_value, "a partner secret must be at least 16 characters");
  }
  credentials_.set_partner_secret_hash(app_id, digest_hex(secret), at);
  return secret;
}

ServiceToken::ServiceToken(std::string_view token, std::string_view previous)
    : digest_(digest(token)) {
  if (!previous.empty()) previous_ = digest(previous);
}

bool ServiceToken::matches(std::string_view presented) const {
  if (presented.empty()) return false;
  const Digest d = digest(presented);
  // Both compared every time: which one matched does not show in the time taken.
  const bool current = constant_time_equal(digest_, d);
  const bool previous = previous_ && constant_time_equal(*previous_, d);
  return current || previous;
}

}  // namespace canopy::auth
