// A flood of sign-ins with random emails, at several times the rate the server can hash
// passwords, must not slow down what the gateway and the admins need: decisions, readiness and
// a reject keep answering within their usual latency (measured in the same test, before the
// flood). Built twice: on SQLite (sign_in_flood_test) and on MariaDB (labelled mysql).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "api/backend.hpp"
#include "auth/crypto.hpp"

namespace canopy::testing {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Latencies of the requests that must not suffer, by kind.
struct Latencies {
  std::vector<double> approve, reject, decision, readyz;
};

constexpr unsigned kHashingThreads = 1;
constexpr unsigned kFloodClients = 12;

class SignInFlood : public ::testing::Test {
 protected:
  TestApp t{[](cli::AppConfig& c) {
              // Unknown emails are checked against a hash of this cost: the real cost.
              c.sign_in.dummy_cost = auth::PasswordCost::interactive;
              c.hashing_threads = kHashingThreads;
              // The flood comes from one address here; the per-address limit is tested apart.
              c.sign_in.throttle.address.burst = 1e9;
            },
            kBackend};

  // One round: approve, decide (allow), reject, decide (deny, read from the store), ready.
  void round(const Headers& admin, Latencies& out) {
    const std::string app = "/api/v1/schools/oakfield-primary/apps/parentpay/";
    const std::string decide =
        "/internal/v1/decisions?app=parentpay&school=oakfield-primary&data_type=Payment&"
        "operation=write";
    auto start = Clock::now();
    auto r = t.client().request("POST", app + "approve", {}, admin);
    out.approve.push_back(ms_since(start));
    ASSERT_EQ(r.status, 200u) << r.body;
    start = Clock::now();
    r = t.client().get(decide, bearer(kServiceToken));
    out.decision.push_back(ms_since(start));
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.json()["allow"], true);
    start = Clock::now();
    r = t.client().request("POST", app + "reject", {}, admin);
    out.reject.push_back(ms_since(start));
    ASSERT_EQ(r.status, 200u) << r.body;
    start = Clock::now();
    r = t.client().get(decide, bearer(kServiceToken));
    out.decision.push_back(ms_since(start));
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.json()["allow"], false);
    start = Clock::now();
    r = t.client().get("/readyz");
    out.readyz.push_back(ms_since(start));
    ASSERT_EQ(r.status, 200u) << r.body;
  }
};

TEST_F(SignInFlood, DecisionsReadinessAndRejectsKeepAnswering) {
  // How fast this machine checks a password at the cost the server uses.
  const auto hash = auth::hash_password("some password", auth::PasswordCost::interactive);
  auto start = Clock::now();
  for (int i = 0; i < 3; ++i)
    (void)auth::verify_password(hash, "another password");
  const double hash_ms = ms_since(start) / 3;
  const double hashes_per_second = kHashingThreads * 1000.0 / hash_ms;

  const auto admin = bearer(t.sign_in(kAmir));
  Latencies usual;
  for (int i = 0; i < 10; ++i)
    round(admin, usual);

  std::atomic<bool> stop{false};
  std::atomic<unsigned> sent{0}, busy{0}, refused{0}, other{0};
  std::atomic<bool> busy_had_retry_after{true};
  std::vector<std::thread> flood;
  const auto flood_start = Clock::now();
  for (unsigned c = 0; c < kFloodClients; ++c) {
    flood.emplace_back([&, c] {
      unsigned n = 0;
      while (!stop) {
        const auto email = "flood-" + std::to_string(c) + "-" + std::to_string(n++) + "-" +
                           auth::random_token().substr(0, 8) + "@example.org";
        try {
          const auto r = t.client().post_json(
              "/api/v1/session", nlohmann::json{{"email", email}, {"password", "guess"}}.dump());
          if (r.status == 503) {
            ++busy;
            if (r.header("retry-after").empty()) busy_had_retry_after = false;
          } else if (r.status == 401) {
            ++refused;
          } else {
            ++other;
          }
        } catch (const std::exception&) {
          ++other;
        }
        ++sent;
      }
    });
  }
  // The flood is under way once every client has had answers.
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (sent < 4 * kFloodClients && Clock::now() < deadline)
    std::this_thread::yield();

  Latencies flooded;
  for (int i = 0; i < 10 && !HasFatalFailure(); ++i)
    round(admin, flooded);
  stop = true;
  for (auto& f : flood)
    f.join();
  const double flood_seconds = ms_since(flood_start) / 1000;
  const double offered = sent / flood_seconds;

  const auto report = [](const char* what, const std::vector<double>& before,
                         const std::vector<double>& during) {
    const double b = median(before);
    const double d = median(during);
    std::printf("%-9s usual %7.2f ms  during the flood %7.2f ms (max %7.2f)\n", what, b, d,
                *std::max_element(during.begin(), during.end()));
    // Generous: the flood's own CPU use slows everything a little; waiting behind password
    // hashing would cost tens of hashes (hundreds of ms).
    EXPECT_LT(d, 4 * b + 50) << what << ": usual " << b << " ms, during the flood " << d << " ms";
  };
  std::printf(
      "hashing: %.1f ms a password, %.1f/s; flood offered %.0f/s (%u sent, %u busy, %u "
      "refused, %u other)\n",
      hash_ms, hashes_per_second, offered, sent.load(), busy.load(), refused.load(), other.load());
  ASSERT_FALSE(HasFatalFailure());
  report("approve", usual.approve, flooded.approve);
  report("decision", usual.decision, flooded.decision);
  report("reject", usual.reject, flooded.reject);
  report("readyz", usual.readyz, flooded.readyz);

  // The flood was several times what the server can hash, and what it could not take was
  // turned away at once with 503 and Retry-After.
  EXPECT_GT(offered, 3 * hashes_per_second);
  EXPECT_GT(busy.load(), 0u);
  EXPECT_TRUE(busy_had_retry_after);
  EXPECT_EQ(other.load(), 0u);
}

}  // namespace
}  // namespace canopy::testing
