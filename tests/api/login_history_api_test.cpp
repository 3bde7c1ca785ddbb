// Login history through real HTTP: a site's admins (for a school in a trust, and for the trust
// itself, the trust's central team) see its users' sign-in attempts, newest first; nobody else.
#include <gtest/gtest.h>

#include "api/backend.hpp"

namespace canopy::testing {
namespace {

std::string logins(const std::string& site, const std::string& email) {
  return "/api/v1/sites/" + site + "/users/" + email + "/logins";
}

class LoginHistoryApi : public ::testing::Test {
 protected:
  TestApp t{kBackend};

  // One failed and one successful sign-in of Joanne (office, oakfield-primary).
  void joanne_signs_in() {
    auto bad = t.client().post_json(
        "/api/v1/session", nlohmann::json{{"email", kJoanne}, {"password", "wrong"}}.dump(),
        {{"User-Agent", "Guessing/1.0"}});
    ASSERT_EQ(bad.status, 401u);
    t.clock().advance(std::chrono::seconds(5));
    auto good = t.client().post_json(
        "/api/v1/session", nlohmann::json{{"email", kJoanne}, {"password", kPassword}}.dump(),
        {{"User-Agent", "Browser/2.0"}});
    ASSERT_EQ(good.status, 201u);
  }
  HttpResult get(const std::string& who, const std::string& target) {
    return t.client().get(target, bearer(t.sign_in(who)));
  }
};

TEST_F(LoginHistoryApi, SchoolAdminSeesTheirUsersAttemptsNewestFirst) {
  joanne_signs_in();
  auto r = get(kAmir, logins("oakfield-primary", kJoanne));
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto body = r.json();
  EXPECT_EQ(body["site"], "oakfield-primary");
  EXPECT_EQ(body["user"]["email"], kJoanne);
  EXPECT_EQ(body["user"]["name"], "Joanne Hughes");
  ASSERT_EQ(body["items"].size(), 2u);
  EXPECT_EQ(body["items"][0]["outcome"], "success");
  EXPECT_EQ(body["items"][0]["user_agent"], "Browser/2.0");
  EXPECT_EQ(body["items"][0]["address"], "127.0.0.1");
  EXPECT_EQ(body["items"][1]["outcome"], "invalid_credentials");
  EXPECT_EQ(body["items"][1]["user_agent"], "Guessing/1.0");
  EXPECT_GT(body["items"][0]["at"].get<std::string>(), body["items"][1]["at"].get<std::string>());
  EXPECT_TRUE(body["next_before"].is_null());
}

TEST_F(LoginHistoryApi, TrustCentralTeamSeesSchoolUsersAndTrustUsers) {
  joanne_signs_in();
  auto school_user = get(kDana, logins("oakfield-primary", kJoanne));
  ASSERT_EQ(school_user.status, 200u) << school_user.body;
  EXPECT_EQ(school_user.json()["items"].size(), 2u);
  (void)t.sign_in(kRhys);
  auto trust_user = get(kDana, logins("oakfield-trust", kRhys));
  ASSERT_EQ(trust_user.status, 200u) << trust_user.body;
  EXPECT_EQ(trust_user.json()["items"].size(), 1u);
  // The email in the path is matched as sign-in matches it, whatever its case.
  EXPECT_EQ(get(kDana, logins("oakfield-primary", "Joanne.Hughes@Oakfield-Primary.example")).status,
            200u);
}

TEST_F(LoginHistoryApi, PagesGoBackwardsWithBefore) {
  joanne_signs_in();
  joanne_signs_in();
  const auto amir = bearer(t.sign_in(kAmir));
  auto first = t.client().get(logins("oakfield-primary", kJoanne) + "?limit=3", amir);
  ASSERT_EQ(first.status, 200u);
  ASSERT_EQ(first.json()["items"].size(), 3u);
  const auto before = first.json()["next_before"];
  ASSERT_FALSE(before.is_null());
  auto rest = t.client().get(
      logins("oakfield-primary", kJoanne) + "?limit=3&before=" + std::to_string(before.get<int>()),
      amir);
  ASSERT_EQ(rest.status, 200u);
  ASSERT_EQ(rest.json()["items"].size(), 1u);
  EXPECT_EQ(rest.json()["items"][0]["user_agent"], "Guessing/1.0");
  EXPECT_TRUE(rest.json()["next_before"].is_null());
}

TEST_F(LoginHistoryApi, BytesThatAreNotUtf8AreShownReplaced) {
  auto r = t.client().post_json("/api/v1/session",
                                nlohmann::json{{"email", kJoanne}, {"password", kPassword}}.dump(),
                                {{"User-Agent", std::string("Odd\xff\xfe/1")}});
  ASSERT_EQ(r.status, 201u);
  auto history = get(kAmir, logins("oakfield-primary", kJoanne));
  ASSERT_EQ(history.status, 200u) << history.body;
  EXPECT_EQ(history.json()["items"][0]["user_agent"], "Odd\xef\xbf\xbd\xef\xbf\xbd/1");
}

TEST_F(LoginHistoryApi, UserAgentIsKeptToItsFirst256BytesOnACharacterBoundary) {
  // "é" takes bytes 256 and 257: keeping it would go past 256 bytes, cutting it would leave
  // half a character.
  const std::string agent = std::string(255, 'a') + "\xc3\xa9" + std::string(1000, 'b');
  auto r = t.client().post_json("/api/v1/session",
                                nlohmann::json{{"email", kJoanne}, {"password", kPassword}}.dump(),
                                {{"User-Agent", agent}});
  ASSERT_EQ(r.status, 201u);
  auto history = get(kAmir, logins("oakfield-primary", kJoanne));
  ASSERT_EQ(history.status, 200u) << history.body;
  EXPECT_EQ(history.json()["items"][0]["user_agent"], std::string(255, 'a'));
}

struct Refusal {
  std::string name;
  std::string who;
  std::string target;
  unsigned status;
  std::string code;
};

class LoginHistoryRefusals : public ::testing::TestWithParam<Refusal> {};

TEST_P(LoginHistoryRefusals, AreRefused) {
  const auto& p = GetParam();
  TestApp t{kBackend};
  Headers headers;
  if (!p.who.empty()) headers = bearer(t.sign_in(p.who));
  const auto before = t.state();
  auto r = t.client().get(p.target, headers);
  EXPECT_EQ(r.status, p.status) << r.body;
  EXPECT_EQ(r.code(), p.code) << r.body;
  EXPECT_EQ(t.state(), before);
}

INSTANTIATE_TEST_SUITE_P(
    All, LoginHistoryRefusals,
    ::testing::Values(
        Refusal{"office_user", kJoanne, logins("oakfield-primary", kAmir), 403, "forbidden"},
        Refusal{"own_history_is_not_enough", kJoanne, logins("oakfield-primary", kJoanne), 403,
                "forbidden"},
        Refusal{"other_schools_admin", kClaire, logins("oakfield-primary", kJoanne), 403,
                "forbidden"},
        Refusal{"school_admin_for_trust_users", kAmir, logins("oakfield-trust", kDana), 403,
                "forbidden"},
        Refusal{"trust_user_without_manage_all_users", kRhys, logins("oakfield-primary", kJoanne),
                403, "forbidden"},
        Refusal{"trust_user_outside_the_trust", kDana,
                logins("riverside-academy", "david.osei@riverside-academy.example"), 403,
                "forbidden"},
        Refusal{"user_of_another_site", kAmir, logins("oakfield-primary", kClaire), 404,
                "unknown_user"},
        Refusal{"unknown_user", kAmir, logins("oakfield-primary", "ghost@example.org"), 404,
                "unknown_user"},
        Refusal{"unknown_site", kAmir, logins("no-such-site", kJoanne), 404, "unknown_site"},
        Refusal{"no_credentials", "", logins("oakfield-primary", kJoanne), 401, "unauthenticated"},
        Refusal{"bad_limit", kAmir, logins("oakfield-primary", kJoanne) + "?limit=500", 400,
                "invalid_value"},
        Refusal{"unknown_parameter", kAmir, logins("oakfield-primary", kJoanne) + "?from=x", 400,
                "unknown_parameter"}),
    [](const auto& test_case) { return test_case.param.name; });

}  // namespace
}  // namespace canopy::testing
