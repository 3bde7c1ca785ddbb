// Two `canopy serve` replicas on one MariaDB and one Redis: a reject acknowledged by one is
// honoured by the other at once, over a thousand rounds; and the degraded modes: Redis down
// (decisions from the store, rejects refused with 503 and nothing written) and MariaDB down
// (changes refused with 503 and nothing half-applied, decisions served from Redis), each
// recovering by itself.
#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "support/http_client.hpp"
#include "support/serve_process.hpp"
#include "support/servers.hpp"
#include "support/temp_dir.hpp"

namespace canopy::testing {
namespace {

constexpr char kToken[] = "replica-test-token";
constexpr char kAdmin[] = "amir.admin@oakfield-primary.example";
constexpr char kPassword[] = "replica test password";
const std::string kProbe =
    "/internal/v1/decisions?app=wonde&school=oakfield-primary&data_type=Student&operation=read";
const std::string kApps = "/api/v1/schools/oakfield-primary/apps/wonde/";

class Replicas : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto& servers = TestServers::get();
    std::mt19937_64 rng(std::random_device{}());
    database_ = "canopy_r_" + std::to_string(rng() % 1000000000);
    mysql_ = "mariadb --no-defaults -h127.0.0.1 -P" + std::to_string(servers.mysql_port) + " -u" +
             servers.mysql_user + " -p" + servers.mysql_password;
    ASSERT_EQ(std::system((mysql_ + " -e 'CREATE DATABASE " + database_ + "'").c_str()), 0);
    env_ = {{"CANOPY_STORE", "mysql"},
            {"CANOPY_MYSQL_HOST", "127.0.0.1"},
            {"CANOPY_MYSQL_PORT", std::to_string(servers.mysql_port)},
            {"CANOPY_MYSQL_USER", servers.mysql_user},
            {"CANOPY_MYSQL_PASSWORD", servers.mysql_password},
            {"CANOPY_MYSQL_DATABASE", database_},
            {"CANOPY_SERVICE_TOKEN", kToken}};
    const std::string in_root = std::string("cd ") + CANOPY_SOURCE_DIR + " && ";
    std::string cli;
    for (const auto& [k, v] : env_)
      cli += k + "='" + v + "' ";
    cli += CANOPY_BINARY;
    ASSERT_EQ(std::system((in_root + cli + " tenants import tenants >/dev/null").c_str()), 0);
    ASSERT_EQ(std::system((in_root + "printf '%s\\n' '" + kPassword + "' | " + cli +
                           " users set-password " + kAdmin + " --cost minimum >/dev/null")
                              .c_str()),
              0);
    args_ = {"--cache",         "redis",
             "--redis",         "127.0.0.1:" + std::to_string(servers.redis_port),
             "--redis-prefix",  "canopy-test-" + std::to_string(rng() % 1000000000),
             "--lease-ms",      "1000",
             "--no-access-log", "--password-cost",
             "minimum"};
    a_ = std::make_unique<ServeProcess>(args_, env_);
    b_ = std::make_unique<ServeProcess>(args_, env_);
  }

  std::string sign_in(const HttpClient& c) {
    auto r = c.post_json("/api/v1/session",
                         nlohmann::json{{"email", kAdmin}, {"password", kPassword}}.dump());
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.json()["token"];
  }

  static bool allows(const HttpClient& c) {
    auto r = c.get(kProbe, bearer(kToken));
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json()["allow"].get<bool>();
  }

  // Waits (bounded) until the replica answers allow: approvals need not be instant.
  static bool becomes_allowed(const HttpClient& c) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      if (allows(c)) return true;
    }
    return false;
  }

  void TearDown() override {
    a_.reset();
    b_.reset();
    std::system((mysql_ + " -e 'DROP DATABASE IF EXISTS " + database_ + "'").c_str());
  }

  // A fingerprint of the connection and its audit trail, read directly from MariaDB.
  std::string database_state() const {
    const std::string query =
        "SELECT CONCAT(status, '@', revision, '/', (SELECT COUNT(*) FROM " + database_ +
        ".audit_log)) FROM " + database_ +
        ".connections WHERE school_id = 'oakfield-primary' AND app_id = 'wonde'";
    const std::string cmd = mysql_ + " -N -e \"" + query + "\"";
    std::string out;
    if (FILE* p = popen(cmd.c_str(), "r")) {
      char buf[256];
      while (fgets(buf, sizeof buf, p))
        out += buf;
      pclose(p);
    }
    return out;
  }

  std::string database_;
  std::string mysql_;
  std::map<std::string, std::string> env_;
  std::vector<std::string> args_;
  std::unique_ptr<ServeProcess> a_;
  std::unique_ptr<ServeProcess> b_;
};

TEST_F(Replicas, NoReplicaAllowsAfterAnAcknowledgedReject) {
  HttpClient a(a_->port());
  HttpClient b(b_->port());
  const std::string token_a = sign_in(a);
  const std::string token_b = sign_in(b);
  int allows_after_reject = 0;
  constexpr int kRounds = 1000;
  for (int round = 0; round < kRounds; ++round) {
    // Alternate which replica decides and which one is probed.
    const HttpClient& decider = round % 2 == 0 ? a : b;
    const HttpClient& prober = round % 2 == 0 ? b : a;
    const auto& token = round % 2 == 0 ? token_a : token_b;
    ASSERT_TRUE(becomes_allowed(prober)) << "round " << round;  // the prober's cache holds allow
    auto rejected = decider.request("POST", kApps + "reject", {}, bearer(token));
    ASSERT_EQ(rejected.status, 200u) << rejected.body;
    if (allows(prober)) ++allows_after_reject;
    ASSERT_EQ(decider.request("POST", kApps + "approve", {}, bearer(token)).status, 200u);
  }
  EXPECT_EQ(allows_after_reject, 0) << "of " << kRounds << " rounds";
}

TEST_F(Replicas, RedisDownRefusesRejectsKeepsDecidingAndRecovers) {
  HttpClient a(a_->port());
  HttpClient b(b_->port());
  const std::string token = sign_in(a);
  ASSERT_TRUE(becomes_allowed(b));
  const auto before = database_state();
  const auto& servers = TestServers::get();
  servers.run("stop-redis");

  // Decisions come from the store. A reject cannot be held on the other replicas, so it is
  // refused with nothing written: trading the reject's availability for the guarantee.
  EXPECT_TRUE(allows(b));
  auto refused = a.request("POST", kApps + "reject", {}, bearer(token));
  EXPECT_EQ(refused.status, 503u) << refused.body;
  EXPECT_EQ(refused.code(), "unavailable");
  EXPECT_EQ(database_state(), before) << "the refused reject left nothing behind";
  EXPECT_TRUE(allows(b));
  EXPECT_TRUE(allows(a));

  servers.run("start-redis");
  // Recovery is by itself: once the replicas are back, the reject goes through, is honoured at
  // once by both, and is quick again (no lease waited out).
  bool fast_again = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (!fast_again && std::chrono::steady_clock::now() < deadline) {
    const auto t0 = std::chrono::steady_clock::now();
    auto rejected = a.request("POST", kApps + "reject", {}, bearer(token));
    if (rejected.status == 503) continue;
    ASSERT_EQ(rejected.status, 200u) << rejected.body;
    fast_again = std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(500);
    EXPECT_FALSE(allows(b));
    EXPECT_FALSE(allows(a));
    ASSERT_EQ(a.request("POST", kApps + "approve", {}, bearer(token)).status, 200u);
    ASSERT_TRUE(becomes_allowed(b));
  }
  EXPECT_TRUE(fast_again) << "replicas did not get back to acknowledging through Redis";
}

TEST_F(Replicas, MariadbDownRefusesChangesAndKeepsDeciding) {
  HttpClient a(a_->port());
  HttpClient b(b_->port());
  const std::string token = sign_in(a);
  ASSERT_TRUE(becomes_allowed(b));  // b has the entry cached; Redis holds it too
  ASSERT_TRUE(allows(a));
  const auto before = database_state();
  ASSERT_FALSE(before.empty());
  const auto& servers = TestServers::get();
  servers.run("stop-mariadb");

  auto refused = a.request("POST", kApps + "reject", {}, bearer(token));
  EXPECT_EQ(refused.status, 503u) << refused.body;
  EXPECT_EQ(refused.code(), "unavailable");
  EXPECT_EQ(refused.body.find("SQL"), std::string::npos) << "no internal detail leaks";
  // Decisions keep coming from the cache while the database is away.
  for (int i = 0; i < 20; ++i) {
    EXPECT_TRUE(allows(b));
    EXPECT_TRUE(allows(a));
  }

  servers.run("start-mariadb");
  EXPECT_EQ(database_state(), before) << "the refused reject left nothing behind";
  // The pool reconnects by itself: the same reject now goes through everywhere.
  HttpResult again;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  do {
    again = a.request("POST", kApps + "reject", {}, bearer(token));
  } while (again.status == 503 && std::chrono::steady_clock::now() < deadline);
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_FALSE(allows(b));
  EXPECT_FALSE(allows(a));
}

}  // namespace
}  // namespace canopy::testing
