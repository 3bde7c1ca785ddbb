// Sign-in, sessions, cookies with CSRF, lockout and login history, through real HTTP.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "auth/crypto.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "support/test_app.hpp"

namespace canopy::testing {
namespace {

std::string credentials(const std::string& email, const std::string& password) {
  return nlohmann::json{{"email", email}, {"password", password}}.dump();
}

std::string cookie_value(const HttpResult& r) {
  const auto set = r.header("set-cookie");
  const auto start = set.find('=') + 1;
  return set.substr(start, set.find(';') - start);
}

TEST(SessionApi, SignInSetsAnHttpOnlyCookieAndGivesTheCsrfToken) {
  TestApp t;
  auto r = t.client().post_json("/api/v1/session", credentials(kAmir, kPassword),
                                {{"User-Agent", "unit-test/1"}});
  ASSERT_EQ(r.status, 201u) << r.body;
  const auto body = r.json();
  EXPECT_EQ(body["user"]["email"], kAmir);
  EXPECT_EQ(body["user"]["home_site"], "oakfield-primary");
  EXPECT_EQ(body["user"]["roles"], nlohmann::json::array({"school_administrator"}));
  const auto cookie = r.header("set-cookie");
  const auto token = cookie_value(r);
  EXPECT_EQ(token.size(), 43u);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  // Served on 127.0.0.1: a browser on this machine over plain HTTP, so not Secure.
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);
  EXPECT_EQ(body["csrf_token"], auth::csrf_token_for(token));

  const auto me = t.client().get("/api/v1/me", bearer(token));
  EXPECT_EQ(me.status, 200u);
  EXPECT_EQ(me.json()["email"], kAmir);
}

TEST(SessionApi, EmailIsCaseInsensitive) {
  TestApp t;
  auto r = t.client().post_json("/api/v1/session",
                                credentials("Amir.Admin@Oakfield-Primary.example", kPassword));
  EXPECT_EQ(r.status, 201u) << r.body;
}

TEST(SessionApi, WrongPasswordAndUnknownUserLookTheSame) {
  TestApp t;
  auto wrong = t.client().post_json("/api/v1/session", credentials(kAmir, "not the password"));
  auto unknown =
      t.client().post_json("/api/v1/session", credentials("nobody@nowhere.example", kPassword));
  EXPECT_EQ(wrong.status, 401u);
  EXPECT_EQ(unknown.status, 401u);
  EXPECT_EQ(wrong.code(), "invalid_credentials");
  EXPECT_EQ(wrong.json()["message"], unknown.json()["message"]);
}

TEST(SessionApi, BadSignInBodiesAreRefused) {
  TestApp t;
  const auto before = t.state();
  struct Case {
    std::string body;
    std::string content_type;
    unsigned status;
    std::string code;
  };
  const std::vector<Case> cases{
      {"{not json", "application/json", 400, "malformed_json"},
      {R"(["a"])", "application/json", 400, "wrong_type"},
      {R"({"email": "a@b.example"})", "application/json", 400, "missing_field"},
      {R"({"email": 5, "password": "x"})", "application/json", 400, "wrong_type"},
      {R"({"email": "a@b.example", "password": "x", "remember": true})", "application/json", 400,
       "unknown_field"},
      {R"({"email": "a@b.example", "password": "x"})", "text/plain", 415, "unsupported_media_type"},
  };
  for (const auto& c : cases) {
    auto r =
        t.client().request("POST", "/api/v1/session", c.body, {{"Content-Type", c.content_type}});
    EXPECT_EQ(r.status, c.status) << c.body;
    EXPECT_EQ(r.code(), c.code) << c.body;
  }
  EXPECT_EQ(t.state(), before);
}

TEST(SessionApi, AttemptsAtKnownAccountsAreRecordedAndThrottledOnesAreNot) {
  TestApp t;
  for (int i = 0; i < 7; ++i) {
    auto r =
        t.client().post_json("/api/v1/session", credentials(kAmir, "wrong-" + std::to_string(i)));
    EXPECT_EQ(r.status, i < 5 ? 401u : 429u) << i << " " << r.body;
  }
  // The address's budget for this account is spent, the right password included...
  auto throttled = t.client().post_json("/api/v1/session", credentials(kAmir, kPassword));
  EXPECT_EQ(throttled.status, 429u);
  EXPECT_EQ(throttled.code(), "too_many_attempts");
  EXPECT_EQ(throttled.header("retry-after"), "60");
  // ...and comes back, one attempt a minute.
  t.clock().advance(std::chrono::minutes(1));
  EXPECT_EQ(t.client().post_json("/api/v1/session", credentials(kAmir, kPassword)).status, 201u);

  const auto user = t.store().find_user_by_email(kAmir);
  const auto history = t.store().logins_for_user(user->id, 50, std::nullopt);
  ASSERT_EQ(history.size(), 6u);  // the refused attempts checked nothing and wrote nothing
  EXPECT_EQ(history[0].outcome, "success");
  EXPECT_EQ(history[1].outcome, "invalid_credentials");
  EXPECT_EQ(history[0].address, "127.0.0.1");
}

// What a failed sign-in shows a caller: status, body and whether it says when to come back.
std::string shown(const HttpResult& r) {
  return std::to_string(r.status) + " " + r.body + (r.header("retry-after").empty() ? "" : " +R");
}

TEST(SessionApi, FailuresLookTheSameForKnownAndUnknownEmails) {
  TestApp t;
  for (int i = 0; i < 10; ++i) {
    const auto known =
        t.client().post_json("/api/v1/session", credentials(kAmir, "wrong-" + std::to_string(i)));
    const auto unknown = t.client().post_json(
        "/api/v1/session",
        credentials("nobody@oakfield-primary.example", "wrong-" + std::to_string(i)));
    EXPECT_EQ(shown(known), shown(unknown)) << "attempt " << i;
    EXPECT_NE(known.code(), "account_locked") << "attempt " << i;
    EXPECT_NE(unknown.code(), "account_locked") << "attempt " << i;
  }
}

TEST(SessionApi, StrangersCannotLockAnAccountOut) {
  TestApp t;
  const auto stranger = t.client().from("127.0.0.2");
  for (int i = 0; i < 30; ++i) {
    const auto r =
        stranger.post_json("/api/v1/session", credentials(kAmir, "guess-" + std::to_string(i)));
    EXPECT_NE(r.code(), "account_locked") << i;
    ASSERT_TRUE(r.status == 401u || r.status == 429u) << r.body;
  }
  // Even the right password from the stranger's address does not say "locked".
  const auto from_stranger = stranger.post_json("/api/v1/session", credentials(kAmir, kPassword));
  EXPECT_NE(from_stranger.code(), "account_locked");
  // Amir, from his own address, does not notice.
  const auto amir = t.client().post_json("/api/v1/session", credentials(kAmir, kPassword));
  EXPECT_EQ(amir.status, 201u) << amir.body;
}

TEST(SessionApi, GuessingFromManyAddressesIsSlowedButNotForTheAdminsOwnAddress) {
  TestApp t;
  // Amir has signed in from 127.0.0.1 before: that address has proved it knows his password.
  ASSERT_EQ(t.client().post_json("/api/v1/session", credentials(kAmir, kPassword)).status, 201u);
  unsigned refused = 0;
  for (int a = 10; a < 30; ++a) {
    const auto attacker = t.client().from("127.0.0." + std::to_string(a));
    for (int i = 0; i < 5; ++i) {
      const auto r = attacker.post_json("/api/v1/session", credentials(kAmir, "guess"));
      EXPECT_NE(r.code(), "account_locked");
      if (r.status == 429u) ++refused;
    }
  }
  // Past the account's budget, guesses from addresses that never signed in are refused
  // without being checked...
  EXPECT_GT(refused, 0u);
  const auto fresh =
      t.client().from("127.0.0.99").post_json("/api/v1/session", credentials(kAmir, kPassword));
  EXPECT_EQ(fresh.status, 429u) << fresh.body;
  EXPECT_EQ(fresh.code(), "too_many_attempts");
  EXPECT_FALSE(fresh.header("retry-after").empty());
  // ...while Amir, from the address he signed in from before, gets in at once.
  const auto amir = t.client().post_json("/api/v1/session", credentials(kAmir, kPassword));
  EXPECT_EQ(amir.status, 201u) << amir.body;
}

TEST(SessionApi, OneAddressCannotSignInWithoutLimit) {
  TestApp t;
  const auto noisy = t.client().from("127.0.0.3");
  HttpResult last;
  int attempts = 0;
  for (; attempts < 200; ++attempts) {
    last = noisy.post_json("/api/v1/session",
                           credentials("user" + std::to_string(attempts) + "@example.org", "x"));
    if (last.status != 401u) break;
  }
  EXPECT_LT(attempts, 200);
  EXPECT_EQ(last.status, 429u) << last.body;
  EXPECT_EQ(last.code(), "too_many_attempts");
  EXPECT_FALSE(last.header("retry-after").empty());
  // Other addresses are not affected.
  EXPECT_EQ(t.client().post_json("/api/v1/session", credentials(kAmir, kPassword)).status, 201u);
}

// Medians of how long failed sign-ins take, in ms: known emails (wrong password) and unknown.
TEST(SessionApi, FailedSignInsTakeTheSameTimeForKnownAndUnknownEmails) {
  TestApp t([](cli::AppConfig& c) { c.sign_in.failure_delay = std::chrono::milliseconds(100); });
  const auto took = [&](const std::string& email) {
    const auto start = std::chrono::steady_clock::now();
    const auto r = t.client().post_json("/api/v1/session", credentials(email, "not the password"));
    EXPECT_EQ(r.status, 401u) << r.body;
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
  };
  std::vector<double> known;
  std::vector<double> unknown;
  for (int i = 0; i < 4; ++i) {
    for (const char* email : {kAmir, kJoanne, kClaire}) {
      known.push_back(took(email));
      unknown.push_back(took("ghost" + std::to_string(known.size()) + "@oakfield-primary.example"));
    }
  }
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  const double k = median(known);
  const double u = median(unknown);
  EXPECT_LT(std::max(k, u) / std::min(k, u), 1.5) << "known " << k << " ms, unknown " << u << " ms";
  std::printf("failed sign-ins: known emails %.1f ms, unknown %.1f ms (medians)\n", k, u);
}

TEST(SessionApi, UnknownEmailsLeaveNoLoginHistory) {
  TestApp t;
  const std::string ghost = "ghost-history@oakfield-primary.example";
  EXPECT_EQ(t.client().post_json("/api/v1/session", credentials(ghost, "x")).status, 401u);
  EXPECT_EQ(t.client().post_json("/api/v1/session", credentials(kAmir, "x")).status, 401u);
  store::sqlite::Database db(t.store_env().at("CANOPY_DB"));
  auto count = db.prepare("SELECT COUNT(*) FROM login_history WHERE email = ?");
  count.bind(1, std::string_view(ghost));
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.integer(0), 0);
  // A known account's failures stay in its history.
  const auto user = t.store().find_user_by_email(kAmir);
  EXPECT_EQ(t.store().logins_for_user(user->id, 10, std::nullopt).size(), 1u);
}

TEST(SessionApi, BrowserSignInGetsTheCookieButNoTokenInTheBody) {
  TestApp t;
  auto r = t.client().post_json("/api/v1/session", credentials(kAmir, kPassword));
  ASSERT_EQ(r.status, 201u) << r.body;
  const auto body = r.json();
  EXPECT_FALSE(body.contains("token")) << r.body;
  const auto token = cookie_value(r);
  EXPECT_EQ(token.size(), 43u);
  EXPECT_EQ(body["csrf_token"], auth::csrf_token_for(token));
  EXPECT_EQ(body["user"]["email"], kAmir);
  EXPECT_EQ(t.client().get("/api/v1/me", {{"Cookie", "canopy_session=" + token}}).status, 200u);
}

TEST(SessionApi, ApiClientsAskForABearerToken) {
  TestApp t;
  auto r = t.client().post_json(
      "/api/v1/session",
      nlohmann::json{{"email", kAmir}, {"password", kPassword}, {"token", true}}.dump());
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::string token = r.json()["token"];
  EXPECT_EQ(token.size(), 43u);
  EXPECT_EQ(t.client().get("/api/v1/me", bearer(token)).status, 200u);
  // Asking not to get one is the browser's sign-in.
  auto no = t.client().post_json(
      "/api/v1/session",
      nlohmann::json{{"email", kAmir}, {"password", kPassword}, {"token", false}}.dump());
  ASSERT_EQ(no.status, 201u) << no.body;
  EXPECT_FALSE(no.json().contains("token"));
  auto wrong_type = t.client().post_json(
      "/api/v1/session",
      nlohmann::json{{"email", kAmir}, {"password", kPassword}, {"token", "yes"}}.dump());
  EXPECT_EQ(wrong_type.status, 400u);
  EXPECT_EQ(wrong_type.code(), "wrong_type");
}

TEST(SessionApi, SignOutEndsTheSession) {
  TestApp t;
  const auto token = t.sign_in(kAmir);
  auto out = t.client().request("DELETE", "/api/v1/session", {}, bearer(token));
  EXPECT_EQ(out.status, 204u);
  EXPECT_NE(out.header("set-cookie").find("Max-Age=0"), std::string::npos);
  auto after = t.client().get("/api/v1/me", bearer(token));
  EXPECT_EQ(after.status, 401u);
  EXPECT_EQ(after.code(), "unauthenticated");
}

TEST(SessionApi, SessionsExpire) {
  TestApp t;
  const auto token = t.sign_in(kAmir);
  t.clock().advance(std::chrono::hours(8) + std::chrono::seconds(1));
  auto r = t.client().get("/api/v1/me", bearer(token));
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(r.code(), "unauthenticated");
}

TEST(SessionApi, CookieStateChangesNeedTheCsrfHeader) {
  TestApp t;
  auto in = t.client().post_json("/api/v1/session", credentials(kAmir, kPassword));
  const std::string cookie = "canopy_session=" + cookie_value(in);
  const std::string csrf = in.json()["csrf_token"];
  const std::string approve = "/api/v1/schools/oakfield-primary/apps/parentpay/approve";

  // Reading with the cookie alone is fine.
  EXPECT_EQ(t.client().get("/api/v1/schools/oakfield-primary/apps", {{"Cookie", cookie}}).status,
            200u);

  const auto before = t.state();
  auto no_header = t.client().request("POST", approve, {}, {{"Cookie", cookie}});
  EXPECT_EQ(no_header.status, 403u);
  EXPECT_EQ(no_header.code(), "csrf_token_invalid");
  auto wrong_header =
      t.client().request("POST", approve, {}, {{"Cookie", cookie}, {"X-CSRF-Token", "0000"}});
  EXPECT_EQ(wrong_header.status, 403u);
  EXPECT_EQ(t.state(), before);

  auto ok = t.client().request("POST", approve, {},
                               {{"Cookie", "theme=dark; " + cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(ok.json()["status"], "approved");
}

TEST(SessionApi, GarbageTokensAreUnauthenticated) {
  TestApp t;
  for (const auto& token : {std::string("nope"), std::string(500, 'a')}) {
    auto r = t.client().get("/api/v1/me", bearer(token));
    EXPECT_EQ(r.status, 401u);
  }
  auto none = t.client().get("/api/v1/me");
  EXPECT_EQ(none.status, 401u);
  EXPECT_EQ(none.header("www-authenticate"), "Bearer realm=\"canopy\"");
}

}  // namespace
}  // namespace canopy::testing
