// Counting is on the request path: a slot is found by index (the route's place in the router,
// or the method), a status by a table, so a count is a few relaxed atomic adds.
#include "http/route_metrics.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <string>
#include <utility>

namespace canopy::http {

namespace {

// The statuses counted by their own number; any other counts as "other".
constexpr std::array<unsigned, 35> kStatuses{
    200, 201, 202, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 405, 406, 408,
    409, 410, 411, 412, 413, 414, 415, 416, 422, 428, 429, 431, 500, 501, 502, 503, 504};
constexpr std::size_t kStatusSlots = kStatuses.size() + 1;
constexpr std::size_t kMethods = static_cast<std::size_t>(Method::other) + 1;

std::size_t status_slot(unsigned status) {
  static const auto table = [] {
    std::array<std::uint8_t, 600> t{};
    t.fill(static_cast<std::uint8_t>(kStatuses.size()));
    for (std::size_t i = 0; i < kStatuses.size(); ++i)
      t[kStatuses[i]] = static_cast<std::uint8_t>(i);
    return t;
  }();
  return status < table.size() ? table[status] : kStatuses.size();
}

}  // namespace

// One route's (or, past the router's routes, one method's unmatched requests') counts.
struct RouteCounter::Counts {
  std::array<std::atomic<std::uint64_t>, kStatusSlots> statuses{};
  // Per bucket of kLatencyBounds, then +Inf.
  std::array<std::atomic<std::uint64_t>, metrics::kLatencyBounds.size() + 1> latency{};
  std::atomic<std::uint64_t> micros{0};
};

RouteCounter::RouteCounter() = default;
RouteCounter::~RouteCounter() = default;

void RouteCounter::start(const Router& router) {
  router_ = &router;
  slots_ = router.size() + kMethods;
  counts_ = std::make_unique<Counts[]>(slots_);
}

void RouteCounter::count(const RequestContext& ctx, unsigned status, std::int64_t micros) {
  const std::size_t slot = ctx.route != RequestContext::kNoRoute && ctx.route < router_->size()
                               ? ctx.route
                               : router_->size() + static_cast<std::size_t>(ctx.method);
  if (slot >= slots_) return;
  Counts& c = counts_[slot];
  c.statuses[status_slot(status)].fetch_add(1, std::memory_order_relaxed);
  const auto bounds = metrics::latency_bounds();
  const double seconds = static_cast<double>(micros) / 1e6;
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin());
  c.latency[bucket].fetch_add(1, std::memory_order_relaxed);
  c.micros.fetch_add(static_cast<std::uint64_t>(micros), std::memory_order_relaxed);
}

void write_http_metrics(metrics::Exposition& out, std::span<const ListenerCounts> listeners) {
  // Per listener and slot, the workers' counts added up.
  struct Totals {
    std::array<std::uint64_t, kStatusSlots> statuses{};
    metrics::HistogramSnapshot latency;
  };
  const auto bounds = metrics::latency_bounds();
  std::vector<std::vector<Totals>> totals;
  for (const auto& l : listeners) {
    const std::size_t slots = l.workers.empty() ? 0 : l.workers[0]->slots_;
    auto& per_slot = totals.emplace_back(slots);
    for (auto& t : per_slot) {
      t.latency.bounds.assign(bounds.begin(), bounds.end());
      t.latency.cumulative.assign(bounds.size() + 1, 0);
    }
    for (const RouteCounter* w : l.workers) {
      for (std::size_t i = 0; i < std::min(slots, w->slots_); ++i) {
        const RouteCounter::Counts& c = w->counts_[i];
        for (std::size_t k = 0; k < kStatusSlots; ++k)
          per_slot[i].statuses[k] += c.statuses[k].load(std::memory_order_relaxed);
        for (std::size_t k = 0; k < c.latency.size(); ++k)
          per_slot[i].latency.cumulative[k] += c.latency[k].load(std::memory_order_relaxed);
        per_slot[i].latency.sum +=
            static_cast<double>(c.micros.load(std::memory_order_relaxed)) / 1e6;
      }
    }
    for (auto& t : per_slot) {
      for (std::size_t k = 1; k < t.latency.cumulative.size(); ++k)
        t.latency.cumulative[k] += t.latency.cumulative[k - 1];
    }
  }
  // The labels of slot i of a listener: its route's method and template, or a method and
  // "unmatched".
  const auto labels_of = [](const Router& router, std::size_t i) {
    if (i < router.size()) {
      const auto route = router.route(i);
      return std::pair{to_string(route.method), route.pattern};
    }
    return std::pair{to_string(static_cast<Method>(i - router.size())),
                     std::string_view("unmatched")};
  };

  out.family("canopy_http_requests_total", "counter",
             "HTTP requests answered, by listener, route template, method and status.");
  for (std::size_t l = 0; l < listeners.size(); ++l) {
    for (std::size_t i = 0; i < totals[l].size(); ++i) {
      const auto [method, route] = labels_of(*listeners[l].router, i);
      for (std::size_t k = 0; k < kStatusSlots; ++k) {
        if (totals[l][i].statuses[k] == 0) continue;
        const std::string status = k < kStatuses.size() ? std::to_string(kStatuses[k]) : "other";
        out.sample("canopy_http_requests_total",
                   {{"listener", listeners[l].name},
                    {"method", method},
                    {"route", route},
                    {"status", status}},
                   totals[l][i].statuses[k]);
      }
    }
  }
  out.family("canopy_http_request_duration_seconds", "histogram",
             "Time from a request's last byte read to its answer, by listener, route template "
             "and method.");
  for (std::size_t l = 0; l < listeners.size(); ++l) {
    for (std::size_t i = 0; i < totals[l].size(); ++i) {
      if (totals[l][i].latency.count() == 0) continue;
      const auto [method, route] = labels_of(*listeners[l].router, i);
      out.histogram("canopy_http_request_duration_seconds",
                    {{"listener", listeners[l].name}, {"method", method}, {"route", route}},
                    totals[l][i].latency);
    }
  }
  out.family("canopy_http_connections_open", "gauge", "Open connections, by listener.");
  for (const auto& l : listeners) {
    out.sample("canopy_http_connections_open", {{"listener", l.name}},
               static_cast<std::uint64_t>(l.open));
  }
  out.family("canopy_http_connections_refused_total", "counter",
             "Connections answered 503 at once: the listener's cap (at_cap) or one client "
             "address's share of it (per_address).");
  for (const auto& l : listeners) {
    out.sample("canopy_http_connections_refused_total",
               {{"listener", l.name}, {"reason", "at_cap"}}, l.stats.refused_at_cap);
    out.sample("canopy_http_connections_refused_total",
               {{"listener", l.name}, {"reason", "per_address"}}, l.stats.refused_per_address);
  }
  out.family("canopy_http_idle_connections_closed_total", "counter",
             "Idle connections closed early because the listener was near its connection cap.");
  for (const auto& l : listeners) {
    out.sample("canopy_http_idle_connections_closed_total", {{"listener", l.name}},
               l.stats.closed_idle_under_pressure);
  }
}

}  // namespace canopy::http
