// The wired service: store, cache, use cases, routes and HTTP server, built from one config.
// `canopy serve` runs it until a signal; tests run it on port 0 in the same process.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>

#include "api/services.hpp"
#include "auth/partners.hpp"
#include "auth/sessions.hpp"
#include "cache/local_cache.hpp"
#include "cache/shared_cache.hpp"
#include "core/result.hpp"
#include "http/server.hpp"
#include "main/store_config.hpp"
#include "metrics/service_metrics.hpp"
#include "store/retention.hpp"

namespace canopy::cli {

struct AppConfig {
  StoreConfig store;
  std::filesystem::path policies = "policies";
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;
  // When set, a second listener serves /internal/* (the gateway's decisions) and the health
  // routes, with its own connection cap, and the public listener answers /internal/* with 404:
  // no client of the public port can starve the gateway, and a NetworkPolicy can admit only the
  // gateway to this port. Port 0 picks a free port.
  std::optional<std::uint16_t> internal_port;
  std::string internal_address = "127.0.0.1";
  // When set, a third listener serves GET /metrics alone, and the others answer it 404; when
  // not, the public listener (and the internal one) serve it.
  std::optional<std::uint16_t> metrics_port;
  std::string metrics_address = "127.0.0.1";
  // Counting for /metrics; off only to measure what counting costs (bench/run).
  bool metrics = true;
  // apply: create() migrates the store. wait: it does not (a migration job does), and /readyz
  // answers 503 until the store's schema is at least this binary's.
  enum class Migrations { apply, wait } migrations = Migrations::apply;
  unsigned io_threads = 2;
  unsigned blocking_threads = 4;
  // Password hashing (argon2id) has its own pool: its threads, and how many sign-ins may wait
  // for one; beyond that a sign-in answers 503 at once. Store calls never wait behind it.
  unsigned hashing_threads = 2;
  std::size_t hashing_queue = 8;
  std::string service_token;  // required: main generates one when none is configured
  // Also accepted while a rotation rolls out (the gateway moving to the new token); empty: none.
  std::string previous_service_token;
  // Secure session cookies. automatic: Secure unless `address` is a loopback address (a
  // browser on this machine, over plain HTTP); a TLS proxy on the same host needs `secure`.
  enum class Cookies { automatic, secure, insecure } cookies = Cookies::automatic;
  // How often the store is probed for /readyz; a probe older than three of these is not ready.
  std::chrono::milliseconds readiness_interval = std::chrono::seconds(1);
  auth::SignInPolicy sign_in;
  // Request bodies up to 64 KiB; routes that take batches set their own (RouteOptions).
  http::ServerLimits limits;
  // The decision cache: in-process only, or shared by replicas through Redis.
  enum class CacheKind { local, redis } cache = CacheKind::local;
  cache::SharedCacheConfig redis;
  // What old data is deleted, and how often this replica looks (store/retention.hpp); the
  // first look is one interval after the start.
  store::Retention retention;
  std::chrono::milliseconds housekeeping_interval = std::chrono::hours(1);
};

class Application {
 public:
  // Loads and validates policies, opens and migrates the store. Errors list every problem.
  static Result<std::unique_ptr<Application>> create(AppConfig config, const Clock& clock);
  ~Application();

  // Binds (both listeners when the internal one is configured); returns the public endpoint
  // (port 0 picks a free one).
  asio::ip::tcp::endpoint listen();
  // The internal listener's endpoint once listen() has bound it; nullopt when it is off.
  std::optional<asio::ip::tcp::endpoint> internal_endpoint() const { return internal_endpoint_; }
  const http::Server& public_server() const { return server_; }
  // The route table (the OpenAPI spec test compares it with docs/openapi.yaml).
  const http::Router& router() const { return router_; }
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
  std::optional<asio::ip::tcp::endpoint> metrics_endpoint() const { return metrics_endpoint_; }
  // The text /metrics answers.
  std::string metrics_text() const;

  // The first I/O worker: it also accepts and runs the Redis connections.
  asio::io_context& io() { return *ios_.front(); }
  store::Store& store() { return *store_; }
  const policy::PolicySnapshot& policy() const { return policies_.current(); }
  // Loads the policies directory again and puts it in force; a directory that does not
  // validate changes nothing, and the error lists every problem as "file:line: message".
  api::PolicyReload reload_policies();
  // Reloads the policies on every SIGHUP until stop() (`canopy serve` asks for it).
  void reload_on_hangup();
  cache::DecisionCache& cache() { return *cache_; }
  cache::SharedCache* shared_cache() { return shared_.get(); }

 private:
  Application(AppConfig config, const Clock& clock, policy::LoadResult policy,
              std::unique_ptr<store::Store> store);
  cache::DecisionCache& make_cache();
  std::vector<asio::io_context*> workers();
  asio::awaitable<void> housekeeping();
  asio::awaitable<void> watch_readiness();
  asio::awaitable<void> watch_revocation_epoch();
  void leave_store_record();
  bool ready() const;
  void add_metrics_route();
  void reconcile_in_force();

  AppConfig config_;
  const Clock& clock_;
  policy::LivePolicies policies_;
  std::unique_ptr<store::Store> store_;
  std::vector<std::unique_ptr<asio::io_context>> ios_;  // one per I/O thread
  std::unique_ptr<cache::LocalCache> local_;
  std::unique_ptr<cache::SharedCache> shared_;
  cache::DecisionCache* cache_;
  exec::BlockingPool blocking_;
  exec::BlockingPool hashing_;
  exec::BlockingPool probe_{1};             // the readiness probe's own thread
  exec::BlockingPool epoch_probe_{1};       // the revocation epoch's poll's own thread (replicas)
  std::atomic<bool> store_answers_{true};   // migrated by create(), so it answered just now
  std::atomic<std::int64_t> probed_at_ms_;  // steady clock
  consent::Service consent_;
  decision::Checker checker_;
  auth::SessionService sessions_;
  auth::PartnerAuthenticator partners_;
  auth::ServiceToken service_token_;
  revocation::Revoker revoker_;
  consent::Changes changes_;     // every change to a connection
  decision::Service decisions_;  // the gateway's questions
  std::atomic<bool> stopping_{false};
  std::atomic<bool> draining_{false};
  // Readiness waits for the schema (Migrations::wait) and, with Redis, for its first connection.
  std::atomic<bool> schema_current_;
  std::atomic<bool> grants_reconciled_;      // the policies checked against the store's sets
  std::atomic<bool> grants_refused_{false};  // they disagreed: not ready until a reload
  mutable std::atomic<bool> redis_seen_{false};
  metrics::ServiceMetrics metrics_;
  std::mutex reload_mutex_;  // one reload at a time
  std::atomic<std::uint64_t> reloads_refused_{0};
  std::unique_ptr<asio::signal_set> hangups_;  // with reload_on_hangup(); on io()
  api::Services services_;
  http::Router router_;
  http::Server server_;
  std::unique_ptr<http::Server> internal_server_;  // with config_.internal_port
  std::optional<asio::ip::tcp::endpoint> internal_endpoint_;
  std::unique_ptr<http::Server> metrics_server_;  // with config_.metrics_port
  std::optional<asio::ip::tcp::endpoint> metrics_endpoint_;
  std::vector<std::thread> threads_;
  asio::steady_timer housekeeping_timer_;  // on io(); cancelled by stop()
  asio::steady_timer readiness_timer_;     // on io(); cancelled by stop()
  asio::steady_timer epoch_timer_;         // on io(); cancelled by stop()
  asio::steady_timer drain_timer_;         // on io(); cancelled by stop()
};

}  // namespace canopy::cli
