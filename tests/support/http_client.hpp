// A small blocking HTTP/1.1 client for tests: a real TCP connection per request.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>

namespace canopy::testing {

struct HttpResult {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // names lower-case; a repeated one: the first
  std::vector<std::string> set_cookies;        // every Set-Cookie, in order
  std::string body;

  nlohmann::json json() const { return nlohmann::json::parse(body); }
  std::string code() const { return json().value("code", ""); }
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
  // The value of the cookie `name` set by the response; empty when none.
  std::string cookie(const std::string& name) const {
    for (const auto& c : set_cookies)
      if (c.compare(0, name.size() + 1, name + "=") == 0)
        return c.substr(name.size() + 1, c.find(';') - name.size() - 1);
    return "";
  }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
 public:
  // `source`, when given, is the local address to connect from: on Linux every 127.x.y.z is
  // loopback, so 127.0.0.2 stands for a second client.
  explicit HttpClient(std::uint16_t port, std::string source = {})
      : port_(port), source_(std::move(source)) {}

  // The same client, connecting from `address` (any of 127.0.0.0/8 on Linux): another caller
  // as far as the server's per-address limits can tell.
  HttpClient from(std::string address) const {
    HttpClient c(port_);
    c.source_ = std::move(address);
    return c;
  }

  HttpResult request(std::string_view method, std::string_view target, std::string_view body = {},
                     const Headers& headers = {}) const;
  HttpResult get(std::string_view target, const Headers& headers = {}) const {
    return request("GET", target, {}, headers);
  }
  HttpResult post_json(std::string_view target, std::string_view body, Headers headers = {}) const {
    headers.emplace_back("Content-Type", "application/json");
    return request("POST", target, body, headers);
  }
  // Sends raw bytes and returns everything the server answered before closing.
  std::string raw(std::string_view bytes) const;

 private:
  std::uint16_t port_;
  std::string source_;  // local address to connect from; empty: the system's choice
};

// Opens `n` connections to `port` from `source` and sends nothing on them: a client holding
// connection slots idle.
std::vector<boost::asio::ip::tcp::socket> hold_idle(boost::asio::io_context& io, std::uint16_t port,
                                                    std::size_t n, const std::string& source);

Headers bearer(const std::string& token);
Headers basic(const std::string& user, const std::string& password);

}  // namespace canopy::testing
