// The connection loop. Each worker is an io_context run by one thread; a connection's
// coroutine, its socket and its deadline live on one worker, so the request path takes no lock
// and starts no timer: a per-worker sweeper closes connections whose deadline has passed.
// Expected network errors come back as values (redirect_error); only a handler's unexpected
// exception is caught, once, here, and turned into a bare 500.
#include "http/server.hpp"

#include <algorithm>
#include <array>
#include <list>
#include <random>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/status.hpp>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "http/access_log.hpp"
#include "http/request_parser.hpp"

namespace canopy::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

// The statuses counted by their own number; any other counts as "other".
constexpr std::array<unsigned, 35> kStatuses{
    200, 201, 202, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 405, 406, 408,
    409, 410, 411, 412, 413, 414, 415, 416, 422, 428, 429, 431, 500, 501, 502, 503, 504};
constexpr std::size_t kStatusSlots = kStatuses.size() + 1;
constexpr std::size_t kMethods = static_cast<std::size_t>(Method::other) + 1;

std::size_t status_slot(unsigned status) {
  static const auto table = [] {
    std::array<std::uint8_t, 600> t{};
    t.fill(static_cast<std::uint8_t>(kStatuses.size()));
    for (std::size_t i = 0; i < kStatuses.size(); ++i)
      t[kStatuses[i]] = static_cast<std::uint8_t>(i);
    return t;
  }();
  return status < table.size() ? table[status] : kStatuses.size();
}

}  // namespace

// One route's (or, past the router's routes, one method's unmatched requests') counts on one
// worker. Only that worker's thread adds to them; /metrics reads them from any thread.
struct Server::RouteCounts {
  std::array<std::atomic<std::uint64_t>, kStatusSlots> statuses{};
  // Per bucket of kLatencyBounds, then +Inf.
  std::array<std::atomic<std::uint64_t>, metrics::kLatencyBounds.size() + 1> latency{};
  std::atomic<std::uint64_t> micros{0};
};

struct Server::Worker {
  explicit Worker(asio::io_context& context) : io(context), sweeper(context) {}
  asio::io_context& io;
  asio::steady_timer sweeper;
  std::list<Connection*> connections;  // touched on this worker's thread only
  // The router's routes, then one slot per method for requests no route answered; sized by
  // listen(), when every route has been added.
  std::unique_ptr<RouteCounts[]> counts;
  std::size_t slots = 0;
};

struct Server::Connection {
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

// Connections are counted per client: an IPv4 address, or an IPv6 /64 (one host can use every
// address of its /64, so counting exact IPv6 addresses would count nothing).
std::string address_key(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return address_key(asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()));
  }
  if (address.is_v4()) {
    const auto bytes = address.to_v4().to_bytes();
    return std::string(bytes.begin(), bytes.end());
  }
  const auto bytes = address.to_v6().to_bytes();
  return std::string(bytes.begin(), bytes.begin() + 8);
}

std::string describe_client(const asio::ip::address& address) {
  if (address.is_v6() && !address.to_v6().is_v4_mapped()) {
    auto bytes = address.to_v6().to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return asio::ip::address_v6(bytes).to_string() + "/64";
  }
  return address.to_string();
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

bool safe_header_text(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Errors after which the connection just ends: the peer left, or a deadline passed.
bool quiet_end(const beast::error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::operation_aborted ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == beast::error::timeout || ec == bhttp::error::end_of_stream ||
         ec == bhttp::error::partial_message;
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

bool LogThrottle::allow(std::chrono::steady_clock::time_point now, std::uint64_t& held_back) {
  const std::int64_t ticks = now.time_since_epoch().count();
  std::int64_t next = next_.load();
  if (ticks < next ||
      !next_.compare_exchange_strong(next, (now + interval_).time_since_epoch().count())) {
    ++held_;
    return false;
  }
  held_back = held_.exchange(0);
  return true;
}

Server::Server(std::vector<asio::io_context*> workers, const Router& router, ServerLimits limits,
               RouteFilter routes)
    : router_(router), limits_(limits), routes_(std::move(routes)), acceptor_(*workers.at(0)) {
  for (auto* io : workers)
    workers_.push_back(std::make_unique<Worker>(*io));
}

Server::Server(asio::io_context& io, const Router& router, ServerLimits limits, RouteFilter routes)
    : Server(std::vector<asio::io_context*>{&io}, router, limits, std::move(routes)) {}

Server::~Server() = default;

ServerStats Server::stats() const {
  return {refused_at_cap_.load(), refused_per_address_.load(), closed_under_pressure_.load()};
}

bool Server::near_cap() const {
  return active_.load() * 100 >= limits_.max_connections * limits_.pressure_percent;
}

bool Server::take_address_slot(const std::string& key) {
  std::lock_guard lock(addresses_mutex_);
  auto& open = per_address_[key];
  if (open >= limits_.max_connections_per_address) return false;
  ++open;
  return true;
}

void Server::release_address_slot(const std::string& key) {
  std::lock_guard lock(addresses_mutex_);
  const auto it = per_address_.find(key);
  if (it == per_address_.end()) return;
  if (--it->second == 0) per_address_.erase(it);  // the table holds only open clients
}

tcp::endpoint Server::listen(const std::string& address, std::uint16_t port) {
  const tcp::endpoint endpoint(asio::ip::make_address(address), port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  for (auto& worker : workers_) {
    if (limits_.count_requests) {
      worker->slots = router_.size() + kMethods;
      worker->counts = std::make_unique<RouteCounts[]>(worker->slots);
    }
    asio::co_spawn(worker->io, sweep_loop(*worker), asio::detached);
  }
  asio::co_spawn(workers_[0]->io, accept_loop(), asio::detached);
  return acceptor_.local_endpoint();
}

void Server::stop() {
  if (stopping_.exchange(true)) return;
  asio::post(workers_[0]->io, [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
  for (auto& worker : workers_) {
    asio::post(worker->io, [w = worker.get()] {
      beast::error_code ec;
      for (Connection* c : w->connections) {
        if (c->idle) c->socket.cancel(ec);
      }
      w->sweeper.cancel();  // it ends once the worker has no connection left
    });
  }
}

asio::awaitable<void> Server::sweep_loop(Worker& w) {
  const auto shortest =
      std::min({limits_.read_timeout, limits_.idle_timeout, limits_.pressure_idle_timeout});
  const auto tick = std::clamp<std::chrono::milliseconds>(
      shortest / 4, std::chrono::milliseconds(5), std::chrono::milliseconds(250));
  while (!(stopping_ && w.connections.empty())) {
    w.sweeper.expires_after(stopping_ ? std::chrono::milliseconds(5) : tick);
    beast::error_code ec;
    co_await w.sweeper.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    const auto now = SteadyClock::now();
    const bool pressure = !stopping_ && near_cap();
    for (Connection* c : w.connections) {
      if (now >= c->deadline) {
        c->timed_out = true;
        c->deadline = SteadyClock::time_point::max();
        c->socket.cancel(ec);
      } else if (pressure && c->idle && now >= c->idle_since + limits_.pressure_idle_timeout) {
        ++closed_under_pressure_;
        if (std::uint64_t held = 0; pressure_log_.allow(now, held)) {
          spdlog::warn(
              "closed an idle connection from {}: {} of {} connections open, so idle ones get "
              "{} ms ({} more closed since the last report)",
              c->ctx.remote_address, active_.load(), limits_.max_connections,
              limits_.pressure_idle_timeout.count(), held);
        }
        c->timed_out = true;
        c->deadline = SteadyClock::time_point::max();
        c->socket.cancel(ec);
      }
    }
  }
}

asio::awaitable<void> Server::accept_loop() {
  while (!stopping_) {
    Worker& worker = *workers_[next_worker_];
    next_worker_ = (next_worker_ + 1) % workers_.size();
    beast::error_code ec;
    tcp::socket socket =
        co_await acceptor_.async_accept(worker.io, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) break;
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    const auto peer = socket.remote_endpoint(ec);
    if (ec) continue;  // gone already; the socket closes here
    if (active_.load() >= limits_.max_connections) {
      refuse(socket, Refusal::at_cap, peer.address());
      continue;
    }
    std::string key;
    if (limits_.max_connections_per_address > 0) {
      key = address_key(peer.address());
      if (!take_address_slot(key)) {
        refuse(socket, Refusal::per_address, peer.address());
        continue;
      }
    }
    ++active_;
    asio::co_spawn(worker.io, serve(worker, std::move(socket), std::move(key)), asio::detached);
  }
}

void Server::refuse(tcp::socket& socket, Refusal why, const asio::ip::address& from) {
  const bool at_cap = why == Refusal::at_cap;
  Response r = error_response(
      503, "too_many_connections",
      at_cap ? "the server is at its connection limit" : "too many connections from this address");
  r.headers.emplace_back("Retry-After", "1");
  const std::string request_id = new_request_id();
  // A client can be refused as fast as it connects: count every refusal, log a few.
  ++(at_cap ? refused_at_cap_ : refused_per_address_);
  std::uint64_t held = 0;
  if (at_cap && cap_log_.allow(SteadyClock::now(), held)) {
    spdlog::warn(
        "rid={} refused a connection from {}: {} open, the limit ({} more refused since "
        "the last report)",
        request_id, describe_client(from), limits_.max_connections, held);
  } else if (!at_cap && address_log_.allow(SteadyClock::now(), held)) {
    spdlog::warn(
        "rid={} refused a connection from {}: {} open from that address, the "
        "per-address limit ({} more refused since the last report)",
        request_id, describe_client(from), limits_.max_connections_per_address, held);
  }
  std::string bytes;
  serialize_response(r, request_id, false, 11, false, bytes);
  // A best effort that never waits: the answer fits in a fresh socket's send buffer.
  beast::error_code ec;
  socket.non_blocking(true, ec);
  asio::write(socket, asio::buffer(bytes), ec);
  socket.shutdown(tcp::socket::shutdown_send, ec);
  socket.close(ec);
}

asio::awaitable<Response> Server::dispatch(RequestContext& ctx) {
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

void Server::count(Worker& w, const RequestContext& ctx, unsigned status, std::int64_t micros) {
  const std::size_t slot = ctx.route != RequestContext::kNoRoute && ctx.route < router_.size()
                               ? ctx.route
                               : router_.size() + static_cast<std::size_t>(ctx.method);
  if (slot >= w.slots) return;
  RouteCounts& c = w.counts[slot];
  c.statuses[status_slot(status)].fetch_add(1, std::memory_order_relaxed);
  const auto bounds = metrics::latency_bounds();
  const double seconds = static_cast<double>(micros) / 1e6;
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin());
  c.latency[bucket].fetch_add(1, std::memory_order_relaxed);
  c.micros.fetch_add(static_cast<std::uint64_t>(micros), std::memory_order_relaxed);
}

void Server::write_metrics(metrics::Exposition& out, std::span<const Listener> listeners) {
  // Per listener and slot, the workers' counts added up.
  struct Totals {
    std::array<std::uint64_t, kStatusSlots> statuses{};
    metrics::HistogramSnapshot latency;
  };
  const auto bounds = metrics::latency_bounds();
  std::vector<std::vector<Totals>> totals;
  for (const auto& l : listeners) {
    const std::size_t slots = l.server->workers_.empty() ? 0 : l.server->workers_[0]->slots;
    auto& per_slot = totals.emplace_back(slots);
    for (auto& t : per_slot) {
      t.latency.bounds.assign(bounds.begin(), bounds.end());
      t.latency.cumulative.assign(bounds.size() + 1, 0);
    }
    for (const auto& w : l.server->workers_) {
      for (std::size_t i = 0; i < std::min(slots, w->slots); ++i) {
        const RouteCounts& c = w->counts[i];
        for (std::size_t k = 0; k < kStatusSlots; ++k)
          per_slot[i].statuses[k] += c.statuses[k].load(std::memory_order_relaxed);
        for (std::size_t k = 0; k < c.latency.size(); ++k)
          per_slot[i].latency.cumulative[k] += c.latency[k].load(std::memory_order_relaxed);
        per_slot[i].latency.sum +=
            static_cast<double>(c.micros.load(std::memory_order_relaxed)) / 1e6;
      }
    }
    for (auto& t : per_slot) {
      for (std::size_t k = 1; k < t.latency.cumulative.size(); ++k)
        t.latency.cumulative[k] += t.latency.cumulative[k - 1];
    }
  }
  // The labels of slot i of a listener: its route's method and template, or a method and
  // "unmatched".
  const auto labels_of = [](const Server& server, std::size_t i) {
    const auto& router = server.router_;
    if (i < router.size()) {
      const auto route = router.route(i);
      return std::pair{to_string(route.method), route.pattern};
    }
    return std::pair{to_string(static_cast<Method>(i - router.size())),
                     std::string_view("unmatched")};
  };

  out.family("canopy_http_requests_total", "counter",
             "HTTP requests answered, by listener, route template, method and status.");
  for (std::size_t l = 0; l < listeners.size(); ++l) {
    for (std::size_t i = 0; i < totals[l].size(); ++i) {
      const auto [method, route] = labels_of(*listeners[l].server, i);
      for (std::size_t k = 0; k < kStatusSlots; ++k) {
        if (totals[l][i].statuses[k] == 0) continue;
        const std::string status = k < kStatuses.size() ? std::to_string(kStatuses[k]) : "other";
        out.sample("canopy_http_requests_total",
                   {{"listener", listeners[l].name},
                    {"method", method},
                    {"route", route},
                    {"status", status}},
                   totals[l][i].statuses[k]);
      }
    }
  }
  out.family("canopy_http_request_duration_seconds", "histogram",
             "Time from a request's last byte read to its answer, by listener, route template "
             "and method.");
  for (std::size_t l = 0; l < listeners.size(); ++l) {
    for (std::size_t i = 0; i < totals[l].size(); ++i) {
      if (totals[l][i].latency.count() == 0) continue;
      const auto [method, route] = labels_of(*listeners[l].server, i);
      out.histogram("canopy_http_request_duration_seconds",
                    {{"listener", listeners[l].name}, {"method", method}, {"route", route}},
                    totals[l][i].latency);
    }
  }
  out.family("canopy_http_connections_open", "gauge", "Open connections, by listener.");
  for (const auto& l : listeners) {
    out.sample("canopy_http_connections_open", {{"listener", l.name}},
               static_cast<std::uint64_t>(l.server->active_connections()));
  }
  out.family("canopy_http_connections_refused_total", "counter",
             "Connections answered 503 at once: the listener's cap (at_cap) or one client "
             "address's share of it (per_address).");
  for (const auto& l : listeners) {
    const auto stats = l.server->stats();
    out.sample("canopy_http_connections_refused_total",
               {{"listener", l.name}, {"reason", "at_cap"}}, stats.refused_at_cap);
    out.sample("canopy_http_connections_refused_total",
               {{"listener", l.name}, {"reason", "per_address"}}, stats.refused_per_address);
  }
  out.family("canopy_http_idle_connections_closed_total", "counter",
             "Idle connections closed early because the listener was near its connection cap.");
  for (const auto& l : listeners) {
    out.sample("canopy_http_idle_connections_closed_total", {{"listener", l.name}},
               l.server->stats().closed_idle_under_pressure);
  }
}

asio::awaitable<Server::error_code> Server::read_request(Connection& c, RequestParser& parser) {
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

asio::awaitable<Server::error_code> Server::write_response(Connection& c, std::string_view bytes) {
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

asio::awaitable<void> Server::serve(Worker& w, tcp::socket socket, std::string address_key) {
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
    if (limits_.access_log || w.counts) {
      const auto micros =
          std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - started)
              .count();
      if (w.counts) count(w, ctx, response.status, micros);
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
  if (!address_key.empty()) release_address_slot(address_key);
  --active_;
  if (stopping_ && w.connections.empty()) w.sweeper.cancel();
}

}  // namespace canopy::http
