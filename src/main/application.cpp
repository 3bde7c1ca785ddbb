// Construction order follows the dependency arrows: policy and store, then cache and use
// cases, then routes and the server.
#include "main/application.hpp"

#include <algorithm>

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

// With an internal listener, the public one serves everything but /internal/*; without one, it
// serves every route.
http::RouteFilter public_routes(const AppConfig& config) {
  if (!config.internal_port) return {};
  return [](std::string_view pattern) { return !internal_route(pattern); };
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
  auto loaded = policy::load_policies(config.policies);
  if (!loaded.snapshot) {
    std::string message;
    for (const auto& e : loaded.errors)
      message += e + "\n";
    return make_error(Errc::invalid_value,
                      message + config.policies.string() + ": policies did not validate");
  }
  auto store = open_store(config.store);
  if (auto migrated = store->migrate(clock); !migrated) {
    return make_error(migrated.error().code,
                      config.store.describe() + ": " + migrated.error().message);
  }
  return std::unique_ptr<Application>(
      new Application(std::move(config), clock, std::move(loaded.snapshot), std::move(store)));
}

Application::Application(AppConfig config, const Clock& clock,
                         std::shared_ptr<const policy::PolicySnapshot> policy,
                         std::unique_ptr<store::Store> store)
    : config_(std::move(config)),
      clock_(clock),
      policy_(std::move(policy)),
      store_(std::move(store)),
      ios_(make_workers(config_.io_threads)),
      cache_(&make_cache()),
      blocking_(config_.blocking_threads),
      hashing_(config_.hashing_threads, config_.hashing_queue),
      probed_at_ms_(steady_ms()),
      consent_(*policy_, *store_, *store_, *store_, *cache_, clock_),
      checker_(*policy_, *cache_, *store_, *store_),
      sessions_(*store_, *store_, *store_, *store_, clock_, config_.sign_in),
      partners_(*policy_, *store_),
      service_token_(config_.service_token),
      revoker_(consent_, shared_.get(), *store_, blocking_, clock_,
               {.commit_within = config_.redis.hold_ttl / 3,
                .without_store = config_.redis.without_store,
                .catch_up = config_.redis.lease + config_.redis.margin}),
      services_{*policy_,
                consent_,
                checker_,
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
                revoker_,
                shared_.get()},
      server_(workers(), router_, config_.limits, public_routes(config_)),
      housekeeping_timer_(io()),
      readiness_timer_(io()),
      epoch_timer_(io()) {
  api::add_routes(router_, services_);
  if (config_.internal_port) {
    // The gateway's few, known pods connect here (a NetworkPolicy keeps everyone else out), so
    // the per-address cap, meant for the public, does not apply.
    http::ServerLimits limits = config_.limits;
    limits.max_connections_per_address = 0;
    internal_server_ = std::make_unique<http::Server>(
        workers(), router_, limits,
        [](std::string_view pattern) { return internal_route(pattern) || health_route(pattern); });
  }
  if (shared_) shared_->start();
  asio::co_spawn(io(), housekeeping(), asio::detached);
  asio::co_spawn(io(), watch_readiness(), asio::detached);
  if (shared_) asio::co_spawn(io(), watch_revocation_epoch(), asio::detached);
}

bool Application::ready() const {
  if (stopping_ || !store_answers_) return false;
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
    std::string why;
    co_await probe_.run([&] {
      try {
        answers = store_->schema_version() > 0;
      } catch (const std::exception& e) {
        why = e.what();
      }
    });
    if (store_answers_.exchange(answers) && !answers)
      spdlog::warn("not ready: the store does not answer: {}", why);
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
  asio::post(io(), [this] {
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
                 (internal_server_ ? internal_server_->active_connections() : 0);
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

}  // namespace canopy::cli
