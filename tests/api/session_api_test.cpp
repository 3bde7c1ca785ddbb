// Sign-in, sessions, cookies with CSRF, lockout and login history, through real HTTP.
#include <gtest/gtest.h>

#include "auth/crypto.hpp"
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

TEST(SessionApi, SignInReturnsTokenCookieAndCsrf) {
  TestApp t;
  auto r = t.client().post_json("/api/v1/session", credentials(kAmir, kPassword),
                                {{"User-Agent", "unit-test/1"}});
  ASSERT_EQ(r.status, 201u) << r.body;
  const auto body = r.json();
  EXPECT_EQ(body["user"]["email"], kAmir);
  EXPECT_EQ(body["user"]["home_site"], "oakfield-primary");
  EXPECT_EQ(body["user"]["roles"], nlohmann::json::array({"school_administrator"}));
  EXPECT_EQ(body["token"].get<std::string>().size(), 43u);
  const auto cookie = r.header("set-cookie");
  EXPECT_NE(cookie.find("canopy_session=" + body["token"].get<std::string>()), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(body["csrf_token"], auth::csrf_token_for(body["token"].get<std::string>()));

  const auto me = t.client().get("/api/v1/me", bearer(body["token"]));
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

TEST(SessionApi, RepeatedFailuresLockTheAccountAndAreRecorded) {
  TestApp t;
  for (int i = 0; i < 5; ++i) {
    auto r =
        t.client().post_json("/api/v1/session", credentials(kAmir, "wrong-" + std::to_string(i)));
    EXPECT_EQ(r.status, 401u);
  }
  auto locked = t.client().post_json("/api/v1/session", credentials(kAmir, kPassword));
  EXPECT_EQ(locked.status, 429u);
  EXPECT_EQ(locked.code(), "account_locked");
  EXPECT_EQ(locked.header("retry-after"), "900");

  t.clock().advance(std::chrono::minutes(16));
  EXPECT_EQ(t.client().post_json("/api/v1/session", credentials(kAmir, kPassword)).status, 201u);

  const auto user = t.store().find_user_by_email(kAmir);
  const auto history = t.store().logins_for_user(user->id, 50, std::nullopt);
  ASSERT_EQ(history.size(), 7u);
  EXPECT_EQ(history[0].outcome, "success");
  EXPECT_EQ(history[1].outcome, "account_locked");
  EXPECT_EQ(history[2].outcome, "invalid_credentials");
  EXPECT_EQ(history[0].address, "127.0.0.1");
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
