// The counting primitives and the Prometheus text they are written in.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "metrics/metrics.hpp"
#include "metrics/service_metrics.hpp"

namespace canopy::metrics {
namespace {

TEST(Counter, AddsUpEveryThreadsCounts) {
  Counter c;
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {  // more threads than shards: some share one
    threads.emplace_back([&c] {
      for (int i = 0; i < 10'000; ++i)
        c.add();
    });
  }
  for (auto& t : threads)
    t.join();
  c.add(5);
  EXPECT_EQ(c.value(), 120'005u);
}

TEST(Histogram, BucketsAreCumulativeAndBoundsInclusive) {
  Histogram h({1, 5, 10});
  for (double v : {0.5, 1.0, 3.0, 5.0, 7.0, 100.0})
    h.observe(v);
  const auto s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{2, 4, 5, 6}));
  EXPECT_EQ(s.count(), 6u);
  EXPECT_DOUBLE_EQ(s.sum, 116.5);
  EXPECT_THROW(Histogram({5, 1}), std::invalid_argument);
  EXPECT_THROW(Histogram({1, 1}), std::invalid_argument);
}

TEST(Exposition, WritesTheTextFormat) {
  Exposition out;
  out.family("x_total", "counter", "Things.\nCounted \\ here.");
  out.sample("x_total", {{"a", "plain"}, {"b", "quote\" back\\ line\n"}}, std::uint64_t{3});
  out.sample("x_total", {}, 2.5);
  Histogram h({0.5});
  h.observe(0.25);
  h.observe(2);
  out.family("y_seconds", "histogram", "Y.");
  out.histogram("y_seconds", {{"route", "/a/{b}"}}, h.snapshot());
  EXPECT_EQ(out.text(),
            "# HELP x_total Things.\\nCounted \\\\ here.\n"
            "# TYPE x_total counter\n"
            "x_total{a=\"plain\",b=\"quote\\\" back\\\\ line\\n\"} 3\n"
            "x_total 2.5\n"
            "# HELP y_seconds Y.\n"
            "# TYPE y_seconds histogram\n"
            "y_seconds_bucket{route=\"/a/{b}\",le=\"0.5\"} 1\n"
            "y_seconds_bucket{route=\"/a/{b}\",le=\"+Inf\"} 2\n"
            "y_seconds_sum{route=\"/a/{b}\"} 2.25\n"
            "y_seconds_count{route=\"/a/{b}\"} 2\n");
}

TEST(ServiceMetrics, ReasonsOutsideTheFixedSetCountAsOther) {
  ServiceMetrics m;
  m.decision(true, "approved");
  m.decision(false, "pending");
  m.decision(false, "a-reason-nobody-listed");
  m.decision(false, "oakfield-primary");
  Exposition out;
  m.write(out);
  const auto& text = out.text();
  EXPECT_NE(text.find("canopy_decisions_total{outcome=\"allow\",reason=\"approved\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("canopy_decisions_total{outcome=\"deny\",reason=\"pending\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("canopy_decisions_total{outcome=\"deny\",reason=\"other\"} 2\n"),
            std::string::npos);
  EXPECT_EQ(text.find("oakfield"), std::string::npos);
  EXPECT_EQ(text.find("reason=\"a-reason"), std::string::npos);
  // An allow is only ever "approved": the impossible pairs are left out while they are zero.
  EXPECT_EQ(text.find("outcome=\"allow\",reason=\"pending\""), std::string::npos);
}

}  // namespace
}  // namespace canopy::metrics
