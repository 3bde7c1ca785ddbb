#include "events/webhook_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <stdexcept>

namespace canopy::events {
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

struct WebhookClient::Tls {
  asio::ssl::context context{asio::ssl::context::tls_client};
};

WebhookClient::WebhookClient(const std::optional<std::filesystem::path>& ca_file)
    : tls_(std::make_unique<Tls>()) {
  auto& ctx = tls_->context;
  ctx.set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                  asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  ctx.set_default_verify_paths();
  if (ca_file) {
    boost::system::error_code ec;
    ctx.load_verify_file(ca_file->string(), ec);
    if (ec) throw std::runtime_error(ca_file->string() + ": cannot load CAs: " + ec.message());
  }
  ctx.set_verify_mode(asio::ssl::verify_peer);
}

WebhookClient::~WebhookClient() = default;

namespace {

// Sends the request and reads the answer's status over `stream`, already connected.
template <class Stream>
asio::awaitable<int> exchange(Stream& stream, bhttp::request<bhttp::string_body>& request,
                              boost::system::error_code& ec) {
  co_await bhttp::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return 0;
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024);  // the body is read only to keep the connection's framing
  co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  // A partner that answers with a larger body still answered.
  if (ec == bhttp::error::body_limit) ec = {};
  if (ec) co_return 0;
  co_return static_cast<int>(parser.get().result_int());
}

std::string describe(std::string_view step, const boost::system::error_code& ec, bool timed_out) {
  if (timed_out) return std::string(step) + ": timed out";
  return std::string(step) + ": " + ec.message();
}

}  // namespace

asio::awaitable<PostOutcome> WebhookClient::post(
    const WebhookUrl& url, const std::vector<std::pair<std::string, std::string>>& headers,
    const std::string& body, std::chrono::milliseconds timeout) {
  auto executor = co_await asio::this_coro::executor;
  // What the deadline's handler touches is shared with it, not kept in this frame: a deadline
  // that passes just as the exchange ends has its handler queued already, and cancel() cannot
  // take it back; it then runs after this coroutine is gone, on objects it keeps alive.
  struct Connection {
    explicit Connection(const asio::any_io_executor& ex) : resolver(ex), tcp_stream(ex) {}
    tcp::resolver resolver;
    beast::tcp_stream tcp_stream;
    bool timed_out = false;
  };
  const auto shared = std::make_shared<Connection>(executor);
  tcp::resolver& resolver = shared->resolver;
  beast::tcp_stream& tcp_stream = shared->tcp_stream;
  const bool& timed_out = shared->timed_out;
  std::optional<beast::ssl_stream<beast::tcp_stream&>> tls;
  if (url.tls) tls.emplace(tcp_stream, tls_->context);
  // One deadline for the whole exchange: when it passes, whatever is in progress is cancelled.
  asio::steady_timer deadline(executor, timeout);
  deadline.async_wait([shared](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: the exchange ended first
    shared->timed_out = true;
    shared->resolver.cancel();
    boost::system::error_code ignored;
    shared->tcp_stream.socket().close(ignored);
  });
  struct CancelOnExit {
    asio::steady_timer& timer;
    ~CancelOnExit() { timer.cancel(); }
  } cancel_on_exit{deadline};

  boost::system::error_code ec;
  const auto endpoints = co_await resolver.async_resolve(
      url.host, std::to_string(url.port), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return PostOutcome{std::nullopt, describe("resolve " + url.host, ec, timed_out)};
  co_await tcp_stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return PostOutcome{std::nullopt, describe("connect", ec, timed_out)};

  bhttp::request<bhttp::string_body> request{bhttp::verb::post, url.target, 11};
  const bool default_port = url.port == (url.tls ? 443 : 80);
  const bool v6 = url.host.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + url.host + "]" : url.host;
  request.set(bhttp::field::host, default_port ? host : host + ":" + std::to_string(url.port));
  request.set(bhttp::field::user_agent, "Canopy-Webhooks/1.0");
  request.set(bhttp::field::content_type, "application/json");
  request.set(bhttp::field::connection, "close");
  for (const auto& [name, value] : headers)
    request.set(name, value);
  request.body() = body;
  request.prepare_payload();

  int status = 0;
  if (tls) {
    // SNI; SSL_set_tlsext_host_name is this call behind a C cast.
    if (SSL_ctrl(tls->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(url.host.c_str())) != 1) {
      co_return PostOutcome{std::nullopt, "tls: cannot set the server name"};
    }
    tls->set_verify_callback(asio::ssl::host_name_verification(url.host));
    co_await tls->async_handshake(asio::ssl::stream_base::client,
                                  asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return PostOutcome{std::nullopt, describe("tls handshake", ec, timed_out)};
    status = co_await exchange(*tls, request, ec);
  } else {
    status = co_await exchange(tcp_stream, request, ec);
  }
  if (ec) co_return PostOutcome{std::nullopt, describe("exchange", ec, timed_out)};
  boost::system::error_code ignored;
  tcp_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  co_return PostOutcome{status, ""};
}

}  // namespace canopy::events
