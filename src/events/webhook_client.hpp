// One HTTP POST to a partner's webhook endpoint, over plain TCP or TLS (the system's CAs, and the
// operator's extra CA file, with the host name checked), within one deadline for everything:
// resolving, connecting, the TLS handshake, sending and the answer's head. Redirects are not
// followed: a 3xx is an answer like any other that is not 2xx.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "events/endpoints.hpp"
#include "http/asio.hpp"

namespace canopy::events {

struct PostOutcome {
  std::optional<int> status;  // nullopt: no answer (refused, reset, timed out, TLS failed...)
  std::string error;          // why there was no answer, or "" with one
};

class WebhookClient {
 public:
  // `ca_file`: trusted besides the system's CAs. Throws std::runtime_error when it cannot be read.
  explicit WebhookClient(const std::optional<std::filesystem::path>& ca_file);
  ~WebhookClient();

  asio::awaitable<PostOutcome> post(const WebhookUrl& url,
                                    const std::vector<std::pair<std::string, std::string>>& headers,
                                    const std::string& body, std::chrono::milliseconds timeout);

 private:
  struct Tls;
  std::unique_ptr<Tls> tls_;
};

}  // namespace canopy::events
