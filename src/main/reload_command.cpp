// `canopy policies reload`: asks a running `canopy serve` to read its policies directory again
// (POST /internal/v1/policies/reload with the service token) and prints what it answered.
#include <iostream>

#include "http/asio.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "main/commands.hpp"
#include "main/store_config.hpp"

namespace canopy::cli {
namespace {

namespace bhttp = boost::beast::http;

struct Target {
  std::string host;
  std::string port;
};

// http://HOST:PORT, with an optional trailing slash; nothing else.
std::optional<Target> parse_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return std::nullopt;
  url.remove_prefix(kScheme.size());
  if (url.ends_with('/')) url.remove_suffix(1);
  const auto colon = url.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == url.size()) return std::nullopt;
  Target t{std::string(url.substr(0, colon)), std::string(url.substr(colon + 1))};
  if (t.host.front() == '[' && t.host.back() == ']') t.host = t.host.substr(1, t.host.size() - 2);
  if (t.port.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return t;
}

}  // namespace

int policies_reload(const ReloadOptions& o) {
  const auto target = parse_url(o.url);
  if (!target) {
    std::cerr << "--url must be http://HOST:PORT (the listener serving /internal/*), not '" << o.url
              << "'\n";
    return kUsage;
  }
  std::string token;
  if (!read_secret(o.service_token_file, "CANOPY_SERVICE_TOKEN", "service token", token))
    return kInvalid;
  if (token.empty()) {
    std::cerr << "no service token: set CANOPY_SERVICE_TOKEN or --service-token-file\n";
    return kInvalid;
  }
  try {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    asio::ip::tcp::socket socket(io);
    asio::connect(socket, resolver.resolve(target->host, target->port));
    bhttp::request<bhttp::string_body> request{bhttp::verb::post, "/internal/v1/policies/reload",
                                               11};
    request.set(bhttp::field::host, target->host);
    request.set(bhttp::field::authorization, "Bearer " + token);
    request.set(bhttp::field::user_agent, "canopy policies reload");
    request.prepare_payload();
    bhttp::write(socket, request);
    boost::beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> response;
    bhttp::read(socket, buffer, response);
    const auto body = nlohmann::json::parse(response.body(), nullptr, false);
    if (response.result_int() == 200 && body.is_object()) {
      std::cout << o.url << ": reloaded: policies " << body.value("digest", "") << " in force, "
                << body.value("apps", 0) << " apps\n";
      return kOk;
    }
    if (response.result_int() == 422 && body.is_object()) {
      for (const auto& e : body.value("errors", nlohmann::json::array()))
        std::cerr << e.get<std::string>() << '\n';
      std::cerr << o.url << ": refused: " << body.value("message", "") << '\n';
      return kInvalid;
    }
    std::cerr << o.url << ": answered " << response.result_int() << ": "
              << (body.is_object() ? body.value("message", response.body()) : response.body())
              << '\n';
    return kFailure;
  } catch (const std::exception& e) {
    std::cerr << o.url << ": " << e.what() << '\n';
    return kFailure;
  }
}

}  // namespace canopy::cli
