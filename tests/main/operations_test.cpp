// `canopy serve` as an operator runs it: /metrics scraped after traffic and checked
// by promtool, JSON logs that never hold a secret, two service tokens during a rotation, and
// /readyz through start-up (--migrations wait) and shutdown (--shutdown-delay).
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <regex>
#include <sstream>
#include <thread>

#include "support/command.hpp"
#include "support/http_client.hpp"
#include "support/serve_process.hpp"
#include "support/temp_dir.hpp"

namespace canopy::testing {
namespace {

constexpr char kEmail[] = "amir.admin@oakfield-primary.example";
constexpr char kPassword[] = "operations-test-password-1";
constexpr char kWrongPassword[] = "operations-test-wrong-password-2";
constexpr char kServiceToken[] = "operations-service-token-3-0123456789";
constexpr char kPreviousToken[] = "operations-previous-token-4-0123456789";
constexpr char kPartnerSecret[] = "operations-partner-secret-5-long-enough";
constexpr char kDecision[] =
    "/internal/v1/decisions?app=wonde&school=oakfield-primary&data_type=Student&operation=read";

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const auto n = (static_cast<unsigned char>(in[i]) << 16) |
                   (static_cast<unsigned char>(in[i + 1]) << 8) |
                   static_cast<unsigned char>(in[i + 2]);
    for (int k = 18; k >= 0; k -= 6)
      out += kAlphabet[(n >> k) & 63];
  }
  if (i < in.size()) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// The port after `what` ("metrics on http://127.0.0.1:") in a serve banner; 0 when absent.
std::uint16_t port_in_banner(const std::string& banner, const std::string& what) {
  const auto at = banner.find(what);
  if (at == std::string::npos) return 0;
  const auto colon = banner.find(':', banner.find("//", at) + 2);
  return static_cast<std::uint16_t>(std::stoi(banner.substr(colon + 1)));
}

// The value of the sample `series` (name and labels exactly as exposed); -1 when absent.
double sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

class Operations : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto password = dir.write("password.txt", std::string(kPassword) + "\n");
    const auto secret = dir.write("secret.txt", std::string(kPartnerSecret) + "\n");
    ASSERT_EQ(canopy("tenants import tenants").exit_code, 0);
    ASSERT_EQ(canopy(std::string("users set-password ") + kEmail + " --cost minimum <" +
                     quote(password.string()))
                  .exit_code,
              0);
    ASSERT_EQ(canopy("partners set-secret wonde <" + quote(secret.string())).exit_code, 0);
  }
  CommandResult canopy(const std::string& args) {
    return run_command("cd " + quote(CANOPY_SOURCE_DIR) + " && CANOPY_DB=" + quote(db().string()) +
                           " " + quote(CANOPY_BINARY) + " " + args,
                       dir.path());
  }
  std::filesystem::path db() const { return dir.path() / "canopy.db"; }
  std::map<std::string, std::string> env() const {
    return {{"CANOPY_DB", db().string()}, {"CANOPY_SERVICE_TOKEN", kServiceToken}};
  }

  TempDir dir;
};

TEST_F(Operations, MetricsAfterTrafficCountWhatHappenedAndPassPromtool) {
  ServeProcess serve({"--metrics-listen", "127.0.0.1:0"}, env());
  const auto metrics_port = port_in_banner(serve.banner(), "metrics on ");
  ASSERT_NE(metrics_port, 0) << serve.banner();
  HttpClient api(serve.port());

  // Two allows (a miss, then a hit of the in-process cache), one deny, one refused token.
  EXPECT_EQ(api.get(kDecision, bearer(kServiceToken)).json()["allow"], true);
  EXPECT_EQ(api.get(kDecision, bearer(kServiceToken)).json()["allow"], true);
  const auto denied = api.get(
      "/internal/v1/"
      "decisions?app=studybugs&school=oakfield-primary&data_type=Student&operation=read",
      bearer(kServiceToken));
  EXPECT_EQ(denied.json()["reason"], "rejected");
  EXPECT_EQ(api.get(kDecision, bearer("not-the-token")).status, 401u);
  // A sign-in, a wrong password.
  EXPECT_EQ(api.post_json("/api/v1/session",
                          nlohmann::json{{"email", kEmail}, {"password", kPassword}}.dump())
                .status,
            201u);
  EXPECT_EQ(api.post_json("/api/v1/session",
                          nlohmann::json{{"email", kEmail}, {"password", kWrongPassword}}.dump())
                .status,
            401u);

  // /metrics is on its own listener only.
  EXPECT_EQ(api.get("/metrics").status, 404u);
  const auto scraped = HttpClient(metrics_port).get("/metrics");
  ASSERT_EQ(scraped.status, 200u);
  EXPECT_EQ(scraped.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = scraped.body;

  EXPECT_EQ(sample(text, R"(canopy_decisions_total{outcome="allow",reason="approved"})"), 2);
  EXPECT_EQ(sample(text, R"(canopy_decisions_total{outcome="deny",reason="rejected"})"), 1);
  EXPECT_EQ(sample(text, R"(canopy_decision_cache_lookups_total{level="local",result="hit"})"), 1);
  EXPECT_EQ(sample(text, R"(canopy_decision_cache_lookups_total{level="local",result="miss"})"), 2);
  EXPECT_EQ(sample(text, R"(canopy_http_requests_total{listener="public",method="GET",)"
                         R"(route="/internal/v1/decisions",status="200"})"),
            3);
  EXPECT_EQ(sample(text, R"(canopy_http_requests_total{listener="public",method="GET",)"
                         R"(route="/internal/v1/decisions",status="401"})"),
            1);
  EXPECT_EQ(sample(text, R"(canopy_http_request_duration_seconds_count{listener="public",)"
                         R"(method="GET",route="/internal/v1/decisions"})"),
            4);
  EXPECT_EQ(sample(text, R"(canopy_sign_in_attempts_total{outcome="success"})"), 1);
  EXPECT_EQ(sample(text, R"(canopy_sign_in_attempts_total{outcome="invalid_credentials"})"), 1);
  EXPECT_EQ(sample(text, R"(canopy_ready)"), 1);
  EXPECT_EQ(sample(text, R"(canopy_build_info{version="0.1.0"})"), 1);
  EXPECT_NE(text.find("canopy_policy_info{digest=\""), std::string::npos);
  // Label values come from fixed sets: no school or app id ever becomes a series.
  for (const char* id : {"oakfield-primary", "wonde", "studybugs", kEmail})
    EXPECT_EQ(text.find(id), std::string::npos) << id;

  const auto file = dir.write("metrics.txt", text);
  const auto checked = run_command("promtool check metrics <" + quote(file.string()), dir.path());
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_EQ(checked.out + checked.err, "") << "promtool found problems";
}

TEST_F(Operations, NoMetricsCountsNothing) {
  ServeProcess serve({"--no-metrics"}, env());
  HttpClient api(serve.port());
  EXPECT_EQ(api.get(kDecision, bearer(kServiceToken)).status, 200u);
  const auto r = api.get("/metrics");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.code(), "not_found");
}

TEST_F(Operations, JsonLogsNameTheRouteAndTheActorAndNeverASecret) {
  const auto log = dir.path() / "serve.log";
  std::vector<std::string> secrets{kPassword,      kWrongPassword,
                                   kServiceToken,  kPreviousToken,
                                   kPartnerSecret, base64(std::string("wonde:") + kPartnerSecret)};
  {
    auto e = env();
    e["CANOPY_SERVICE_TOKEN_PREVIOUS"] = kPreviousToken;
    ServeProcess serve({"--log-format", "json"}, e, log.string());
    HttpClient api(serve.port());
    // A browser sign-in (cookie and CSRF token) and an API one (bearer token), each used.
    const auto browser = api.post_json(
        "/api/v1/session", nlohmann::json{{"email", kEmail}, {"password", kPassword}}.dump());
    ASSERT_EQ(browser.status, 201u);
    const std::string set_cookie = browser.header("set-cookie");
    const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
    const std::string csrf = browser.json()["csrf_token"];
    secrets.push_back(cookie.substr(cookie.find('=') + 1));
    secrets.push_back(csrf);
    EXPECT_EQ(api.post_json("/api/v1/schools/oakfield-primary/apps/parentpay/approve", "{}",
                            {{"Cookie", cookie}, {"X-CSRF-Token", csrf}})
                  .status,
              200u);
    const auto token_sign_in = api.post_json(
        "/api/v1/session",
        nlohmann::json{{"email", kEmail}, {"password", kPassword}, {"token", true}}.dump());
    const std::string token = token_sign_in.json()["token"];
    secrets.push_back(token);
    EXPECT_EQ(api.get("/api/v1/me", bearer(token)).status, 200u);
    EXPECT_EQ(api.post_json("/api/v1/session",
                            nlohmann::json{{"email", kEmail}, {"password", kWrongPassword}}.dump())
                  .status,
              401u);
    // The partner's client credentials, and both service tokens.
    EXPECT_EQ(
        api.get("/partner/v1/connection-requests/oakfield-primary",
                {{"Authorization", "Basic " + base64(std::string("wonde:") + kPartnerSecret)}})
            .status,
        200u);
    EXPECT_EQ(api.get(kDecision, bearer(kServiceToken)).status, 200u);
    EXPECT_EQ(api.get(kDecision, bearer(kPreviousToken)).status, 200u);
    serve.terminate();
  }
  const std::string logged = slurp(log);
  ASSERT_FALSE(logged.empty());
  for (const auto& secret : secrets)
    EXPECT_EQ(logged.find(secret), std::string::npos) << "logged: " << secret;

  // One JSON object a line; every request's line names its route, status and latency.
  std::istringstream lines(logged);
  std::map<std::string, nlohmann::json> by_route;
  int requests = 0;
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    ASSERT_TRUE(j.contains("time") && j.contains("level") && j.contains("message")) << line;
    if (j["message"] != "request") continue;
    ++requests;
    for (const char* field : {"request_id", "method", "route", "path", "status", "latency_us"})
      EXPECT_TRUE(j.contains(field)) << field << " missing: " << line;
    by_route[j.value("route", "") + " " + std::to_string(j.value("status", 0))] = j;
  }
  EXPECT_EQ(requests, 8);
  const auto approve = by_route["/api/v1/schools/{school}/apps/{app}/approve 200"];
  EXPECT_EQ(approve.value("school", ""), "oakfield-primary");
  EXPECT_TRUE(std::regex_match(approve.value("actor", ""), std::regex("user:[0-9]+")))
      << approve.dump();
  EXPECT_EQ(by_route["/internal/v1/decisions 200"].value("actor", ""), "gateway");
  EXPECT_EQ(by_route["/internal/v1/decisions 200"].value("school", ""), "oakfield-primary");
  EXPECT_EQ(by_route["/partner/v1/connection-requests/{school} 200"].value("actor", ""),
            "app:wonde");
  EXPECT_FALSE(by_route["/api/v1/session 401"].contains("actor"));
}

// A pipeline reading JSON logs reads every line as JSON, the banner on stdout included; a person
// at a terminal (text) gets the plain line.
TEST_F(Operations, TheBannerIsInTheLogsFormat) {
  {
    ServeProcess serve({"--log-format", "json", "--metrics-listen", "127.0.0.1:0"}, env());
    const auto line = nlohmann::json::parse(serve.banner(), nullptr, false);
    ASSERT_TRUE(line.is_object()) << serve.banner();
    EXPECT_EQ(line.value("level", ""), "info");
    EXPECT_EQ(line.value("time", "").back(), 'Z');
    const std::string message = line.value("message", "");
    EXPECT_EQ(
        message.rfind("canopy listening on http://127.0.0.1:" + std::to_string(serve.port()), 0),
        0u)
        << message;
    EXPECT_NE(message.find(", metrics on http://127.0.0.1:"), std::string::npos) << message;
  }
  ServeProcess text({"--log-format", "text"}, env());
  EXPECT_EQ(text.banner(), "canopy listening on http://127.0.0.1:" + std::to_string(text.port()));
}

TEST_F(Operations, TwoServiceTokensAreAcceptedDuringARotationAndNoThird) {
  auto e = env();
  e["CANOPY_SERVICE_TOKEN_PREVIOUS"] = kPreviousToken;
  ServeProcess serve({"--no-access-log"}, e);
  HttpClient api(serve.port());
  EXPECT_EQ(api.get(kDecision, bearer(kServiceToken)).status, 200u);
  EXPECT_EQ(api.get(kDecision, bearer(kPreviousToken)).status, 200u);
  EXPECT_EQ(api.get(kDecision, bearer("operations-third-token")).status, 401u);
  serve.terminate();
  // Once the rotation is done, the previous token is refused.
  ServeProcess after({"--no-access-log"}, env());
  EXPECT_EQ(HttpClient(after.port()).get(kDecision, bearer(kPreviousToken)).status, 401u);
  EXPECT_EQ(HttpClient(after.port()).get(kDecision, bearer(kServiceToken)).status, 200u);
}

// Polls `target` until it answers `status` or `within` passes.
bool answers(std::uint16_t port, const std::string& target, unsigned status,
             std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  do {
    try {
      if (HttpClient(port).get(target).status == status) return true;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

TEST_F(Operations, ReadyzTurnsFalseAtTheSignalWhileTheListenerStillServes) {
  ServeProcess serve({"--no-access-log", "--shutdown-delay", "2"}, env());
  HttpClient api(serve.port());
  ASSERT_EQ(api.get("/readyz").status, 200u);
  serve.signal(SIGTERM);
  ASSERT_TRUE(answers(serve.port(), "/readyz", 503, std::chrono::seconds(1)));
  // Not ready, but serving: a request the load balancer still sends gets its answer.
  EXPECT_EQ(api.get("/healthz").status, 200u);
  EXPECT_EQ(api.get(kDecision, bearer(kServiceToken)).status, 200u);
  const auto signalled = std::chrono::steady_clock::now();
  EXPECT_EQ(serve.wait(), 0);
  EXPECT_GE(std::chrono::steady_clock::now() - signalled, std::chrono::milliseconds(1000));
  EXPECT_THROW(api.get("/healthz"), std::exception);
}

TEST_F(Operations, MigrationsWaitIsNotReadyUntilTheSchemaIsCurrent) {
  const auto fresh = dir.path() / "fresh.db";
  ServeProcess serve({"--no-access-log", "--migrations", "wait"},
                     {{"CANOPY_DB", fresh.string()}, {"CANOPY_SERVICE_TOKEN", kServiceToken}});
  HttpClient api(serve.port());
  EXPECT_EQ(api.get("/healthz").status, 200u);
  EXPECT_EQ(api.get("/readyz").status, 503u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // a probe or more
  EXPECT_EQ(api.get("/readyz").status, 503u);
  const auto migrated = run_command(
      "CANOPY_DB=" + quote(fresh.string()) + " " + quote(CANOPY_BINARY) + " migrate", dir.path());
  ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
  EXPECT_TRUE(answers(serve.port(), "/readyz", 200, std::chrono::seconds(5)));
}

}  // namespace
}  // namespace canopy::testing
