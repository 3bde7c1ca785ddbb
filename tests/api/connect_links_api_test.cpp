// The alternative connection, the partner's half, through real HTTP on SQLite and (labelled
// mysql) MariaDB: a partner whose app offers it makes a one-time link for a school; the link is
// unguessable, names its app and school, expires, and goes back only to a registered URI.
#include <gtest/gtest.h>

#include "api/backend.hpp"
#include "auth/crypto.hpp"
#include "consent/connect_links.hpp"

namespace canopy::testing {
namespace {

const std::string kLinks = "/partner/v1/connect-links";
const std::string kRedirect = "https://assessment.hoddereducation.co.uk/arbor/connected";

class ConnectLinksApi : public ::testing::Test {
 protected:
  TestApp t{[](cli::AppConfig& c) { c.public_url = "https://canopy.example.org"; }, kBackend};

  HttpResult make(const nlohmann::json& body, const std::string& app = "hodder",
                  const std::string& secret = kPartnerSecret) {
    return t.client().post_json(kLinks, body.dump(), basic(app, secret));
  }
};

TEST_F(ConnectLinksApi, APartnerMakesAOneTimeLinkForASchool) {
  const auto r =
      make({{"school", "oakfield-primary"}, {"redirect_uri", kRedirect}, {"state", "s-1"}});
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.header("cache-control"), "no-store");
  const auto body = r.json();
  const std::string url = body["url"];
  const std::string prefix = "https://canopy.example.org/connect#";
  ASSERT_EQ(url.rfind(prefix, 0), 0u) << url;
  const std::string token = url.substr(prefix.size());
  EXPECT_EQ(token.size(), 43u);  // 256 random bits, base64url
  EXPECT_EQ(body["school"], "oakfield-primary");
  EXPECT_EQ(body["app"], "hodder");
  EXPECT_EQ(body["redirect_uri"], kRedirect);
  EXPECT_EQ(*parse_rfc3339(body["expires_at"].get<std::string>()),
            t.clock().now() + std::chrono::hours(24));

  // Only the digest is kept; the token is nowhere in the store.
  const auto stored = t.store().find_connect_link(auth::digest_hex(token));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->state, "s-1");
  EXPECT_EQ(stored->school_id, "oakfield-primary");
  EXPECT_FALSE(t.store().find_connect_link(token).has_value());

  // Each link its own; without a redirect_uri, none.
  const auto other = make({{"school", "oakfield-primary"}});
  ASSERT_EQ(other.status, 201u) << other.body;
  EXPECT_NE(other.json()["url"], url);
  EXPECT_TRUE(other.json()["redirect_uri"].is_null());
}

TEST_F(ConnectLinksApi, RefusalsSayWhyAndMakeNoLink) {
  struct Case {
    std::string name;
    nlohmann::json body;
    std::string app;
    std::string secret;
    unsigned status;
    std::string code;
  };
  const std::vector<Case> cases{
      {"app_without_it",
       {{"school", "oakfield-primary"}},
       "tucasi",
       kPartnerSecret,
       403,
       "alternative_connection_not_offered"},
      {"unregistered_redirect",
       {{"school", "oakfield-primary"}, {"redirect_uri", "https://evil.example/"}},
       "hodder",
       kPartnerSecret,
       400,
       "redirect_uri_not_registered"},
      {"redirect_prefix",
       {{"school", "oakfield-primary"}, {"redirect_uri", kRedirect + "/x"}},
       "hodder",
       kPartnerSecret,
       400,
       "redirect_uri_not_registered"},
      {"redirect_case",
       {{"school", "oakfield-primary"},
        {"redirect_uri", "HTTPS://assessment.hoddereducation.co.uk/arbor/connected"}},
       "hodder",
       kPartnerSecret,
       400,
       "redirect_uri_not_registered"},
      {"another_apps_redirect",
       {{"school", "oakfield-primary"},
        {"redirect_uri", "https://xporter.groupcall.com/arbor/connected"}},
       "hodder",
       kPartnerSecret,
       400,
       "redirect_uri_not_registered"},
      {"state_with_space",
       {{"school", "oakfield-primary"}, {"state", "a b"}},
       "hodder",
       kPartnerSecret,
       400,
       "invalid_value"},
      {"state_too_long",
       {{"school", "oakfield-primary"}, {"state", std::string(501, 'x')}},
       "hodder",
       kPartnerSecret,
       400,
       "invalid_value"},
      {"unknown_school",
       {{"school", "atlantis-high"}},
       "hodder",
       kPartnerSecret,
       404,
       "unknown_school"},
      {"a_trust", {{"school", "oakfield-trust"}}, "hodder", kPartnerSecret, 404, "unknown_school"},
      {"bad_school_id",
       {{"school", "Oakfield Primary"}},
       "hodder",
       kPartnerSecret,
       400,
       "invalid_value"},
      {"no_school", nlohmann::json::object(), "hodder", kPartnerSecret, 400, "missing_field"},
      {"unknown_field",
       {{"school", "oakfield-primary"}, {"scope", "all"}},
       "hodder",
       kPartnerSecret,
       400,
       "unknown_field"},
      {"state_not_text",
       {{"school", "oakfield-primary"}, {"state", 5}},
       "hodder",
       kPartnerSecret,
       400,
       "wrong_type"},
      {"wrong_secret",
       {{"school", "oakfield-primary"}},
       "hodder",
       "nope",
       401,
       "invalid_credentials"},
  };
  for (const auto& c : cases) {
    const auto r = make(c.body, c.app, c.secret);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
    EXPECT_EQ(r.code(), c.code) << c.name;
  }
  EXPECT_EQ(t.store().delete_connect_links_before(t.clock().now() + std::chrono::hours(48), 100),
            0u)
      << "a refused request made a link";
}

// Apps that are not live, or compete with the MIS, make no link whatever their policy says.
TEST_F(ConnectLinksApi, NotLiveAndCompetitorAppsMakeNone) {
  consent::ConnectLinks links(t.store(), t.store(), t.clock(), {});
  policy::App app;
  app.id = "newapp";
  app.name = "New App";
  app.alternative_connection = true;
  app.live = false;
  auto r = links.create(app, "oakfield-primary", "", "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::application_not_live);
  EXPECT_NE(r.error().message.find("Application Not Live"), std::string::npos);
  app.live = true;
  app.competitor = true;
  r = links.create(app, "oakfield-primary", "", "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::competitor_not_connectable);
}

}  // namespace
}  // namespace canopy::testing
