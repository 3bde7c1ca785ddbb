// Where each partner app's events go: its webhook URL and signing secrets, configured by the
// operator in one YAML file (`canopy serve --webhooks FILE`). Secrets are never in the file
// itself, only a reference to where they are: `env:NAME` (an environment variable) or
// `file:PATH` (a mounted Kubernetes Secret, say). An app with no endpoint still has its events
// (GET /partner/v1/events); none of them is pushed.
//
//   endpoints:
//     wonde:
//       url: https://hooks.wonde.example/canopy
//       secret: env:CANOPY_WEBHOOK_SECRET_WONDE
//       previous_secret: file:/run/secrets/wonde-previous   # while rotating; optional
//   ca_file: /etc/canopy/partner-ca.pem                     # optional: trust these CAs too
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "events/signature.hpp"

namespace canopy::events {

// An http or https URL without credentials or fragment.
struct WebhookUrl {
  bool tls = false;
  std::string host;  // a name or an IP address (IPv6 without brackets)
  std::uint16_t port = 0;
  std::string target;  // path and query, at least "/"
  std::string text;    // as configured
  static Result<WebhookUrl> parse(std::string_view text);
};

struct Endpoint {
  std::string app_id;
  WebhookUrl url;
  std::vector<WebhookSecret> secrets;  // the current one first, then the previous one
};

struct Endpoints {
  std::map<std::string, Endpoint, std::less<>> by_app;
  std::optional<std::filesystem::path> ca_file;
  std::vector<std::string> apps() const;
};

// Reads `file` and resolves every secret reference; every problem as "file:line: message".
// `known_app` says whether an app id is in the catalogue (a typo must not pass silently).
Result<Endpoints> load_endpoints(const std::filesystem::path& file,
                                 const std::function<bool(std::string_view)>& known_app);

}  // namespace canopy::events
