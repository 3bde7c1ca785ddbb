// The HTTP/1.1 server: one io_context per I/O thread ("worker"), each connection served by one
// coroutine on one worker, so nothing on the request path takes a lock or crosses threads.
// Limits on header and body size, read and idle deadlines, a connection cap (overall and per
// client address), a request id on every response, and a graceful stop that lets in-flight
// requests finish. One Server is one listener; a process may run two on the same workers.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include "http/router.hpp"
#include "metrics/metrics.hpp"

namespace canopy::http {

class RequestParser;

struct ServerLimits {
  std::size_t max_connections = 1024;
  // Open connections one client address may hold (an IPv6 client's /64 counts as one
  // address), so that one client cannot take the whole cap; 0 for none. Behind a proxy every
  // client has the proxy's address.
  std::size_t max_connections_per_address = 256;
  std::uint32_t header_limit = 8 * 1024;
  std::uint64_t body_limit = 64 * 1024;
  std::chrono::milliseconds read_timeout{10'000};  // to read one request once it has started,
                                                   // and to write one response
  std::chrono::milliseconds idle_timeout{30'000};  // between requests on a kept-alive connection
  // From this share of max_connections on, a connection waiting for a request (its first or
  // its next) gets `pressure_idle_timeout` in place of `idle_timeout`: idle connections make
  // room for new ones before the cap refuses anyone.
  unsigned pressure_percent = 75;
  std::chrono::milliseconds pressure_idle_timeout{1'000};
  bool access_log = true;
  // Requests counted by route and status, with their latencies, for /metrics (the application
  // sets it from its own metrics switch).
  bool count_requests = true;
};

// What the server refused or closed to protect itself, since it started.
struct ServerStats {
  std::uint64_t refused_at_cap = 0;              // max_connections reached
  std::uint64_t refused_per_address = 0;         // max_connections_per_address reached
  std::uint64_t closed_idle_under_pressure = 0;  // idle past pressure_idle_timeout near the cap
};

// At most one log line per interval for an event an attacker can repeat at will; the next line
// says how many were held back. Safe to use from any thread.
class LogThrottle {
 public:
  explicit LogThrottle(std::chrono::steady_clock::duration interval) : interval_(interval) {}
  // True when a line may be written at `now`; then `held_back` is how many were not written
  // since the last line.
  bool allow(std::chrono::steady_clock::time_point now, std::uint64_t& held_back);

 private:
  std::chrono::steady_clock::duration interval_;
  std::atomic<std::int64_t> next_{0};  // steady_clock ticks; 0: write the first line at once
  std::atomic<std::uint64_t> held_{0};
};
class Server {
 public:
  // Serves on `workers`: the first one also accepts, and new connections go to each worker in
  // turn. Each worker's io_context is meant to be run by exactly one thread.
  // `routes`, when given, is the part of the router this listener serves; every other route
  // answers 404 here.
  Server(std::vector<asio::io_context*> workers, const Router& router, ServerLimits limits,
         RouteFilter routes = {});
  Server(asio::io_context& io, const Router& router, ServerLimits limits, RouteFilter routes = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting; returns the bound endpoint (port 0 picks a free port).
  asio::ip::tcp::endpoint listen(const std::string& address, std::uint16_t port);

  // Stops accepting, closes idle connections and lets busy ones finish their request. Once
  // the last connection has closed, the workers have no more work from the server.
  // Safe to call from any thread, more than once.
  void stop();
  std::size_t active_connections() const { return active_.load(); }
  ServerStats stats() const;

  // The HTTP families of /metrics, for each listener (its name becomes the `listener` label):
  // requests by route template, method and status, their latencies, open connections and
  // refusals. Safe to call from any thread while serving.
  struct Listener {
    std::string_view name;
    const Server* server;
  };
  static void write_metrics(metrics::Exposition& out, std::span<const Listener> listeners);

 private:
  struct Worker;
  struct Connection;
  struct RouteCounts;
  void count(Worker& w, const RequestContext& ctx, unsigned status, std::int64_t micros);
  using error_code = boost::system::error_code;
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> sweep_loop(Worker& worker);
  asio::awaitable<void> serve(Worker& worker, asio::ip::tcp::socket socket,
                              std::string address_key);
  asio::awaitable<error_code> read_request(Connection& c, RequestParser& parser);
  asio::awaitable<error_code> write_response(Connection& c, std::string_view bytes);
  enum class Refusal { at_cap, per_address };
  void refuse(asio::ip::tcp::socket& socket, Refusal why, const asio::ip::address& from);
  bool take_address_slot(const std::string& key);
  void release_address_slot(const std::string& key);
  bool near_cap() const;
  asio::awaitable<Response> dispatch(RequestContext& ctx);

  std::vector<std::unique_ptr<Worker>> workers_;
  const Router& router_;
  ServerLimits limits_;
  RouteFilter routes_;
  asio::ip::tcp::acceptor acceptor_;
  std::size_t next_worker_ = 0;  // touched by the accept loop only
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> active_{0};
  // Open connections per client address: touched when one opens or closes, never per request.
  std::mutex addresses_mutex_;
  std::unordered_map<std::string, std::size_t> per_address_;
  std::atomic<std::uint64_t> refused_at_cap_{0};
  std::atomic<std::uint64_t> refused_per_address_{0};
  std::atomic<std::uint64_t> closed_under_pressure_{0};
  LogThrottle cap_log_{std::chrono::seconds(10)};
  LogThrottle address_log_{std::chrono::seconds(10)};
  LogThrottle pressure_log_{std::chrono::seconds(10)};
};

// The JSON error body every failure uses: {"code": "...", "message": "..."}.
Response error_response(unsigned status, std::string_view code, std::string_view message);

// The bytes of a response, with the headers every response carries (Server, X-Request-Id,
// Cache-Control: no-store, X-Content-Type-Options: nosniff, Content-Length, Connection).
// A header name or value holding CR, LF or NUL is refused: returns false and writes nothing.
bool serialize_response(const Response& response, std::string_view request_id, bool keep_alive,
                        int request_version, bool head, std::string& out);

}  // namespace canopy::http
