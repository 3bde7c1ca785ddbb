// Construction order follows the dependency arrows: policy and store, then cache and use
// cases, then routes and the server.
#include "main/application.hpp"

#include "consent/grants.hpp"

#include <algorithm>
#include <csignal>

#include <spdlog/spdlog.h>

namespace canopy::cli {
namespace {

// One io_context per I/O thread; each is run by exactly one thread, which it is told.
std::vector<std::unique_ptr<asio::io_context>> make_workers(unsigned threads) {
  std::vector<std::unique_ptr<asio::io_context>> ios;
  for (unsigned i = 0; i < std::max(threads, 1u); ++i)
    ios.push_back(std::make_unique<asio::io_context>(1));
  return ios;
}

bool internal_route(std::string_view pattern) {
  return pattern.starts_with("/internal/");
}
bool health_route(std::string_view pattern) {
  return pattern == "/healthz" || pattern == "/readyz";
}

bool metrics_route(std::string_view pattern) {
  return pattern == "/metrics";
}

// With an internal listener, the public one serves everything but /internal/*; without one, it
// serves every route. With a metrics listener, /metrics is served there alone.
http::RouteFilter public_routes(const AppConfig& config) {
  if (!config.internal_port && !config.metrics_port) return {};
  return [internal = config.internal_port.has_value(),
          metrics = config.metrics_port.has_value()](std::string_view pattern) {
    return !(internal && internal_route(pattern)) && !(metrics && metrics_route(pattern));
  };
}

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool secure_cookies(const AppConfig& config) {
  if (config.cookies != AppConfig::Cookies::automatic)
    return config.cookies == AppConfig::Cookies::secure;
  if (config.address == "localhost") return false;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(config.address, ec);
  return ec || !address.is_loopback();
}

}  // namespace

Result<std::unique_ptr<Application>> Application::create(AppConfig config, const Clock& clock) {
  config.limits.count_requests = config.metrics;  // the servers count only when metrics are on
  auto loaded = policy::load_policies(config.policies);
  if (!loaded.snapshot) {
    std::string message;
    for (const auto& e : loaded.errors)
      message += e + "\n";
    return make_error(Errc::invalid_value,
                      message + config.policies.string() + ": policies did not validate");
  }
  auto store = open_store(config.store);
  if (config.migrations == AppConfig::Migrations::wait) {
    spdlog::info(
        "policies {}; not migrating the store (--migrations wait): ready once its schema "
        "is at version {}",
        loaded.digest, store->latest_schema_version());
  } else if (auto migrated = store->migrate(clock); !migrated) {
    return make_error(migrated.error().code,
                      config.store.describe() + ": " + migrated.error().message);
  } else {
    // The sets schools approved, recorded in the store and checked against the files.
    auto reconciled = consent::reconcile_grants(loaded.snapshot, *store, clock.now());
    if (!reconciled) {
      return make_error(
          Errc::invalid_value,
          reconciled.error().message + "\n" + config.policies.string() +
              ": the policies disagree with the permission sets recorded in the store");
    }
    loaded.snapshot = std::move(reconciled->snapshot);
  }
  spdlog::info("policies {} in force: {} apps from {}", loaded.digest,
               loaded.snapshot->apps().size(), config.policies.string());
  return std::unique_ptr<Application>(
      new Application(std::move(config), clock, std::move(loaded), std::move(store)));
}

Application::Application(AppConfig config, const Clock& clock, policy::LoadResult policy,
                         std::unique_ptr<store::Store> store)
    : config_(std::move(config)),
      clock_(clock),
      policies_(std::move(policy.snapshot), std::move(policy.digest)),
      store_(std::move(store)),
      ios_(make_workers(config_.io_threads)),
      cache_(&make_cache()),
      blocking_(config_.blocking_threads),
      hashing_(config_.hashing_threads, config_.hashing_queue),
      probed_at_ms_(steady_ms()),
      consent_(policies_, *store_, *store_, *store_, *cache_, clock_),
      checker_(policies_, *cache_, *store_, *store_),
      sessions_(*store_, *store_, *store_, *store_, clock_, config_.sign_in),
      partners_(policies_, *store_),
      service_token_(config_.service_token, config_.previous_service_token),
      revoker_(shared_.get(), *store_, blocking_, clock_,
               {.commit_within = config_.redis.hold_ttl / 3,
                .without_store = config_.redis.without_store,
                .catch_up = config_.redis.lease + config_.redis.margin,
                .metrics = config_.metrics ? &metrics_ : nullptr}),
      changes_(consent_, revoker_, shared_.get(), blocking_, clock_),
      decisions_(checker_, shared_.get(), blocking_, config_.metrics ? &metrics_ : nullptr),
      schema_current_(config_.migrations == AppConfig::Migrations::apply),
      grants_reconciled_(config_.migrations == AppConfig::Migrations::apply),
      services_{policies_,
                consent_,
                changes_,
                decisions_,
                sessions_,
                partners_,
                service_token_,
                *store_,
                *store_,
                *store_,
                *store_,
                *store_,
                *store_,
                clock_,
                blocking_,
                hashing_,
                [this] { return ready(); },
                secure_cookies(config_),
                config_.sign_in.session_ttl,
                config_.metrics ? &metrics_ : nullptr,
                [this] { return reload_policies(); }},
      server_(workers(), router_, config_.limits, public_routes(config_)),
      housekeeping_timer_(io()),
      readiness_timer_(io()),
      epoch_timer_(io()),
      drain_timer_(io()) {
  api::add_routes(router_, services_);
  add_metrics_route();
  if (config_.internal_port) {
    // The gateway's few, known pods connect here (a NetworkPolicy keeps everyone else out), so
    // the per-address cap, meant for the public, does not apply.
    http::ServerLimits limits = config_.limits;
    limits.max_connections_per_address = 0;
    internal_server_ = std::make_unique<http::Server>(
        workers(), router_, limits,
        [metrics = !config_.metrics_port.has_value()](std::string_view pattern) {
          return internal_route(pattern) || health_route(pattern) ||
                 (metrics && metrics_route(pattern));
        });
  }
  if (config_.metrics_port) {
    // Prometheus's few scrapers: no per-address cap, and a small overall one.
    http::ServerLimits limits = config_.limits;
    limits.max_connections_per_address = 0;
    limits.max_connections = 64;
    limits.access_log = false;
    limits.count_requests = false;
    metrics_server_ = std::make_unique<http::Server>(std::vector<asio::io_context*>{&io()}, router_,
                                                     limits, metrics_route);
  }
  if (shared_) shared_->start();
  asio::co_spawn(io(), housekeeping(), asio::detached);
  asio::co_spawn(io(), watch_readiness(), asio::detached);
  if (shared_) asio::co_spawn(io(), watch_revocation_epoch(), asio::detached);
}

bool Application::ready() const {
  if (stopping_ || draining_ || !store_answers_ || !schema_current_ || !grants_reconciled_)
    return false;
  if (shared_ && !redis_seen_) {
    if (shared_->redis_stats().connected == 0) return false;
    redis_seen_ = true;  // from now on a Redis outage is served from the store, not unready
  }
  return steady_ms() - probed_at_ms_ < 3 * config_.readiness_interval.count();
}

// Every interval, on the probe's own thread: does the store answer? A probe that hangs (the
// database unreachable) leaves the last answer to age, and /readyz turns 503 after three
// intervals without waiting for it.
asio::awaitable<void> Application::watch_readiness() {
  while (!stopping_) {
    readiness_timer_.expires_after(config_.readiness_interval);
    boost::system::error_code ec;
    co_await readiness_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || stopping_) co_return;
    bool answers = false;
    int version = 0;
    std::string why;
    co_await probe_.run([&] {
      try {
        version = store_->schema_version();
        answers = version > 0 || config_.migrations == AppConfig::Migrations::wait;
      } catch (const std::exception& e) {
        why = e.what();
      }
    });
    if (store_answers_.exchange(answers) && !answers) {
      if (config_.migrations == AppConfig::Migrations::wait)
        spdlog::warn(
            "not ready: the store has no schema yet (run `canopy migrate`), or does not "
            "answer: {}",
            why);
      else
        spdlog::warn("not ready: the store does not answer: {}", why);
    }
    // An older binary stays ready on a newer schema (a rolling upgrade migrates first).
    const bool current = answers && version >= store_->latest_schema_version();
    // Once: files that disagree with the store wait for a reload, not for the next probe.
    if (current && !grants_reconciled_ && !grants_refused_)
      co_await probe_.run([&] { reconcile_in_force(); });
    if (!schema_current_.exchange(current) && current &&
        config_.migrations == AppConfig::Migrations::wait)
      spdlog::info("the store's schema is at version {}: ready", version);

    probed_at_ms_ = steady_ms();
  }
}

// Replicas only, every heartbeat interval, on the poll's own thread: the store's revocation
// epoch. Each answer keeps level 1 usable for a lease from the poll's start; a poll that fails
// or hangs lets that lapse (docs/architecture.md, "Revocation without Redis").
asio::awaitable<void> Application::watch_revocation_epoch() {
  auto last_warning = std::chrono::steady_clock::time_point{};
  while (!stopping_) {
    const auto started = std::chrono::steady_clock::now();
    store::EpochPoll poll;
    std::string why;
    co_await epoch_probe_.run([&] {
      try {
        // A replica absent from the store's record for a few leases starts a new run of polls.
        const auto now = clock_.now();
        const auto window = 3 * config_.redis.lease;
        poll = store_->poll_epoch(shared_->id(), now, now - window, now - window);
      } catch (const std::exception& e) {
        why = e.what();
      }
    });
    if (poll.epoch > 0) {
      shared_->store_polled(poll.epoch, std::move(poll.live), started);
    } else if (std::chrono::steady_clock::now() - last_warning > std::chrono::seconds(10)) {
      last_warning = std::chrono::steady_clock::now();
      spdlog::warn("the revocation epoch could not be read ({}): level 1 is not used until it is",
                   why);
    }
    epoch_timer_.expires_at(started + config_.redis.heartbeat);
    boost::system::error_code ec;
    co_await epoch_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || stopping_) co_return;
  }
}

// Replicas only: a clean stop leaves the store's record of polls, so that rejects made without
// Redis do not wait for this replica (best effort: the record also ages out).
void Application::leave_store_record() {
  if (!shared_) return;
  try {
    store_->forget_replica(shared_->id());
  } catch (const std::exception& e) {
    spdlog::warn("could not remove this replica from the store's record of polls: {}", e.what());
  }
}

// Every interval, on the blocking pool: what the retention no longer keeps is deleted. A
// failure (the store down) is logged and tried again next time.
asio::awaitable<void> Application::housekeeping() {
  while (!stopping_) {
    housekeeping_timer_.expires_after(config_.housekeeping_interval);
    boost::system::error_code ec;
    co_await housekeeping_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || stopping_) co_return;
    try {
      store::RetentionReport report;
      co_await blocking_.run(
          [&] { report = store::apply_retention(*store_, clock_.now(), config_.retention); });
      if (report.total() > 0) {
        spdlog::info(
            "housekeeping: deleted {} expired sessions, {} sign-in attempts, {} idempotency "
            "keys, {} replica records",
            report.sessions, report.logins, report.idempotency_keys, report.replica_records);
      }
    } catch (const std::exception& e) {
      spdlog::warn(
          "housekeeping failed, trying again in {} s: {}",
          std::chrono::duration_cast<std::chrono::seconds>(config_.housekeeping_interval).count(),
          e.what());
    }
  }
}

cache::DecisionCache& Application::make_cache() {
  if (config_.cache == AppConfig::CacheKind::redis) {
    shared_ = std::make_unique<cache::SharedCache>(workers(), config_.redis);
    return *shared_;
  }
  local_ = std::make_unique<cache::LocalCache>();
  return *local_;
}

std::vector<asio::io_context*> Application::workers() {
  std::vector<asio::io_context*> out;
  for (auto& io : ios_)
    out.push_back(io.get());
  return out;
}

Application::~Application() {
  if (!stopping_) stop(std::chrono::milliseconds(0));
  wait();
  blocking_.join();
  hashing_.join();
  probe_.join();
  epoch_probe_.join();
  leave_store_record();
}

asio::ip::tcp::endpoint Application::listen() {
  const auto endpoint = server_.listen(config_.address, config_.port);
  if (internal_server_) {
    internal_endpoint_ = internal_server_->listen(config_.internal_address, *config_.internal_port);
  }
  if (metrics_server_) {
    metrics_endpoint_ = metrics_server_->listen(config_.metrics_address, *config_.metrics_port);
  }
  return endpoint;
}

void Application::run() {
  for (std::size_t i = 1; i < ios_.size(); ++i)
    threads_.emplace_back([io = ios_[i].get()] { io->run(); });
  io().run();
  wait();
}

void Application::start() {
  for (auto& io : ios_)
    threads_.emplace_back([io = io.get()] { io->run(); });
}

void Application::wait() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void Application::stop(std::chrono::milliseconds grace) {
  stopping_ = true;
  server_.stop();
  if (internal_server_) internal_server_->stop();
  if (metrics_server_) metrics_server_->stop();
  asio::post(io(), [this] {
    if (hangups_) {
      boost::system::error_code ignored;
      hangups_->cancel(ignored);
    }
    drain_timer_.cancel();
    housekeeping_timer_.cancel();
    readiness_timer_.cancel();
    epoch_timer_.cancel();
  });
  if (shared_) shared_->stop();
  asio::co_spawn(
      io(),
      [this, grace]() -> asio::awaitable<void> {
        const auto deadline = std::chrono::steady_clock::now() + grace;
        asio::steady_timer timer(io());
        const auto open = [this] {
          return server_.active_connections() +
                 (internal_server_ ? internal_server_->active_connections() : 0) +
                 (metrics_server_ ? metrics_server_->active_connections() : 0);
        };
        while (open() > 0) {
          if (std::chrono::steady_clock::now() >= deadline) {
            spdlog::warn("{} connection(s) still busy after the grace period; closing them",
                         open());
            for (auto& io : ios_)
              io->stop();
            co_return;
          }
          timer.expires_after(std::chrono::milliseconds(20));
          co_await timer.async_wait(asio::use_awaitable);
        }
      },
      asio::detached);
}

void Application::drain(std::chrono::milliseconds delay, std::chrono::milliseconds grace) {
  if (draining_.exchange(true)) return;
  if (delay.count() <= 0) {
    stop(grace);
    return;
  }
  asio::post(io(), [this, delay, grace] {
    drain_timer_.expires_after(delay);
    drain_timer_.async_wait([this, grace](const boost::system::error_code& ec) {
      if (!ec) stop(grace);
    });
  });
}

api::PolicyReload Application::reload_policies() {
  std::lock_guard lock(reload_mutex_);
  api::PolicyReload out;
  // Nothing changes; every problem is logged and answered.
  const auto refuse = [&](std::vector<std::string> problems, std::string_view why) {
    ++reloads_refused_;
    for (const auto& p : problems)
      spdlog::error("policy reload: {}", p);
    spdlog::error("policy reload refused: {} {}; the policies in force ({}) stay",
                  config_.policies.string(), why, policies_.loaded().digest);
    out.problems = std::move(problems);
    return std::move(out);
  };
  auto loaded = policy::load_policies(config_.policies);
  if (!loaded.snapshot) return refuse(std::move(loaded.errors), "did not validate");
  auto reconciled = consent::reconcile_grants(loaded.snapshot, *store_, clock_.now());
  if (!reconciled) {
    return refuse({reconciled.error().message},
                  "disagrees with the permission sets recorded in the store");
  }
  const auto before = policies_.loaded().digest;
  policies_.replace(std::move(reconciled->snapshot), std::move(loaded.digest));
  grants_reconciled_ = true;
  grants_refused_ = false;
  out.loaded = policies_.loaded();
  spdlog::info("policy reload: {} in force (was {}), {} apps", out.loaded->digest, before,
               policies_.apps().size());
  return out;
}

// --migrations wait: once the schema is current, the policies loaded at start are checked
// against (and recorded in) the store; until then the replica is not ready.
void Application::reconcile_in_force() {
  std::lock_guard lock(reload_mutex_);
  try {
    auto current = std::shared_ptr<const policy::PolicySnapshot>(
        std::shared_ptr<void>(), &policies_.current());  // kept alive by policies_
    auto reconciled = consent::reconcile_grants(current, *store_, clock_.now());
    if (!reconciled) {
      spdlog::error(
          "not ready: {}: the policies disagree with the permission sets recorded in "
          "the store (fix the files and reload): {}",
          config_.policies.string(), reconciled.error().message);
      grants_refused_ = true;
      return;
    }
    if (reconciled->restored > 0) policies_.amend(std::move(reconciled->snapshot));
    grants_reconciled_ = true;
  } catch (const std::exception& e) {
    spdlog::warn("not ready: the permission sets could not be recorded: {}", e.what());
  }
}

void Application::reload_on_hangup() {
  hangups_ = std::make_unique<asio::signal_set>(io(), SIGHUP);
  // Each SIGHUP reloads on the blocking pool (files are read there), then waits for the next.
  struct Watch {
    Application* app;
    void operator()(const boost::system::error_code& ec, int) const {
      if (ec || app->stopping_) return;
      spdlog::info("SIGHUP: reloading the policies from {}", app->config_.policies.string());
      asio::co_spawn(
          app->io(),
          [app = app]() -> asio::awaitable<void> {
            co_await app->blocking_.run([app] { (void)app->reload_policies(); });
          },
          asio::detached);
      app->hangups_->async_wait(*this);
    }
  };
  hangups_->async_wait(Watch{this});
}

void Application::add_metrics_route() {
  router_.add(http::Method::get, "/metrics",
              [this](http::RequestContext&) -> asio::awaitable<http::Response> {
                if (!config_.metrics) {
                  co_return http::error_response(404, "not_found",
                                                 "metrics are off (serve --no-metrics)");
                }
                co_return http::Response{
                    200, "text/plain; version=0.0.4; charset=utf-8", metrics_text(), {}};
              });
}

namespace {

double unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

const auto kProcessStart = std::chrono::system_clock::now();

}  // namespace

std::string Application::metrics_text() const {
  metrics::Exposition out;
  out.family("canopy_build_info", "gauge", "The running binary: its version.");
  out.sample("canopy_build_info", {{"version", CANOPY_VERSION}}, std::uint64_t{1});
  out.family("process_start_time_seconds", "gauge", "When this process started, in Unix time.");
  out.sample("process_start_time_seconds", {}, unix_seconds(kProcessStart));
  out.family("canopy_ready", "gauge", "1 when /readyz answers 200.");
  out.sample("canopy_ready", {}, std::uint64_t{ready() ? 1u : 0u});
  out.family("canopy_policy_info", "gauge",
             "The policies loaded: a digest of their files (the same on replicas that loaded the "
             "same files).");
  const auto loaded = policies_.loaded();
  out.sample("canopy_policy_info", {{"digest", loaded.digest}}, std::uint64_t{1});
  out.family("canopy_policy_loaded_timestamp_seconds", "gauge",
             "When the policies in force were loaded, in Unix time.");
  out.sample("canopy_policy_loaded_timestamp_seconds", {}, unix_seconds(loaded.at));
  out.family("canopy_policy_reloads_total", "counter",
             "Policy reloads (SIGHUP, canopy policies reload): applied, or refused because the "
             "files did not validate (the policies in force stayed).");
  out.sample("canopy_policy_reloads_total", {{"result", "applied"}},
             static_cast<std::uint64_t>(loaded.generation));
  out.sample("canopy_policy_reloads_total", {{"result", "refused"}}, reloads_refused_.load());
  out.family("canopy_policy_apps", "gauge", "Apps in the policies in force.");
  out.sample("canopy_policy_apps", {}, static_cast<std::uint64_t>(policies_.apps().size()));

  std::vector<http::Server::Listener> listeners{{"public", &server_}};
  if (internal_server_) listeners.push_back({"internal", internal_server_.get()});
  http::Server::write_metrics(out, listeners);
  metrics_.write(out);

  if (const auto pool = store_->pool_stats()) {
    out.family("canopy_store_pool_connections", "gauge",
               "Database connections open, by state (in_use includes ones being opened).");
    out.sample("canopy_store_pool_connections", {{"state", "in_use"}},
               static_cast<std::uint64_t>(pool->in_use));
    out.sample("canopy_store_pool_connections", {{"state", "idle"}},
               static_cast<std::uint64_t>(pool->open - pool->in_use));
    out.family("canopy_store_pool_size", "gauge", "Database connections the pool may open.");
    out.sample("canopy_store_pool_size", {}, static_cast<std::uint64_t>(pool->size));
    out.family("canopy_store_pool_waiting", "gauge", "Threads waiting for a database connection.");
    out.sample("canopy_store_pool_waiting", {}, static_cast<std::uint64_t>(pool->waiting));
    out.family("canopy_store_pool_exhausted_total", "counter",
               "Checkouts that gave up waiting for a database connection (the request got 503).");
    out.sample("canopy_store_pool_exhausted_total", {}, pool->exhausted);
    out.family("canopy_store_pool_checkout_seconds", "histogram",
               "Time to check a database connection out, waiting included.");
    out.histogram("canopy_store_pool_checkout_seconds", {}, pool->checkout);
  }
  if (shared_) {
    const auto redis = shared_->redis_stats();
    out.family("canopy_redis_connections", "gauge", "Redis connections, by state.");
    out.sample("canopy_redis_connections", {{"state", "up"}},
               static_cast<std::uint64_t>(redis.connected));
    out.sample("canopy_redis_connections", {{"state", "down"}},
               static_cast<std::uint64_t>(redis.connections - redis.connected));
    out.family("canopy_redis_reconnects_total", "counter",
               "Redis connections made again after a loss.");
    out.sample("canopy_redis_reconnects_total", {}, redis.reconnects);
    out.family("canopy_redis_stall_resets_total", "counter",
               "Redis connections dropped because Redis stopped answering.");
    out.sample("canopy_redis_stall_resets_total", {}, redis.stall_resets);
    out.family("canopy_cache_fresh", "gauge",
               "1 while this replica's in-process cache may answer (its lease is current).");
    out.sample("canopy_cache_fresh", {}, std::uint64_t{shared_->fresh() ? 1u : 0u});
    out.family("canopy_revocation_forgeries_total", "counter",
               "Redis entries and messages that failed the MAC check: an entry is treated as a "
               "miss, a hold is applied without its acknowledgement.");
    out.sample("canopy_revocation_forgeries_total", {}, shared_->forgeries());
  }
  return out.text();
}

}  // namespace canopy::cli
