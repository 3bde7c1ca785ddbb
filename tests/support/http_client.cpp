// Test HTTP client over Beast's synchronous API.
#include "support/http_client.hpp"

#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "auth/crypto.hpp"

namespace canopy::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

void bind_to(asio::ip::tcp::socket& socket, const std::string& source) {
  if (source.empty()) return;
  socket.open(asio::ip::tcp::v4());
  socket.bind(asio::ip::tcp::endpoint(asio::ip::make_address(source), 0));
}

}  // namespace

HttpResult HttpClient::request(std::string_view method, std::string_view target,
                               std::string_view body, const Headers& headers) const {
  asio::io_context io;
  beast::tcp_stream stream(io);
  bind_to(stream.socket(), source_);
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers)
    req.insert(k, v);
  req.body() = std::string(body);
  req.keep_alive(false);
  req.prepare_payload();
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (method == "HEAD") parser.skip(true);
  bhttp::read(stream, buffer, parser);
  auto& res = parser.get();
  HttpResult out;
  out.status = res.result_int();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "set-cookie") out.set_cookies.emplace_back(f.value());
    out.headers.emplace(name, std::string(f.value()));  // a repeated field: the first
  }
  out.body = std::move(res.body());
  beast::error_code ec;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  return out;
}

std::string HttpClient::raw(std::string_view bytes) const {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  bind_to(socket, source_);
  socket.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
  asio::write(socket, asio::buffer(bytes.data(), bytes.size()));
  socket.shutdown(asio::ip::tcp::socket::shutdown_send);
  std::string out;
  beast::error_code ec;
  char buf[4096];
  for (;;) {
    const auto n = socket.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

std::vector<asio::ip::tcp::socket> hold_idle(asio::io_context& io, std::uint16_t port,
                                             std::size_t n, const std::string& source) {
  std::vector<asio::ip::tcp::socket> held;
  for (std::size_t i = 0; i < n; ++i) {
    held.emplace_back(io);
    bind_to(held.back(), source);
    held.back().connect({asio::ip::make_address("127.0.0.1"), port});
  }
  return held;
}

Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

Headers basic(const std::string& user, const std::string& password) {
  return {{"Authorization", "Basic " + auth::base64_encode(user + ":" + password)}};
}

}  // namespace canopy::testing
