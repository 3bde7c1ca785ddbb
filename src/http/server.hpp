// The HTTP/1.1 server: one io_context per I/O thread ("worker"), each connection served by one
// coroutine on one worker, so nothing on the request path takes a lock or crosses threads.
// Limits on header and body size, read and idle deadlines, a connection cap, a request id on
// every response, and a graceful stop that lets in-flight requests finish.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include "http/router.hpp"

namespace canopy::http {

class RequestParser;

struct ServerLimits {
  std::size_t max_connections = 1024;
  std::uint32_t header_limit = 8 * 1024;
  std::uint64_t body_limit = 64 * 1024;
  std::chrono::milliseconds read_timeout{10'000};  // to read one request once it has started,
                                                   // and to write one response
  std::chrono::milliseconds idle_timeout{30'000};  // between requests on a kept-alive connection
  bool access_log = true;
};

class Server {
 public:
  // Serves on `workers`: the first one also accepts, and new connections go to each worker in
  // turn. Each worker's io_context is meant to be run by exactly one thread.
  Server(std::vector<asio::io_context*> workers, const Router& router, ServerLimits limits);
  Server(asio::io_context& io, const Router& router, ServerLimits limits);
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

 private:
  struct Worker;
  struct Connection;
  using error_code = boost::system::error_code;
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> sweep_loop(Worker& worker);
  asio::awaitable<void> serve(Worker& worker, asio::ip::tcp::socket socket);
  asio::awaitable<error_code> read_request(Connection& c, RequestParser& parser);
  asio::awaitable<error_code> write_response(Connection& c, std::string_view bytes);
  void refuse(asio::ip::tcp::socket& socket);
  asio::awaitable<Response> dispatch(RequestContext& ctx);

  std::vector<std::unique_ptr<Worker>> workers_;
  const Router& router_;
  ServerLimits limits_;
  asio::ip::tcp::acceptor acceptor_;
  std::size_t next_worker_ = 0;  // touched by the accept loop only
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> active_{0};
};

// The JSON error body every failure uses: {"code": "...", "message": "..."}.
Response error_response(unsigned status, std::string_view code, std::string_view message);

// The bytes of a response, with the headers every response carries (Server, X-Request-Id,
// Cache-Control: no-store, X-Content-Type-Options: nosniff, Content-Length, Connection).
// A header name or value holding CR, LF or NUL is refused: returns false and writes nothing.
bool serialize_response(const Response& response, std::string_view request_id, bool keep_alive,
                        int request_version, bool head, std::string& out);

}  // namespace canopy::http
