// Which routes each listener serves: a route filter per listener over the one router, so a
// route is declared once whatever listener answers it.
#include "main/listeners.hpp"

namespace canopy::cli {
namespace {

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

std::unique_ptr<http::Server> internal_server(const AppConfig& config,
                                              std::vector<asio::io_context*> workers,
                                              const http::Router& router) {
  if (!config.internal_port) return nullptr;
  // The gateway's few, known pods connect here (a NetworkPolicy keeps everyone else out), so
  // the per-address cap, meant for the public, does not apply.
  http::ServerLimits limits = config.limits;
  limits.max_connections_per_address = 0;
  return std::make_unique<http::Server>(
      std::move(workers), router, limits,
      [metrics = !config.metrics_port.has_value()](std::string_view pattern) {
        return internal_route(pattern) || health_route(pattern) ||
               (metrics && metrics_route(pattern));
      });
}

std::unique_ptr<http::Server> metrics_server(const AppConfig& config, asio::io_context& io,
                                             const http::Router& router) {
  if (!config.metrics_port) return nullptr;
  // Prometheus's few scrapers: no per-address cap, and a small overall one.
  http::ServerLimits limits = config.limits;
  limits.max_connections_per_address = 0;
  limits.max_connections = 64;
  limits.access_log = false;
  limits.count_requests = false;
  return std::make_unique<http::Server>(std::vector<asio::io_context*>{&io}, router, limits,
                                        metrics_route);
}

}  // namespace

Listeners::Listeners(const AppConfig& config, std::vector<asio::io_context*> workers,
                     const http::Router& router)
    : config_(config),
      public_(workers, router, config.limits, public_routes(config)),
      internal_(internal_server(config, workers, router)),
      metrics_(metrics_server(config, *workers.at(0), router)) {}

asio::ip::tcp::endpoint Listeners::listen() {
  const auto endpoint = public_.listen(config_.address, config_.port);
  if (internal_) {
    internal_endpoint_ = internal_->listen(config_.internal_address, *config_.internal_port);
  }
  if (metrics_) {
    metrics_endpoint_ = metrics_->listen(config_.metrics_address, *config_.metrics_port);
  }
  return endpoint;
}

void Listeners::stop() {
  public_.stop();
  if (internal_) internal_->stop();
  if (metrics_) metrics_->stop();
}

std::size_t Listeners::open_connections() const {
  return public_.active_connections() + (internal_ ? internal_->active_connections() : 0) +
         (metrics_ ? metrics_->active_connections() : 0);
}

void Listeners::write_metrics(metrics::Exposition& out) const {
  std::vector<http::Server::Listener> listeners{{"public", &public_}};
  if (internal_) listeners.push_back({"internal", internal_.get()});
  http::Server::write_metrics(out, listeners);
}

}  // namespace canopy::cli
