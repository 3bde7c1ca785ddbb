// Answering the gateway's question end to end: level 1 (this process), level 2 (Redis, shared by
// the replicas), then the store, filling the levels it passed and counting every step. The
// route only parses the query and renders the answer.
#pragma once

#include <optional>

#include "cache/shared_level.hpp"
#include "decision/checker.hpp"
#include "exec/blocking_pool.hpp"
#include "http/asio.hpp"
#include "metrics/service_metrics.hpp"

namespace canopy::decision {

class Service {
 public:
  // `shared` is null in embedded mode (no level 2); `metrics` is null where counting is off.
  Service(Checker& checker, cache::SharedLevel* shared, exec::BlockingPool& blocking,
          metrics::ServiceMetrics* metrics)
      : checker_(checker), shared_(shared), blocking_(blocking), metrics_(metrics) {}

  // Level 1 alone, at once and never blocking: the answer, or nullopt when the levels behind
  // it must be asked (answer_uncached). Split in two so that a level-1 hit, nearly every
  // decision, costs no coroutine frame.
  std::optional<Decision> answer_cached(const Query& query);
  // After answer_cached() missed: level 2, then the store on the blocking pool, each filling the
  // levels in front of it.
  asio::awaitable<Decision> answer_uncached(const Query& query);

 private:
  // Every answer is counted by outcome and reason; each level looked at, as a hit or a miss.
  void count_lookup(metrics::CacheLevel level, bool hit) {
    if (metrics_ != nullptr) metrics_->cache_lookup(level, hit);
  }
  const Decision& counted(const Decision& d) {
    if (metrics_ != nullptr) metrics_->decision(d.allow, d.reason);
    return d;
  }

  Checker& checker_;
  cache::SharedLevel* shared_;
  exec::BlockingPool& blocking_;
  metrics::ServiceMetrics* metrics_;
};

}  // namespace canopy::decision
