// A connection's coroutine, its socket and its deadline live on one worker, so the request path
// takes no lock and starts no timer: the worker's sweeper closes connections whose deadline has
// passed. Expected network errors come back as values (redirect_error); only a handler's
// unexpected exception is caught, once, here, and turned into a bare 500.
#include "http/session.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "core/error.hpp"
#include "http/access_log.hpp"
#include "http/request_parser.hpp"
#include "http/response_writer.hpp"

namespace canopy::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

struct Connection {
  explicit Connection(tcp::socket s) : socket(std::move(s)) {}
  tcp::socket socket;
  beast::flat_buffer buffer;
  RequestStorage storage;
  RequestContext ctx;   // reused request after request
  std::string scratch;  // to check a path's escapes
  std::string out;
  SteadyClock::time_point deadline = SteadyClock::time_point::max();
  SteadyClock::time_point idle_since = SteadyClock::now();
  bool idle = true;  // waiting for the first byte of the next request: safe to close at stop
  bool timed_out = false;
  std::list<Connection*>::iterator self;
};

namespace {

constexpr std::size_t kReadSize = 4096;
constexpr std::size_t kLingerBytes = 8 * 1024 * 1024;  // at most this much of a refused request
// A kept-alive connection keeps at most this much body memory between requests: a large body
// (a bulk decision) is given back once answered, so idle connections hold only small buffers.
constexpr std::size_t kKeptBodyCapacity = 16 * 1024;

void give_back_if_large(std::string& s) {
  if (s.capacity() > kKeptBodyCapacity) std::string().swap(s);
}

// A client's X-Request-Id is kept (audit records, access log) only as 1 to 128 visible ASCII
// characters: no control characters, spaces or bytes above 0x7E to forge log lines or upset
// a reader of the CSV export.
bool keepable_client_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (c < '!' || c > '~') return false;
  }
  return true;
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

// Errors after which the connection just ends: the peer left, or a deadline passed.
bool quiet_end(const beast::error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::operation_aborted ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == beast::error::timeout || ec == bhttp::error::end_of_stream ||
         ec == bhttp::error::partial_message;
}

}  // namespace

ConnectionLoop::ConnectionLoop(const Router& router, ServerLimits limits, RouteFilter routes)
    : router_(router), limits_(limits), routes_(std::move(routes)) {}

void ConnectionLoop::close_idle(Worker& w) {
  beast::error_code ec;
  for (Connection* c : w.connections) {
    if (c->idle) c->socket.cancel(ec);
  }
  w.sweeper.cancel();  // it ends once the worker has no connection left
}

asio::awaitable<void> ConnectionLoop::sweep(Worker& w, Admission& admission) {
  const auto shortest =
      std::min({limits_.read_timeout, limits_.idle_timeout, limits_.pressure_idle_timeout});
  const auto tick = std::clamp<std::chrono::milliseconds>(
      shortest / 4, std::chrono::milliseconds(5), std::chrono::milliseconds(250));
  while (!(stopping_ && w.connections.empty())) {
    w.sweeper.expires_after(stopping_ ? std::chrono::milliseconds(5) : tick);
    beast::error_code ec;
    co_await w.sweeper.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    const auto now = SteadyClock::now();
    const bool pressure = !stopping_ && admission.near_cap();
    for (Connection* c : w.connections) {
      if (now >= c->deadline) {
        c->timed_out = true;
        c->deadline = SteadyClock::time_point::max();
        c->socket.cancel(ec);
      } else if (pressure && c->idle && now >= c->idle_since + limits_.pressure_idle_timeout) {
        admission.closed_idle(c->ctx.remote_address, now);
        c->timed_out = true;
        c->deadline = SteadyClock::time_point::max();
        c->socket.cancel(ec);
      }
    }
  }
}

asio::awaitable<Response> ConnectionLoop::dispatch(RequestContext& ctx) {
  const auto match = router_.match(ctx, routes_ ? &routes_ : nullptr);
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
    Response r = error_response(
        503, "unavailable", "the service cannot reach its database or cache; try again shortly");
    r.headers.emplace_back("Retry-After", "2");
    co_return r;
  }
  co_return error_response(500, "internal",
                           "something went wrong; quote request id " + ctx.request_id);
}

asio::awaitable<ConnectionLoop::error_code> ConnectionLoop::read_request(Connection& c,
                                                                         RequestParser& parser) {
  c.idle = c.buffer.size() == 0;
  c.idle_since = SteadyClock::now();
  c.deadline = c.idle_since + (c.idle ? limits_.idle_timeout : limits_.read_timeout);
  for (;;) {
    beast::error_code ec;
    if (c.buffer.size() > 0) {
      const std::size_t used = parser.put(c.buffer.data(), ec);
      c.buffer.consume(used);
      if (ec == bhttp::error::need_more) {
        ec = {};
      } else if (ec || parser.is_done()) {
        co_return ec;
      } else if (used > 0) {
        continue;
      }
    }
    const std::size_t n = co_await c.socket.async_read_some(
        c.buffer.prepare(kReadSize), asio::redirect_error(asio::use_awaitable, ec));
    if (c.timed_out) co_return beast::error::timeout;
    if (ec == asio::error::eof && parser.got_some()) {
      parser.put_eof(ec);
      co_return ec ? ec : bhttp::error::partial_message;
    }
    if (ec) co_return ec;
    c.buffer.commit(n);
    if (c.idle) {
      c.idle = false;
      c.deadline = SteadyClock::now() + limits_.read_timeout;
    }
  }
}

asio::awaitable<ConnectionLoop::error_code> ConnectionLoop::write_response(Connection& c,
                                                                           std::string_view bytes) {
  // The socket is non-blocking: a response that fits in the send buffer, nearly every one,
  // leaves at once without a trip through the reactor.
  beast::error_code ec;
  std::size_t done = c.socket.write_some(asio::buffer(bytes), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) {
    ec = {};
    done = 0;
  }
  if (!ec && done < bytes.size()) {
    c.deadline = SteadyClock::now() + limits_.read_timeout;
    co_await asio::async_write(c.socket, asio::buffer(bytes.substr(done)),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (c.timed_out) ec = beast::error::timeout;
  }
  co_return ec;
}

asio::awaitable<void> ConnectionLoop::serve(Worker& w, tcp::socket socket,
                                            Admission::Ticket ticket) {
  Connection c(std::move(socket));
  w.connections.push_front(&c);
  c.self = w.connections.begin();

  beast::error_code ec;
  c.socket.set_option(tcp::no_delay(true), ec);
  c.socket.non_blocking(true, ec);
  if (auto ep = c.socket.remote_endpoint(ec); !ec) c.ctx.remote_address = ep.address().to_string();

  bool lingering = false;  // refused a request whose rest may still be on its way
  while (!stopping_) {
    RequestParser parser(c.storage, limits_.header_limit, limits_.body_limit, &router_,
                         routes_ ? &routes_ : nullptr);
    ec = co_await read_request(c, parser);
    if (quiet_end(ec)) break;

    const auto started = SteadyClock::now();
    RequestContext& ctx = c.ctx;
    ctx.reset_for_next_request();
    ctx.request_id = new_request_id();
    Response response;
    bool keep_alive = false;
    if (ec) lingering = true;
    if (ec == bhttp::error::body_limit) {
      response = error_response(413, "body_too_large",
                                "the request body is larger than " +
                                    std::to_string(parser.body_limit_in_force()) + " bytes");
    } else if (ec == bhttp::error::header_limit) {
      response = error_response(431, "headers_too_large", "the request headers are too large");
    } else if (ec) {
      response = error_response(400, "bad_request", "the request is not valid HTTP/1.1");
    } else {
      keep_alive = parser.keep_alive();
      ctx.method = parser.method();
      parser.fields(ctx.headers);
      // The request id stays the server's own: a client's id could collide with another
      // request's, or name one it did not make, in the logs and the audit trail.
      if (auto incoming = ctx.header("x-request-id"); keepable_client_request_id(incoming)) {
        ctx.client_request_id = std::string(incoming);
      }
      const std::string_view target = parser.target();
      const auto q = target.find('?');
      ctx.path.assign(target.substr(0, q));
      const bool path_ok = percent_decode(ctx.path, c.scratch, false);
      const bool query_ok =
          q == std::string_view::npos || parse_query(target.substr(q + 1), ctx.query);
      if (!path_ok || !query_ok) {
        response = error_response(400, "bad_request", "the request target is not properly escaped");
      } else {
        ctx.body = std::move(c.storage.body);
        c.deadline = SteadyClock::time_point::max();  // a handler's time is its own business
        response = co_await dispatch(ctx);
      }
    }
    if (stopping_) keep_alive = false;

    const bool head = ctx.method == Method::head;
    if (!serialize_response(response, ctx.request_id, keep_alive, parser.version(), head, c.out)) {
      spdlog::error("rid={} {} {}: the handler set a header with CR, LF or NUL", ctx.request_id,
                    to_string(ctx.method), ctx.path);
      response = error_response(500, "internal",
                                "something went wrong; quote request id " + ctx.request_id);
      keep_alive = false;
      serialize_response(response, ctx.request_id, false, 11, head, c.out);
    }
    if (limits_.access_log || w.counts.on()) {
      const auto micros =
          std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - started)
              .count();
      if (w.counts.on()) w.counts.count(ctx, response.status, micros);
      if (limits_.access_log) {
        const bool routed = ctx.route != RequestContext::kNoRoute;
        log_access({.request_id = ctx.request_id,
                    .method = to_string(ctx.method),
                    .route = routed ? router_.pattern(ctx.route) : std::string_view(),
                    .path = ctx.path,
                    .status = response.status,
                    .micros = micros,
                    .remote = ctx.remote_address,
                    .client_request_id = ctx.client_request_id,
                    .actor = ctx.actor,
                    .school = ctx.school});
      }
    }
    ec = co_await write_response(c, c.out);
    if (ec || !keep_alive) break;
    give_back_if_large(c.storage.body);
    give_back_if_large(ctx.body);
  }
  c.socket.shutdown(tcp::socket::shutdown_send, ec);
  if (lingering) {
    // The client may still be sending the request we refused: read and drop it for a while,
    // so that closing does not reset the connection before the client has read our answer.
    c.deadline = SteadyClock::now() + std::chrono::seconds(2);
    std::size_t dropped = 0;
    while (!ec && !c.timed_out && dropped < kLingerBytes) {
      dropped += co_await c.socket.async_read_some(c.buffer.prepare(kReadSize),
                                                   asio::redirect_error(asio::use_awaitable, ec));
    }
  }
  c.socket.close(ec);
  w.connections.erase(c.self);
  ticket.release();
  if (stopping_ && w.connections.empty()) w.sweeper.cancel();
}

}  // namespace canopy::http
