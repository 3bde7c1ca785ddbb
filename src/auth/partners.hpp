// Machine credentials: partner apps' client id and secret, and the gateway's service token.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/crypto.hpp"
#include "core/result.hpp"
#include "policy/live.hpp"
#include "store/store.hpp"

namespace canopy::auth {

// Partner apps authenticate with HTTP Basic: client id (the app id) and secret.
class PartnerAuthenticator {
 public:
  PartnerAuthenticator(const policy::LivePolicies& policy, store::CredentialStore& credentials)
      : policy_(policy), credentials_(credentials) {}

  Result<const policy::App*> authenticate(std::string_view client_id, std::string_view secret);
  // Stores a new secret for the app; returns it. The store only ever sees its digest.
  Result<std::string> set_secret(std::string_view app_id, std::string secret, TimePoint at);

 private:
  const policy::LivePolicies& policy_;
  store::CredentialStore& credentials_;
};

// The gateway's bearer token, held only as a digest once configured.
// The gateway's bearer token, and during a rotation the one it replaces: both are accepted until
// the operator removes the previous one.
class ServiceToken {
 public:
  explicit ServiceToken(std::string_view token, std::string_view previous = {});
  bool matches(std::string_view presented) const;

 private:
  Digest digest_;
  std::optional<Digest> previous_;
};

}  // namespace canopy::auth
