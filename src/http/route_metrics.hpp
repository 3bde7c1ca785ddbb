// Requests counted by route template, method and status, with their latencies, one set of
// counts per worker; and the HTTP families of /metrics, written from those counts and from each
// listener's admission figures, so the HTTP families are declared in one place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "http/admission.hpp"
#include "http/request.hpp"
#include "http/router.hpp"
#include "metrics/metrics.hpp"

namespace canopy::http {

class RouteCounter;

// What /metrics reads of one listener.
struct ListenerCounts {
  std::string_view name;  // the `listener` label
  const Router* router;
  std::vector<const RouteCounter*> workers;
  std::size_t open = 0;  // connections open now
  ServerStats stats;
};

// Requests by listener, route template, method and status, their latencies, open connections
// and refusals. Safe to call from any thread while the listeners serve.
void write_http_metrics(metrics::Exposition& out, std::span<const ListenerCounts> listeners);

// One worker's counts: only that worker's thread adds to them, with relaxed atomics and no lock;
// /metrics reads them from any thread.
class RouteCounter {
 public:
  RouteCounter();
  ~RouteCounter();
  RouteCounter(const RouteCounter&) = delete;
  RouteCounter& operator=(const RouteCounter&) = delete;

  // One slot per route of `router`, then one per method for requests no route answered. Called
  // once every route has been added (when the listener starts).
  void start(const Router& router);
  // Off until start(): a listener that does not count never starts it.
  bool on() const { return counts_ != nullptr; }
  void count(const RequestContext& ctx, unsigned status, std::int64_t micros);

 private:
  friend void write_http_metrics(metrics::Exposition&, std::span<const ListenerCounts>);
  struct Counts;
  const Router* router_ = nullptr;
  std::unique_ptr<Counts[]> counts_;
  std::size_t slots_ = 0;
};

}  // namespace canopy::http
