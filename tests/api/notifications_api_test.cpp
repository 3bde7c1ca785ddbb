// Notifications through real HTTP: a partner's request reaches the school's admins and the
// trust's central team (all their schools together), nobody else; read state is per user.
#include <gtest/gtest.h>

#include "api/backend.hpp"

namespace canopy::testing {
namespace {

const std::string kNotifications = "/api/v1/notifications";

class NotificationsApi : public ::testing::Test {
 protected:
  TestApp t{kBackend};

  // A partner app asks a school for a connection, as partners do.
  void partner_asks(const std::string& app, const std::string& school) {
    auto r =
        t.client().post_json("/partner/v1/connection-requests",
                             nlohmann::json{{"school", school}}.dump(), basic(app, kPartnerSecret));
    ASSERT_EQ(r.status, 201u) << r.body;
  }
  nlohmann::json list(const std::string& email, const std::string& query = "") {
    auto r = t.client().get(kNotifications + query, bearer(t.sign_in(email)));
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json();
  }
  static std::vector<std::string> pairs(const nlohmann::json& page) {
    std::vector<std::string> out;
    for (const auto& n : page["items"])
      out.push_back(n["app"]["id"].get<std::string>() + "@" + n["school"]["id"].get<std::string>());
    return out;
  }
};

using V = std::vector<std::string>;

TEST_F(NotificationsApi, APartnerRequestReachesTheSchoolAdminsAndTheTrust) {
  EXPECT_EQ(list(kAmir)["unread_count"], 0);
  partner_asks("tucasi", "oakfield-primary");

  const auto amir = list(kAmir);
  ASSERT_EQ(amir["items"].size(), 1u);
  const auto& n = amir["items"][0];
  EXPECT_EQ(n["kind"], "connection_requested");
  EXPECT_EQ(n["school"]["id"], "oakfield-primary");
  EXPECT_EQ(n["school"]["name"], "Oakfield Primary School");
  EXPECT_EQ(n["app"]["id"], "tucasi");
  EXPECT_NE(n["message"].get<std::string>().find("Tucasi"), std::string::npos) << n;
  EXPECT_FALSE(n["read"]);
  EXPECT_TRUE(n["read_at"].is_null());
  EXPECT_EQ(amir["unread_count"], 1);
  EXPECT_TRUE(amir["next_before"].is_null());

  EXPECT_EQ(pairs(list(kDana)), (V{"tucasi@oakfield-primary"}));
  for (const char* nobody : {kClaire, kJoanne, kRhys, "fiona.campbell@riverside-academy.example"}) {
    const auto page = list(nobody);
    EXPECT_TRUE(page["items"].empty()) << nobody;
    EXPECT_EQ(page["unread_count"], 0) << nobody;
  }
}

TEST_F(NotificationsApi, TrustCentralUsersSeeTheirSchoolsTogetherNewestFirst) {
  partner_asks("tucasi", "oakfield-primary");
  t.clock().advance(std::chrono::seconds(1));
  partner_asks("tucasi", "hazelwood-primary");
  partner_asks("tucasi", "riverside-academy");  // a standalone school: not the trust's
  EXPECT_EQ(pairs(list(kDana)), (V{"tucasi@hazelwood-primary", "tucasi@oakfield-primary"}));
  EXPECT_EQ(list(kDana)["unread_count"], 2);
  EXPECT_EQ(pairs(list(kAmir)), (V{"tucasi@oakfield-primary"}));
  EXPECT_EQ(pairs(list(kClaire)), (V{"tucasi@hazelwood-primary"}));
  EXPECT_EQ(pairs(list("fiona.campbell@riverside-academy.example")),
            (V{"tucasi@riverside-academy"}));
}

TEST_F(NotificationsApi, AskingAgainNotifiesNobodyAgain) {
  partner_asks("tucasi", "oakfield-primary");
  auto again = t.client().post_json("/partner/v1/connection-requests",
                                    nlohmann::json{{"school", "oakfield-primary"}}.dump(),
                                    basic("tucasi", kPartnerSecret));
  EXPECT_EQ(again.status, 200u);
  EXPECT_EQ(list(kAmir)["items"].size(), 1u);
}

TEST_F(NotificationsApi, ReadStateIsPerUser) {
  partner_asks("tucasi", "oakfield-primary");
  const auto amir = bearer(t.sign_in(kAmir));
  const auto id = std::to_string(list(kAmir)["items"][0]["id"].get<std::int64_t>());
  auto read = t.client().request("POST", kNotifications + "/" + id + "/read", {}, amir);
  ASSERT_EQ(read.status, 200u) << read.body;
  EXPECT_TRUE(read.json()["read"]);
  EXPECT_FALSE(read.json()["read_at"].is_null());
  t.clock().advance(std::chrono::minutes(1));
  auto again = t.client().request("POST", kNotifications + "/" + id + "/read", {}, amir);
  ASSERT_EQ(again.status, 200u);
  EXPECT_EQ(again.json()["read_at"], read.json()["read_at"]) << "the first read stays";

  EXPECT_EQ(list(kAmir)["unread_count"], 0);
  EXPECT_TRUE(list(kAmir)["items"][0]["read"]);
  EXPECT_EQ(list(kDana)["unread_count"], 1);
  EXPECT_FALSE(list(kDana)["items"][0]["read"]);
}

TEST_F(NotificationsApi, OthersCannotMarkANotificationTheyCannotSee) {
  partner_asks("tucasi", "oakfield-primary");
  const auto id = std::to_string(list(kAmir)["items"][0]["id"].get<std::int64_t>());
  for (const char* other : {kClaire, kJoanne, kRhys}) {
    const auto before = t.state();
    auto r = t.client().request("POST", kNotifications + "/" + id + "/read", {},
                                bearer(t.sign_in(other)));
    EXPECT_EQ(r.status, 404u) << other << " " << r.body;
    EXPECT_EQ(r.code(), "unknown_notification");
    EXPECT_EQ(t.state(), before) << other;
  }
  const auto amir = bearer(t.sign_in(kAmir));
  for (const std::string bad : {"999999", "abc", "0", "-1", "01"}) {
    auto r = t.client().request("POST", kNotifications + "/" + bad + "/read", {}, amir);
    EXPECT_EQ(r.status, 404u) << bad;
    EXPECT_EQ(r.code(), "unknown_notification") << bad;
  }
}

TEST_F(NotificationsApi, MarkAllReadUpToWhatWasSeen) {
  partner_asks("tucasi", "oakfield-primary");
  partner_asks("lgfl", "hazelwood-primary");
  const auto seen = list(kDana)["items"][0]["id"].get<std::int64_t>();
  partner_asks("scopay", "oakfield-high");  // arrives after the page was loaded
  const auto dana = bearer(t.sign_in(kDana));
  auto r = t.client().post_json(kNotifications + "/read-all",
                                nlohmann::json{{"up_to", seen}}.dump(), dana);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json()["marked"], 2);
  EXPECT_EQ(r.json()["unread_count"], 1);
  auto all = t.client().request("POST", kNotifications + "/read-all", {}, dana);
  ASSERT_EQ(all.status, 200u) << all.body;
  EXPECT_EQ(all.json()["marked"], 1);
  EXPECT_EQ(all.json()["unread_count"], 0);
  EXPECT_EQ(list(kAmir)["unread_count"], 1) << "Amir's read state is his own";
}

TEST_F(NotificationsApi, PagesGoBackwardsWithBefore) {
  for (const char* app : {"tucasi", "lgfl", "groupcall", "scopay", "classcharts"})
    partner_asks(app, "oakfield-primary");
  const auto first = list(kAmir, "?limit=2");
  EXPECT_EQ(pairs(first), (V{"classcharts@oakfield-primary", "scopay@oakfield-primary"}));
  EXPECT_EQ(first["unread_count"], 5);
  ASSERT_FALSE(first["next_before"].is_null());
  const auto second =
      list(kAmir, "?limit=2&before=" + std::to_string(first["next_before"].get<std::int64_t>()));
  EXPECT_EQ(pairs(second), (V{"groupcall@oakfield-primary", "lgfl@oakfield-primary"}));
  const auto third =
      list(kAmir, "?limit=2&before=" + std::to_string(second["next_before"].get<std::int64_t>()));
  EXPECT_EQ(pairs(third), (V{"tucasi@oakfield-primary"}));
  EXPECT_TRUE(third["next_before"].is_null());
}

TEST_F(NotificationsApi, BadQueriesAndBodiesAreRefused) {
  const auto amir = bearer(t.sign_in(kAmir));
  for (const std::string query :
       {"?limit=0", "?limit=101", "?limit=x", "?before=abc", "?before=-3", "?limit=1&limit=2"}) {
    auto r = t.client().get(kNotifications + query, amir);
    EXPECT_EQ(r.status, 400u) << query;
    EXPECT_EQ(r.code(), "invalid_value") << query;
  }
  auto unknown = t.client().get(kNotifications + "?school=x", amir);
  EXPECT_EQ(unknown.status, 400u);
  EXPECT_EQ(unknown.code(), "unknown_parameter");
  auto bad_up_to = t.client().post_json(kNotifications + "/read-all", R"({"up_to":"all"})", amir);
  EXPECT_EQ(bad_up_to.code(), "wrong_type");
  auto no_auth = t.client().get(kNotifications);
  EXPECT_EQ(no_auth.status, 401u);
  EXPECT_EQ(no_auth.code(), "unauthenticated");
}

}  // namespace
}  // namespace canopy::testing
