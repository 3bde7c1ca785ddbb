// The service's HTTP listeners over one router: the public one, and optionally an internal one
// (/internal/* and health, for the gateway) and a metrics one (/metrics, for Prometheus), each
// with its own connection cap so that no client of one can starve another.
#pragma once

#include <optional>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "http/router.hpp"
#include "http/server.hpp"
#include "main/app_config.hpp"
#include "metrics/metrics.hpp"

namespace canopy::cli {

class Listeners {
 public:
  Listeners(const AppConfig& config, std::vector<asio::io_context*> workers,
            const http::Router& router);
  Listeners(const Listeners&) = delete;
  Listeners& operator=(const Listeners&) = delete;

  // Binds every configured listener; returns the public endpoint (port 0 picks a free one).
  asio::ip::tcp::endpoint listen();
  std::optional<asio::ip::tcp::endpoint> internal_endpoint() const { return internal_endpoint_; }
  std::optional<asio::ip::tcp::endpoint> metrics_endpoint() const { return metrics_endpoint_; }
  const http::Server& public_server() const { return public_; }

  // Every listener stops accepting and lets busy connections finish (http::Server::stop()).
  void stop();
  std::size_t open_connections() const;
  // The HTTP families of /metrics: the public listener's and the internal one's.
  void write_metrics(metrics::Exposition& out) const;

 private:
  const AppConfig& config_;
  http::Server public_;
  std::unique_ptr<http::Server> internal_;  // with config_.internal_port
  std::unique_ptr<http::Server> metrics_;   // with config_.metrics_port
  std::optional<asio::ip::tcp::endpoint> internal_endpoint_;
  std::optional<asio::ip::tcp::endpoint> metrics_endpoint_;
};

}  // namespace canopy::cli
