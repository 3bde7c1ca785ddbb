// The families are written in one order, scrape after scrape: the process and policies, then
// HTTP, then the use cases, the store's pool and Redis.
#include "main/metrics_endpoint.hpp"

#include <chrono>

#include "http/response_writer.hpp"

namespace canopy::cli {
namespace {

double unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

const auto kProcessStart = std::chrono::system_clock::now();

}  // namespace

void MetricsEndpoint::add_route(http::Router& router) const {
  router.add(
      http::Method::get, "/metrics",
      [this](http::RequestContext&) -> asio::awaitable<http::Response> {
        if (!on_) {
          co_return http::error_response(404, "not_found", "metrics are off (serve --no-metrics)");
        }
        co_return http::Response{200, "text/plain; version=0.0.4; charset=utf-8", text(), {}};
      });
}

std::string MetricsEndpoint::text() const {
  const Sources& s = sources_;
  metrics::Exposition out;
  out.family("canopy_build_info", "gauge", "The running binary: its version.");
  out.sample("canopy_build_info", {{"version", CANOPY_VERSION}}, std::uint64_t{1});
  out.family("process_start_time_seconds", "gauge", "When this process started, in Unix time.");
  out.sample("process_start_time_seconds", {}, unix_seconds(kProcessStart));
  out.family("canopy_ready", "gauge", "1 when /readyz answers 200.");
  out.sample("canopy_ready", {}, std::uint64_t{s.readiness.ready() ? 1u : 0u});
  out.family("canopy_policy_info", "gauge",
             "The policies loaded: a digest of their files (the same on replicas that loaded the "
             "same files).");
  const auto loaded = s.policies.loaded();
  out.sample("canopy_policy_info", {{"digest", loaded.digest}}, std::uint64_t{1});
  out.family("canopy_policy_loaded_timestamp_seconds", "gauge",
             "When the policies in force were loaded, in Unix time.");
  out.sample("canopy_policy_loaded_timestamp_seconds", {}, unix_seconds(loaded.at));
  out.family("canopy_policy_reloads_total", "counter",
             "Policy reloads (SIGHUP, canopy policies reload): applied, or refused because the "
             "files did not validate (the policies in force stayed).");
  out.sample("canopy_policy_reloads_total", {{"result", "applied"}},
             static_cast<std::uint64_t>(loaded.generation));
  out.sample("canopy_policy_reloads_total", {{"result", "refused"}}, s.reloads.refused());
  out.family("canopy_policy_apps", "gauge", "Apps in the policies in force.");
  out.sample("canopy_policy_apps", {}, static_cast<std::uint64_t>(s.policies.apps().size()));

  s.listeners.write_metrics(out);
  s.metrics.write(out);

  if (const auto pool = s.store.pool_stats()) {
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
  if (s.shared) {
    const auto redis = s.shared->redis_stats();
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
    out.sample("canopy_cache_fresh", {}, std::uint64_t{s.shared->fresh() ? 1u : 0u});
    out.family("canopy_revocation_forgeries_total", "counter",
               "Redis entries and messages that failed the MAC check: an entry is treated as a "
               "miss, a hold is applied without its acknowledgement.");
    out.sample("canopy_revocation_forgeries_total", {}, s.shared->forgeries());
  }
  return out.text();
}

}  // namespace canopy::cli
