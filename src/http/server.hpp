// The HTTP/1.1 server: Boost.Beast with C++20 coroutines, one strand per connection.
// Limits on header and body size, deadlines on every read, a connection cap, a request id on
// every response, and a graceful stop that lets in-flight requests finish.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "http/router.hpp"

namespace canopy::http {

struct ServerLimits {
  std::size_t max_connections = 1024;
  std::uint32_t header_limit = 8 * 1024;
  std::uint64_t body_limit = 64 * 1024;
  std::chrono::milliseconds read_timeout{10'000};  // to read one request once it has started
  std::chrono::milliseconds idle_timeout{30'000};  // between requests on a kept-alive connection
  bool access_log = true;
};

class Server {
 public:
  Server(asio::io_context& io, const Router& router, ServerLimits limits);
  ~Server();

  // Binds and starts accepting; returns the bound endpoint (port 0 picks a free port).
  asio::ip::tcp::endpoint listen(const std::string& address, std::uint16_t port);

  // Stops accepting, closes idle connections and lets busy ones finish their request.
  // Safe to call from any thread, more than once.
  void stop();
  std::size_t active_connections() const { return active_.load(); }

 private:
  struct Connection;
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve(std::shared_ptr<Connection> connection);
  asio::awaitable<void> refuse(asio::ip::tcp::socket socket);
  asio::awaitable<Response> dispatch(RequestContext& ctx);

  asio::io_context& io_;
  const Router& router_;
  ServerLimits limits_;
  asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> active_{0};
  std::mutex connections_mutex_;
  std::list<std::weak_ptr<Connection>> connections_;
};

// The JSON error body every failure uses: {"code": "...", "message": "..."}.
Response error_response(unsigned status, std::string_view code, std::string_view message);

}  // namespace canopy::http
