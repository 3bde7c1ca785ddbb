// The connection loop: each connection is one coroutine on one worker, reading a request within
// the limits and deadlines, dispatching it, writing the answer and keeping the connection
// alive, until the client leaves or the listener stops gracefully. Internal to http::Server.
#pragma once

#include <atomic>
#include <list>

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include "http/admission.hpp"
#include "http/asio.hpp"
#include "http/route_metrics.hpp"
#include "http/router.hpp"
#include "http/server_limits.hpp"

namespace canopy::http {

class RequestParser;
struct Connection;

// One io_context, run by one thread: its connections, their sweeper and their counts are
// touched on that thread only, so the request path takes no lock.
struct Worker {
  explicit Worker(asio::io_context& context) : io(context), sweeper(context) {}
  asio::io_context& io;
  asio::steady_timer sweeper;
  std::list<Connection*> connections;
  RouteCounter counts;
};

class ConnectionLoop {
 public:
  // `routes`, when given, is the part of the router this listener serves; every other route
  // answers 404.
  ConnectionLoop(const Router& router, ServerLimits limits, RouteFilter routes);
  ConnectionLoop(const ConnectionLoop&) = delete;
  ConnectionLoop& operator=(const ConnectionLoop&) = delete;

  const ServerLimits& limits() const { return limits_; }

  // Serves one admitted connection until it ends; its ticket is given back then.
  asio::awaitable<void> serve(Worker& worker, asio::ip::tcp::socket socket,
                              Admission::Ticket ticket);
  // Closes, on `worker`, connections whose deadline has passed and, near the cap, idle ones;
  // ends once stopping and the worker has no connection left. A connection starts no timer of
  // its own.
  asio::awaitable<void> sweep(Worker& worker, Admission& admission);

  // From now on no connection is kept alive. True the first time.
  bool stop() { return !stopping_.exchange(true); }
  bool stopping() const { return stopping_.load(); }
  // On `worker`'s thread, once stopping: ends the connections waiting for a request; busy ones
  // finish theirs.
  static void close_idle(Worker& worker);

 private:
  using error_code = boost::system::error_code;
  asio::awaitable<error_code> read_request(Connection& c, RequestParser& parser);
  asio::awaitable<error_code> write_response(Connection& c, std::string_view bytes);
  asio::awaitable<Response> dispatch(RequestContext& ctx);

  const Router& router_;
  ServerLimits limits_;
  RouteFilter routes_;
  std::atomic<bool> stopping_{false};
};

}  // namespace canopy::http
