// Counters, gauges and histograms cheap enough for the decision path, and the Prometheus text
// format (0.0.4) they are scraped in. There is no Prometheus C++ library in Debian 12, and the
// format is small: this is all of it that Canopy uses.
//
// Counting is sharded: each thread adds to its own cache line of a counter (threads take the
// shards in turn as they first count), so two I/O threads counting the same thing never fight
// over one line. Reading sums the shards; a scrape sees each shard's latest value, which is all
// a monotonic counter needs.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace canopy::metrics {

inline constexpr std::size_t kShards = 8;

// This thread's shard, fixed at its first use.
std::size_t shard_of_this_thread();

class Counter {
 public:
  void add(std::uint64_t n = 1) {
    cells_[shard_of_this_thread()].value.fetch_add(n, std::memory_order_relaxed);
  }
  std::uint64_t value() const;

 private:
  struct alignas(64) Cell {
    std::atomic<std::uint64_t> value{0};
  };
  std::array<Cell, kShards> cells_;
};

// A value that goes up and down (connections in use); one atomic, set or moved by whoever owns
// the thing it measures.
class Gauge {
 public:
  void set(std::int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void add(std::int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// Buckets by upper bound, in the unit observed (seconds, items). Bounds are fixed at
// construction and ascending; +Inf is implicit.
struct HistogramSnapshot {
  std::vector<double> bounds;
  std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf (= count)
  double sum = 0;
  std::uint64_t count() const { return cumulative.empty() ? 0 : cumulative.back(); }
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);
  HistogramSnapshot snapshot() const;

 private:
  struct alignas(64) Shard {
    std::atomic<double> sum{0};
  };
  std::vector<double> bounds_;
  // [shard][bucket], bucket bounds_.size() being +Inf; not cumulative.
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::array<Shard, kShards> sums_;
  std::size_t stride_;  // buckets per shard, rounded up to a cache line
};

// Latency buckets, in seconds: 50 µs to 10 s.
inline constexpr std::array<double, 16> kLatencyBounds{
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
    0.025,   0.05,   0.1,     0.25,   0.5,   1,      2.5,   10};
inline std::span<const double> latency_bounds() {
  return kLatencyBounds;
}

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// Writes the text format: each family's HELP and TYPE, then its samples.
class Exposition {
 public:
  // Starts a family. `type` is counter, gauge, histogram or untyped.
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, Labels labels, double value);
  void sample(std::string_view name, Labels labels, std::uint64_t value);
  void sample(std::string_view name, Labels labels, std::int64_t value);
  // name_bucket{..., le="…"}, name_sum and name_count.
  void histogram(std::string_view name, Labels labels, const HistogramSnapshot& h);

  const std::string& text() const { return out_; }

 private:
  void start_sample(std::string_view name, std::string_view suffix, Labels labels,
                    std::string_view le = {});
  std::string out_;
};

}  // namespace canopy::metrics
