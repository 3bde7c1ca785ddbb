// Login history through real HTTP: a site's admins (for a school in a trust, and for the trust
// itself, the trust's central team) see its users, each with their newest sign-in attempt, and
// each user's sign-in attempts, newest first; nobody else.
#include <gtest/gtest.h>

#include "api/backend.hpp"

namespace canopy::testing {
namespace {

std::string logins(const std::string& site, const std::string& email) {
  return "/api/v1/sites/" + site + "/users/" + email + "/logins";
}

std::string users(const std::string& site) {
  return "/api/v1/sites/" + site + "/users";
}

constexpr char kTom[] = "tom.ashworth@hazelwood-primary.example";  // teacher, hazelwood-primary

using Strings = std::vector<std::string>;

// The items of a users list as "email=name", in the order given.
Strings emails_and_names(const nlohmann::json& body) {
  Strings out;
  for (const auto& u : body.at("items"))
    out.push_back(u.at("email").get<std::string>() + "=" + u.at("name").get<std::string>());
  return out;
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

TEST_F(LoginHistoryApi, UserAgentIsKeptToItsFirst160BytesOnACharacterBoundary) {
  // "é" takes bytes 160 and 161: keeping it would go past 160 bytes, cutting it would leave
  // half a character.
  const std::string agent = std::string(159, 'a') + "\xc3\xa9" + std::string(1000, 'b');
  auto r = t.client().post_json("/api/v1/session",
                                nlohmann::json{{"email", kJoanne}, {"password", kPassword}}.dump(),
                                {{"User-Agent", agent}});
  ASSERT_EQ(r.status, 201u);
  auto history = get(kAmir, logins("oakfield-primary", kJoanne));
  ASSERT_EQ(history.status, 200u) << history.body;
  EXPECT_EQ(history.json()["items"][0]["user_agent"], std::string(159, 'a'));
}

TEST_F(LoginHistoryApi, SchoolAdminListsTheirSchoolsUsersWithTheirNewestSignIn) {
  auto r = get(kAmir, users("oakfield-primary"));
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto body = r.json();
  EXPECT_EQ(body["site"], "oakfield-primary");
  EXPECT_EQ(body["site_name"], "Oakfield Primary School");
  // Exactly the school's users in tenants/oakfield-learning-trust.yaml, by name.
  EXPECT_EQ(emails_and_names(body),
            (Strings{std::string(kAmir) + "=Amir Patel", std::string(kJoanne) + "=Joanne Hughes"}));
  const auto& amir = body["items"][0];
  EXPECT_EQ(amir["roles"], nlohmann::json::array({"school_administrator"}));
  EXPECT_EQ(amir["disabled"], false);
  // Amir signed in to ask.
  EXPECT_EQ(amir["last_sign_in"]["outcome"], "success");
  EXPECT_EQ(amir["last_sign_in"]["at"], format_rfc3339(t.clock().now()));
  const auto& joanne = body["items"][1];
  EXPECT_EQ(joanne["roles"], nlohmann::json::array({"school_office"}));
  EXPECT_TRUE(joanne["last_sign_in"].is_null());
  // Nothing but these fields: no id, password hash or lock state.
  for (const auto& item : body["items"]) {
    Strings keys;
    for (const auto& [key, value] : item.items())
      keys.push_back(key);
    EXPECT_EQ(keys, (Strings{"disabled", "email", "last_sign_in", "name", "roles"}));
  }
  EXPECT_EQ(body.size(), 3u);
}

TEST_F(LoginHistoryApi, UsersListShowsTheNewestAttemptFailedOrNot) {
  const auto amir = bearer(t.sign_in(kAmir));
  auto bad = t.client().post_json("/api/v1/session",
                                  nlohmann::json{{"email", kJoanne}, {"password", "wrong"}}.dump());
  ASSERT_EQ(bad.status, 401u);
  const auto failed_at = format_rfc3339(t.clock().now());
  auto list = t.client().get(users("oakfield-primary"), amir);
  ASSERT_EQ(list.status, 200u) << list.body;
  EXPECT_EQ(list.json()["items"][1]["email"], kJoanne);
  EXPECT_EQ(list.json()["items"][1]["last_sign_in"],
            (nlohmann::json{{"at", failed_at}, {"outcome", "invalid_credentials"}}));

  t.clock().advance(std::chrono::seconds(5));
  auto good = t.client().post_json(
      "/api/v1/session", nlohmann::json{{"email", kJoanne}, {"password", kPassword}}.dump());
  ASSERT_EQ(good.status, 201u);
  list = t.client().get(users("oakfield-primary"), amir);
  ASSERT_EQ(list.status, 200u) << list.body;
  const auto last = list.json()["items"][1]["last_sign_in"];
  EXPECT_EQ(last["outcome"], "success");
  EXPECT_GT(last["at"].get<std::string>(), failed_at);
  // The same attempt the user's own history starts with.
  auto history = t.client().get(logins("oakfield-primary", kJoanne), amir);
  ASSERT_EQ(history.status, 200u) << history.body;
  EXPECT_EQ(last["at"], history.json()["items"][0]["at"]);
}

TEST_F(LoginHistoryApi, ALeaverIsListedAsDisabled) {
  const auto joanne = t.store().find_user_by_email(kJoanne).value();
  ASSERT_TRUE(t.store().disable_user(joanne.id, t.clock().now()).has_value());
  auto r = get(kAmir, users("oakfield-primary"));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json()["items"][1]["email"], kJoanne);
  EXPECT_EQ(r.json()["items"][1]["disabled"], true);
  EXPECT_EQ(r.json()["items"][0]["disabled"], false);
}

TEST_F(LoginHistoryApi, TrustCentralTeamListsASchoolOfTheTrustAndTheTrustItself) {
  (void)t.sign_in(kRhys);
  const auto dana = bearer(t.sign_in(kDana));
  auto school = t.client().get(users("oakfield-high"), dana);
  ASSERT_EQ(school.status, 200u) << school.body;
  EXPECT_EQ(school.json()["site"], "oakfield-high");
  EXPECT_EQ(school.json()["site_name"], "Oakfield High School");
  // By name, not in the order of the tenants file.
  EXPECT_EQ(emails_and_names(school.json()),
            (Strings{"ben.okafor@oakfield-high.example=Ben Okafor",
                     "gareth.lloyd@oakfield-high.example=Gareth Lloyd",
                     "siobhan.kelly@oakfield-high.example=Siobhan Kelly"}));

  auto trust = t.client().get(users("oakfield-trust"), dana);
  ASSERT_EQ(trust.status, 200u) << trust.body;
  const auto body = trust.json();
  EXPECT_EQ(body["site"], "oakfield-trust");
  EXPECT_EQ(body["site_name"], "Oakfield Learning Trust");
  EXPECT_EQ(emails_and_names(body),
            (Strings{std::string(kDana) + "=Dana Whitfield", std::string(kRhys) + "=Rhys Morgan"}));
  EXPECT_EQ(body["items"][0]["roles"], nlohmann::json::array({"trust_central_team"}));
  EXPECT_EQ(body["items"][1]["roles"], nlohmann::json::array({"trust_reporting"}));
  EXPECT_EQ(body["items"][1]["last_sign_in"]["outcome"], "success");
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
  ASSERT_NO_FATAL_FAILURE(add_elm_trust(t));
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
        Refusal{"unknown_site", kAmir, logins("no-such-site", kJoanne), 403, "forbidden"},
        Refusal{"no_credentials", "", logins("oakfield-primary", kJoanne), 401, "unauthenticated"},
        Refusal{"bad_limit", kAmir, logins("oakfield-primary", kJoanne) + "?limit=500", 400,
                "invalid_value"},
        Refusal{"unknown_parameter", kAmir, logins("oakfield-primary", kJoanne) + "?from=x", 400,
                "unknown_parameter"},
        Refusal{"other_trusts_user", kElmCentral, logins("oakfield-trust", kDana), 403,
                "forbidden"},
        // The users of a site.
        Refusal{"users_office_user", kJoanne, users("oakfield-primary"), 403, "forbidden"},
        Refusal{"users_teacher", kTom, users("hazelwood-primary"), 403, "forbidden"},
        Refusal{"users_other_schools_admin", kClaire, users("oakfield-primary"), 403, "forbidden"},
        Refusal{"users_school_admin_for_trust", kAmir, users("oakfield-trust"), 403, "forbidden"},
        Refusal{"users_trust_user_without_manage_all_users", kRhys, users("oakfield-primary"), 403,
                "forbidden"},
        Refusal{"users_trust_user_without_manage_all_users_for_trust", kRhys,
                users("oakfield-trust"), 403, "forbidden"},
        Refusal{"users_other_trusts_user_for_school", kElmCentral, users("oakfield-primary"), 403,
                "forbidden"},
        Refusal{"users_other_trusts_user_for_trust", kElmCentral, users("oakfield-trust"), 403,
                "forbidden"},
        Refusal{"users_trust_user_outside_the_trust", kDana, users("riverside-academy"), 403,
                "forbidden"},
        Refusal{"users_unknown_site", kAmir, users("no-such-site"), 403, "forbidden"},
        Refusal{"users_no_credentials", "", users("oakfield-primary"), 401, "unauthenticated"},
        // Not paged: paging parameters are unknown too.
        Refusal{"users_unknown_parameter", kAmir, users("oakfield-primary") + "?limit=10", 400,
                "unknown_parameter"}),
    [](const auto& test_case) { return test_case.param.name; });

}  // namespace
}  // namespace canopy::testing
