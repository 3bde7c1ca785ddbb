// The response serializer: written by hand, because a response is a few fixed headers and a
// body already in memory, and building it straight into the connection's reused buffer costs
// no allocation once that buffer has grown.
#include "http/response_writer.hpp"

#include <algorithm>
#include <random>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/status.hpp>
#include <nlohmann/json.hpp>

namespace canopy::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

bool safe_header_text(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

}  // namespace

Response error_response(unsigned status, std::string_view code, std::string_view message) {
  nlohmann::json body{{"code", code}, {"message", message}};
  return Response{status, "application/json", body.dump(), {}};
}

bool serialize_response(const Response& response, std::string_view request_id, bool keep_alive,
                        int request_version, bool head, std::string& out) {
  for (const auto& [name, value] : response.headers) {
    if (name.empty() || !safe_header_text(name) || !safe_header_text(value)) return false;
  }
  if (!safe_header_text(response.content_type) || !safe_header_text(request_id)) return false;

  out.clear();
  out.reserve(192 + response.body.size());
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += bhttp::obsolete_reason(static_cast<bhttp::status>(response.status));
  out += "\r\nServer: canopy\r\n";
  if (!response.content_type.empty()) {
    out += "Content-Type: ";
    out += response.content_type;
    out += "\r\n";
  }
  out += "X-Request-Id: ";
  out += request_id;
  // Nothing is cached unless the response says how (the UI's files do).
  const bool caching =
      std::any_of(response.headers.begin(), response.headers.end(),
                  [](const auto& h) { return beast::iequals(h.first, "cache-control"); });
  out += caching ? "\r\nX-Content-Type-Options: nosniff\r\n"
                 : "\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n";
  for (const auto& [name, value] : response.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "Content-Length: ";
  out += std::to_string(response.body.size());
  if (!keep_alive) {
    out += "\r\nConnection: close";
  } else if (request_version < 11) {
    out += "\r\nConnection: keep-alive";
  }
  out += "\r\n\r\n";
  if (!head) out += response.body;
  return true;
}

std::string new_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t v = rng();
  std::string id(16, '0');
  for (auto& c : id) {
    c = kHex[v & 0xf];
    v >>= 4;
  }
  return id;
}

}  // namespace canopy::http
