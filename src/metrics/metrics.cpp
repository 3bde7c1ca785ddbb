#include "metrics/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace canopy::metrics {

std::size_t shard_of_this_thread() {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t shard = next.fetch_add(1, std::memory_order_relaxed) % kShards;
  return shard;
}

std::uint64_t Counter::value() const {
  std::uint64_t total = 0;
  for (const auto& cell : cells_)
    total += cell.value.load(std::memory_order_relaxed);
  return total;
}

namespace {
constexpr std::size_t kCountsPerLine = 64 / sizeof(std::atomic<std::uint64_t>);
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      stride_((bounds_.size() + 1 + kCountsPerLine - 1) / kCountsPerLine * kCountsPerLine) {
  if (!std::is_sorted(bounds_.begin(), bounds_.end()) ||
      std::adjacent_find(bounds_.begin(), bounds_.end()) != bounds_.end())
    throw std::invalid_argument("histogram bounds must ascend");
  counts_ = std::make_unique<std::atomic<std::uint64_t>[]>(stride_ * kShards);
}

void Histogram::observe(double value) {
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  const std::size_t shard = shard_of_this_thread();
  counts_[shard * stride_ + bucket].fetch_add(1, std::memory_order_relaxed);
  sums_[shard].sum.fetch_add(value, std::memory_order_relaxed);
}

HistogramSnapshot Histogram::snapshot() const {
  HistogramSnapshot s;
  s.bounds = bounds_;
  s.cumulative.assign(bounds_.size() + 1, 0);
  for (std::size_t shard = 0; shard < kShards; ++shard) {
    for (std::size_t b = 0; b <= bounds_.size(); ++b)
      s.cumulative[b] += counts_[shard * stride_ + b].load(std::memory_order_relaxed);
    s.sum += sums_[shard].sum.load(std::memory_order_relaxed);
  }
  for (std::size_t b = 1; b < s.cumulative.size(); ++b)
    s.cumulative[b] += s.cumulative[b - 1];
  return s;
}

namespace {

void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
  }
}

template <typename Int>
void append_integer(std::string& out, Int v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// Label values escape backslash, double quote and newline; HELP text escapes backslash and
// newline.
void append_escaped(std::string& out, std::string_view text, bool quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

}  // namespace

void Exposition::family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  append_escaped(out_, help, false);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void Exposition::start_sample(std::string_view name, std::string_view suffix, Labels labels,
                              std::string_view le) {
  out_ += name;
  out_ += suffix;
  if (labels.size() == 0 && le.empty()) {
    out_ += ' ';
    return;
  }
  out_ += '{';
  bool first = true;
  for (const auto& [key, value] : labels) {
    if (!first) out_ += ',';
    first = false;
    out_ += key;
    out_ += "=\"";
    append_escaped(out_, value, true);
    out_ += '"';
  }
  if (!le.empty()) {
    if (!first) out_ += ',';
    out_ += "le=\"";
    out_ += le;
    out_ += '"';
  }
  out_ += "} ";
}

void Exposition::sample(std::string_view name, Labels labels, double value) {
  start_sample(name, "", labels);
  append_number(out_, value);
  out_ += '\n';
}

void Exposition::sample(std::string_view name, Labels labels, std::uint64_t value) {
  start_sample(name, "", labels);
  append_integer(out_, value);
  out_ += '\n';
}

void Exposition::sample(std::string_view name, Labels labels, std::int64_t value) {
  start_sample(name, "", labels);
  append_integer(out_, value);
  out_ += '\n';
}

void Exposition::histogram(std::string_view name, Labels labels, const HistogramSnapshot& h) {
  std::string le;
  for (std::size_t b = 0; b < h.cumulative.size(); ++b) {
    le.clear();
    append_number(le, b < h.bounds.size() ? h.bounds[b] : INFINITY);
    start_sample(name, "_bucket", labels, le);
    append_integer(out_, h.cumulative[b]);
    out_ += '\n';
  }
  start_sample(name, "_sum", labels);
  append_number(out_, h.sum);
  out_ += '\n';
  start_sample(name, "_count", labels);
  append_integer(out_, h.count());
  out_ += '\n';
}

}  // namespace canopy::metrics
