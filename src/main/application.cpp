// The service's life: create() checks policies and store before anything is built, wire()
// builds the parts, and the Application runs, drains and stops them.
#include "main/application.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "consent/grants.hpp"
#include "main/wiring.hpp"

namespace canopy::cli {

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
  events::Endpoints endpoints;
  if (config.webhooks) {
    const auto& snapshot = *loaded.snapshot;
    auto loaded_endpoints = events::load_endpoints(
        *config.webhooks, [&](std::string_view app) { return snapshot.find_app(app) != nullptr; });
    if (!loaded_endpoints) {
      return make_error(Errc::invalid_value, loaded_endpoints.error().message + "\n" +
                                                 config.webhooks->string() +
                                                 ": the webhook endpoints did not validate");
    }
    endpoints = std::move(*loaded_endpoints);
  }
  return std::unique_ptr<Application>(new Application(
      wire(std::move(config), clock, std::move(loaded), std::move(store), std::move(endpoints))));
}

Application::Application(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {
  if (auto* shared = parts_->caches.shared.get()) shared->start();
  parts_->jobs->start();
  parts_->dispatcher->start();
}

Application::~Application() {
  if (!parts_->readiness->stopping()) stop(std::chrono::milliseconds(0));
  wait();
  parts_->dispatcher->stop();  // before the pool its store calls run on
  parts_->pools->join();
  parts_->jobs->join();
  parts_->jobs->leave_store_record();
}

asio::ip::tcp::endpoint Application::listen() {
  return parts_->listeners->listen();
}

std::optional<asio::ip::tcp::endpoint> Application::internal_endpoint() const {
  return parts_->listeners->internal_endpoint();
}

std::optional<asio::ip::tcp::endpoint> Application::metrics_endpoint() const {
  return parts_->listeners->metrics_endpoint();
}

const http::Server& Application::public_server() const {
  return parts_->listeners->public_server();
}

const http::Router& Application::router() const {
  return *parts_->router;
}

asio::io_context& Application::io() {
  return parts_->io();
}

store::Store& Application::store() {
  return *parts_->store;
}

const policy::PolicySnapshot& Application::policy() const {
  return parts_->policies->current();
}

std::string Application::metrics_text() const {
  return parts_->metrics_endpoint->text();
}

api::PolicyReload Application::reload_policies() {
  return parts_->reloads->reload();
}

void Application::reload_on_hangup() {
  parts_->reloads->reload_on_hangup(io(), parts_->pools->blocking);
}

void Application::run() {
  for (std::size_t i = 1; i < parts_->ios.size(); ++i)
    threads_.emplace_back([io = parts_->ios[i].get()] { io->run(); });
  io().run();
  wait();
}

void Application::start() {
  for (auto& io : parts_->ios)
    threads_.emplace_back([io = io.get()] { io->run(); });
}

void Application::wait() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void Application::stop(std::chrono::milliseconds grace) {
  parts_->readiness->stop();
  parts_->listeners->stop();
  asio::post(io(), [this] {
    parts_->reloads->stop_hangups();
    if (drain_timer_) drain_timer_->cancel();
    parts_->jobs->cancel();
  });
  if (auto* shared = parts_->caches.shared.get()) shared->stop();
  asio::co_spawn(
      io(),
      [this, grace]() -> asio::awaitable<void> {
        const auto deadline = std::chrono::steady_clock::now() + grace;
        asio::steady_timer timer(io());
        const auto open = [this] { return parts_->listeners->open_connections(); };
        while (open() > 0) {
          if (std::chrono::steady_clock::now() >= deadline) {
            spdlog::warn("{} connection(s) still busy after the grace period; closing them",
                         open());
            for (auto& io : parts_->ios)
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
  if (!parts_->readiness->drain()) return;
  if (delay.count() <= 0) {
    stop(grace);
    return;
  }
  asio::post(io(), [this, delay, grace] {
    drain_timer_ = std::make_unique<asio::steady_timer>(io(), delay);
    drain_timer_->async_wait([this, grace](const boost::system::error_code& ec) {
      if (!ec) stop(grace);
    });
  });
}

}  // namespace canopy::cli
