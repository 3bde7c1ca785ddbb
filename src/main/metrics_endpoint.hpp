// GET /metrics: the service's families in Prometheus's text format, read from the parts that
// count (readiness, policies, listeners, use cases, store pool, Redis) at each scrape.
#pragma once

#include <string>

#include "cache/shared_cache.hpp"
#include "http/router.hpp"
#include "main/listeners.hpp"
#include "main/policy_reloads.hpp"
#include "main/readiness.hpp"
#include "metrics/service_metrics.hpp"
#include "policy/live.hpp"
#include "store/store.hpp"

namespace canopy::cli {

class MetricsEndpoint {
 public:
  // What a scrape reads. `shared` is null without Redis.
  struct Sources {
    const Readiness& readiness;
    const policy::LivePolicies& policies;
    const PolicyReloads& reloads;
    const Listeners& listeners;
    const metrics::ServiceMetrics& metrics;
    const store::Store& store;
    const cache::SharedCache* shared;
  };
  // `on`: false with serve --no-metrics, when the route answers 404.
  MetricsEndpoint(bool on, Sources sources) : on_(on), sources_(sources) {}

  // GET /metrics on `router`; it answers text() for as long as this endpoint lives.
  void add_route(http::Router& router) const;
  std::string text() const;

 private:
  bool on_;
  Sources sources_;
};

}  // namespace canopy::cli
