// The wired service: store, cache, use cases, routes and HTTP server, built from one config.
// `canopy serve` runs it until a signal; tests run it on port 0 in the same process.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "api/services.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "http/asio.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "main/app_config.hpp"
#include "policy/snapshot.hpp"
#include "store/store.hpp"

namespace canopy::cli {

struct Parts;

class Application {
 public:
  // Loads and validates policies, opens and migrates the store. Errors list every problem.
  static Result<std::unique_ptr<Application>> create(AppConfig config, const Clock& clock);
  ~Application();
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  // Binds (both listeners when the internal one is configured); returns the public endpoint
  // (port 0 picks a free one).
  asio::ip::tcp::endpoint listen();
  // The internal listener's endpoint once listen() has bound it; nullopt when it is off.
  std::optional<asio::ip::tcp::endpoint> internal_endpoint() const;
  const http::Server& public_server() const;
  // The route table (the OpenAPI spec test compares it with docs/openapi.yaml).
  const http::Router& router() const;
  // Runs io threads until everything has stopped. The calling thread is one of them.
  void run();
  // Runs the io threads in the background (tests); join with wait().
  void start();
  void wait();
  // Stops accepting, lets in-flight requests finish for up to `grace`, then stops hard.
  void stop(std::chrono::milliseconds grace);
  // A graceful shutdown for a load balancer: /readyz answers 503 from now on while the
  // listeners go on serving for `delay` (long enough for the balancer to stop sending), then
  // stop(grace).
  void drain(std::chrono::milliseconds delay, std::chrono::milliseconds grace);
  // /metrics's listener once listen() has bound it; nullopt when it is off.
  std::optional<asio::ip::tcp::endpoint> metrics_endpoint() const;
  // The text /metrics answers.
  std::string metrics_text() const;

  // The first I/O worker: it also accepts and runs the Redis connections.
  asio::io_context& io();
  store::Store& store();
  const policy::PolicySnapshot& policy() const;
  // Loads the policies directory again and puts it in force; a directory that does not
  // validate changes nothing, and the error lists every problem as "file:line: message".
  api::PolicyReload reload_policies();
  // Reloads the policies on every SIGHUP until stop() (`canopy serve` asks for it).
  void reload_on_hangup();

 private:
  explicit Application(std::unique_ptr<Parts> parts);

  std::unique_ptr<Parts> parts_;
  std::vector<std::thread> threads_;
  std::unique_ptr<asio::steady_timer> drain_timer_;  // on io(), made by drain(); stop() cancels it
};

}  // namespace canopy::cli
