// Beast session loop. Expected network errors come back as values (redirect_error); only a
// handler's unexpected exception is caught, once, here, and turned into a bare 500.
#include "http/server.hpp"

#include "core/error.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <random>

namespace canopy::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

struct Server::Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  std::atomic<bool> idle{true};  // waiting for the next request: safe to close at shutdown
};

namespace {

Method method_of(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get:
      return Method::get;
    case bhttp::verb::head:
      return Method::head;
    case bhttp::verb::post:
      return Method::post;
    case bhttp::verb::put:
      return Method::put;
    case bhttp::verb::patch:
      return Method::patch;
    case bhttp::verb::delete_:
      return Method::del;
    case bhttp::verb::options:
      return Method::options;
    default:
      return Method::other;
  }
}

bool safe_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
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

std::string allow_header(const std::vector<Method>& methods) {
  std::string out;
  for (auto m : methods) {
    if (!out.empty()) out += ", ";
    out += to_string(m);
    if (m == Method::get) out += ", HEAD";
  }
  return out;
}

// Every response, success or failure, leaves through here with the same headers.
bhttp::response<bhttp::string_body> to_beast(Response response, const std::string& request_id,
                                             bool keep_alive, bool head) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(response.status), 11};
  res.set(bhttp::field::server, "canopy");
  if (!response.content_type.empty()) res.set(bhttp::field::content_type, response.content_type);
  res.set("X-Request-Id", request_id);
  res.set(bhttp::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  for (const auto& [name, value] : response.headers)
    res.insert(name, value);
  res.keep_alive(keep_alive);
  res.body() = std::move(response.body);
  res.prepare_payload();
  if (head) res.body().clear();
  return res;
}

}  // namespace

Response error_response(unsigned status, std::string_view code, std::string_view message) {
  nlohmann::json body{{"code", code}, {"message", message}};
  return Response{status, "application/json", body.dump(), {}};
}

Server::Server(asio::io_context& io, const Router& router, ServerLimits limits)
    : io_(io), router_(router), limits_(limits), acceptor_(asio::make_strand(io)) {}

Server::~Server() = default;

tcp::endpoint Server::listen(const std::string& address, std::uint16_t port) {
  const tcp::endpoint endpoint(asio::ip::make_address(address), port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached);
  return acceptor_.local_endpoint();
}

void Server::stop() {
  if (stopping_.exchange(true)) return;
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
  std::lock_guard lock(connections_mutex_);
  for (auto& weak : connections_) {
    if (auto c = weak.lock()) {
      asio::post(c->stream.get_executor(), [c] {
        if (c->idle) c->stream.socket().cancel();
      });
    }
  }
}

asio::awaitable<void> Server::accept_loop() {
  while (!stopping_) {
    beast::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(
        asio::make_strand(io_), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) break;
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    if (active_.load() >= limits_.max_connections) {
      auto ex = socket.get_executor();
      asio::co_spawn(ex, refuse(std::move(socket)), asio::detached);
      continue;
    }
    auto connection = std::make_shared<Connection>(std::move(socket));
    {
      std::lock_guard lock(connections_mutex_);
      connections_.remove_if([](const auto& w) { return w.expired(); });
      connections_.push_back(connection);
    }
    ++active_;
    auto ex = connection->stream.get_executor();
    asio::co_spawn(ex, serve(std::move(connection)), asio::detached);
  }
}

asio::awaitable<void> Server::refuse(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  Response r = error_response(503, "too_many_connections", "the server is at its connection limit");
  r.headers.emplace_back("Retry-After", "1");
  const std::string request_id = new_request_id();
  spdlog::warn("rid={} refused a connection: {} open, the limit", request_id,
               limits_.max_connections);
  auto res = to_beast(std::move(r), request_id, false, false);
  stream.expires_after(std::chrono::seconds(2));
  beast::error_code ec;
  co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<Response> Server::dispatch(RequestContext& ctx) {
  const auto match = router_.match(ctx);
  if (match.handler == nullptr) {
    if (!match.allowed.empty()) {
      Response r =
          error_response(405, "method_not_allowed",
                         std::string(to_string(ctx.method)) + " is not allowed on " + ctx.path);
      r.headers.emplace_back("Allow", allow_header(match.allowed));
      co_return r;
    }
    co_return error_response(404, "not_found", "no such resource: " + ctx.path);
  }
  bool unavailable = false;
  try {
    co_return co_await (*match.handler)(ctx);
  } catch (const UnavailableError& e) {
    unavailable = true;
    spdlog::warn("rid={} {} {}: backend unavailable: {}", ctx.request_id, to_string(ctx.method),
                 ctx.path, e.what());
  } catch (const std::exception& e) {
    // Never disclose internals to a client; the log keeps the detail under the request id.
    spdlog::error("rid={} {} {} failed: {}", ctx.request_id, to_string(ctx.method), ctx.path,
                  e.what());
  }
  if (unavailable) {
    Response r = error_response(503, "unavailable",
                                "the service cannot reach its database; try again shortly");
    r.headers.emplace_back("Retry-After", "2");
    co_return r;
  }
  co_return error_response(500, "internal",
                           "something went wrong; quote request id " + ctx.request_id);
}

asio::awaitable<void> Server::serve(std::shared_ptr<Connection> connection) {
  auto& stream = connection->stream;
  beast::flat_buffer buffer;
  beast::error_code ec;
  std::string remote;
  {
    auto ep = stream.socket().remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string();
  }
  while (!stopping_) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(limits_.header_limit);
    parser.body_limit(limits_.body_limit);

    connection->idle = true;
    stream.expires_after(limits_.idle_timeout);
    co_await bhttp::async_read_header(stream, buffer, parser,
                                      asio::redirect_error(asio::use_awaitable, ec));
    connection->idle = false;
    if (!ec) {
      stream.expires_after(limits_.read_timeout);
      co_await bhttp::async_read(stream, buffer, parser,
                                 asio::redirect_error(asio::use_awaitable, ec));
    }

    const auto started = std::chrono::steady_clock::now();
    RequestContext ctx;
    Response response;
    bool keep_alive = false;
    if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == beast::error::timeout || ec == asio::error::connection_reset ||
        ec == asio::error::eof) {
      break;
    }
    ctx.request_id = new_request_id();
    ctx.remote_address = remote;
    if (ec == bhttp::error::body_limit) {
      response = error_response(
          413, "body_too_large",
          "the request body is larger than " + std::to_string(limits_.body_limit) + " bytes");
    } else if (ec == bhttp::error::header_limit) {
      response = error_response(431, "headers_too_large", "the request headers are too large");
    } else if (ec) {
      response = error_response(400, "bad_request", "the request is not valid HTTP/1.1");
    } else {
      auto& req = parser.get();
      keep_alive = req.keep_alive();
      if (auto incoming = req["X-Request-Id"]; safe_request_id(incoming)) {
        ctx.request_id = std::string(incoming);
      }
      ctx.method = method_of(req.method());
      const std::string_view target = req.target();
      const auto q = target.find('?');
      ctx.path = std::string(target.substr(0, q));
      std::string decoded;
      const bool path_ok = percent_decode(ctx.path, decoded, false);
      const bool query_ok =
          q == std::string_view::npos || parse_query(target.substr(q + 1), ctx.query);
      if (!path_ok || !query_ok) {
        response = error_response(400, "bad_request", "the request target is not properly escaped");
      } else {
        for (const auto& field : req) {
          std::string name(field.name_string());
          for (auto& ch : name)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          ctx.headers.emplace_back(std::move(name), std::string(field.value()));
        }
        ctx.body = std::move(req.body());
        response = co_await dispatch(ctx);
      }
    }
    if (stopping_) keep_alive = false;

    const bool head = ctx.method == Method::head;
    const unsigned status = response.status;
    auto res = to_beast(std::move(response), ctx.request_id, keep_alive, head);

    if (limits_.access_log) {
      const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count();
      spdlog::info("rid={} {} {} {} {}us {}", ctx.request_id, to_string(ctx.method), ctx.path,
                   status, micros, ctx.remote_address);
    }
    stream.expires_after(limits_.read_timeout);
    bhttp::serializer<false, bhttp::string_body> sr{res};
    if (head) {
      co_await bhttp::async_write_header(stream, sr, asio::redirect_error(asio::use_awaitable, ec));
    } else {
      co_await bhttp::async_write(stream, sr, asio::redirect_error(asio::use_awaitable, ec));
    }
    if (ec || !keep_alive) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  --active_;
}

}  // namespace canopy::http
