// The HTTP/1.1 server: one io_context per I/O thread ("worker"), each connection served by one
// coroutine on one worker, so nothing on the request path takes a lock or crosses threads.
// Limits on header and body size, read and idle deadlines, a connection cap (overall and per
// client address), a request id on every response, and a graceful stop that lets in-flight
// requests finish. One Server is one listener; a process may run two on the same workers.
// Its parts: admission.hpp (caps and refusals), session.hpp (the connection loop),
// response_writer.hpp (the bytes of a response), route_metrics.hpp (counts for /metrics).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "http/admission.hpp"
#include "http/response_writer.hpp"
#include "http/router.hpp"
#include "http/server_limits.hpp"
#include "http/session.hpp"
#include "metrics/metrics.hpp"

namespace canopy::http {

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
  std::size_t active_connections() const { return admission_.open(); }
  ServerStats stats() const { return admission_.stats(); }

  // The HTTP families of /metrics, for each listener (its name becomes the `listener` label):
  // requests by route template, method and status, their latencies, open connections and
  // refusals. Safe to call from any thread while serving.
  struct Listener {
    std::string_view name;
    const Server* server;
  };
  static void write_metrics(metrics::Exposition& out, std::span<const Listener> listeners);

 private:
  asio::awaitable<void> accept_loop();

  const Router& router_;
  std::vector<std::unique_ptr<Worker>> workers_;
  Admission admission_;
  ConnectionLoop sessions_;
  asio::ip::tcp::acceptor acceptor_;
  std::size_t next_worker_ = 0;  // touched by the accept loop only
};

}  // namespace canopy::http
