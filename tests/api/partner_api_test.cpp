// Partner apps asking for connections, through real HTTP with client credentials.
#include <gtest/gtest.h>

#include "support/test_app.hpp"

namespace canopy::testing {
namespace {

const std::string kRequests = "/partner/v1/connection-requests";

std::string school_body(const std::string& school) {
  return nlohmann::json{{"school", school}}.dump();
}

TEST(PartnerApi, RequestCreatesAPendingConnectionOnce) {
  TestApp t;
  const auto audit_before = t.store().audit_count();
  auto first = t.client().post_json(kRequests, school_body("oakfield-primary"),
                                    basic("tucasi", kPartnerSecret));
  ASSERT_EQ(first.status, 201u) << first.body;
  EXPECT_EQ(first.json()["status"], "pending");
  EXPECT_EQ(first.json()["app"], "tucasi");
  EXPECT_EQ(t.store().audit_count(), audit_before + 1);
  const auto audit = t.store().audit_for_school("oakfield-primary", 1000).back();
  EXPECT_EQ(audit.action, "request");
  EXPECT_EQ(audit.actor, "tucasi");
  EXPECT_EQ(std::string(store::to_string(audit.actor_kind)), "partner");

  auto again = t.client().post_json(kRequests, school_body("oakfield-primary"),
                                    basic("tucasi", kPartnerSecret));
  EXPECT_EQ(again.status, 200u);
  EXPECT_EQ(again.json()["requested_at"], first.json()["requested_at"]);
  EXPECT_EQ(t.store().audit_count(), audit_before + 1);

  // The school admin now sees it among pending requests.
  const auto token = t.sign_in(kAmir);
  auto pending =
      t.client().get("/api/v1/schools/oakfield-primary/apps?status=pending", bearer(token));
  EXPECT_NE(pending.body.find("\"tucasi\""), std::string::npos);

  auto status = t.client().get(kRequests + "/oakfield-primary", basic("tucasi", kPartnerSecret));
  EXPECT_EQ(status.status, 200u);
  EXPECT_EQ(status.json()["status"], "pending");
}

// Parsers disagree on which of two equal keys counts: a proxy that checked the first
// and Canopy acting on the last would read two requests from one body. Nested objects too.
TEST(PartnerApi, ABodyThatNamesAKeyTwiceIsRefusedAndChangesNothing) {
  TestApp t;
  const auto before = t.state();
  const auto audit_before = t.store().audit_count();
  auto r = t.client().post_json(kRequests,
                                R"({"school": "hazelwood-primary", "school": "oakfield-primary"})",
                                basic("tucasi", kPartnerSecret));
  EXPECT_EQ(r.status, 400u) << r.body;
  EXPECT_EQ(r.code(), "duplicate_key");
  EXPECT_NE(r.json()["message"].get<std::string>().find("'school'"), std::string::npos);

  const auto dana = bearer(t.sign_in(kDana));
  Headers h = dana;
  h.emplace_back("Idempotency-Key", "duplicate-keys");
  r = t.client().post_json(
      "/api/v1/trusts/oakfield-trust/decisions",
      R"({"items": [{"school": "oakfield-primary", "app": "parentpay", "action": "approve",)"
      R"( "action": "reject"}]})",
      h);
  EXPECT_EQ(r.status, 400u) << r.body;
  EXPECT_EQ(r.code(), "duplicate_key");
  EXPECT_EQ(t.state(), before);
  EXPECT_EQ(t.store().audit_count(), audit_before);

  // The same key in two objects is no duplicate: this batch is read, and refused for its terms.
  h.back().second = "same-key-two-objects";
  r = t.client().post_json(
      "/api/v1/trusts/oakfield-trust/decisions",
      R"({"items": [{"school": "oakfield-primary", "app": "parentpay", "action": "approve"},)"
      R"( {"school": "oakfield-primary", "app": "hodder", "action": "approve"}]})",
      h);
  EXPECT_NE(r.code(), "duplicate_key") << r.body;
  EXPECT_EQ(t.state(), before);
}

TEST(PartnerApi, AskingWhenApprovedReturnsTheApproval) {
  TestApp t;
  auto r = t.client().post_json(kRequests, school_body("oakfield-primary"),
                                basic("wonde", kPartnerSecret));
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.json()["status"], "approved");
}

struct Refusal {
  std::string name;
  std::string app;
  std::string secret;
  std::string body;
  unsigned status;
  std::string code;
};

class PartnerRefusals : public ::testing::TestWithParam<Refusal> {};

TEST_P(PartnerRefusals, ChangeNothing) {
  const auto& p = GetParam();
  TestApp t;
  const auto before = t.state();
  auto r = t.client().post_json(kRequests, p.body, basic(p.app, p.secret));
  EXPECT_EQ(r.status, p.status) << r.body;
  EXPECT_EQ(r.code(), p.code);
  if (p.status == 401) {
    EXPECT_FALSE(r.header("www-authenticate").empty());
  }
  EXPECT_EQ(t.state(), before);
}

INSTANTIATE_TEST_SUITE_P(
    All, PartnerRefusals,
    ::testing::Values(
        Refusal{"competitor", "rival-mis", kPartnerSecret, school_body("oakfield-primary"), 403,
                "competitor_not_connectable"},
        Refusal{"not_live", "lessonloop", kPartnerSecret, school_body("oakfield-primary"), 403,
                "application_not_live"},
        Refusal{"rejected_by_school", "studybugs", kPartnerSecret, school_body("oakfield-primary"),
                409, "request_rejected"},
        Refusal{"unknown_school", "tucasi", kPartnerSecret, school_body("atlantis-high"), 404,
                "unknown_school"},
        Refusal{"wrong_secret", "tucasi", "not-the-secret", school_body("oakfield-primary"), 401,
                "invalid_credentials"},
        Refusal{"unknown_client", "no-such-app", kPartnerSecret, school_body("oakfield-primary"),
                401, "invalid_credentials"},
        Refusal{"missing_school", "tucasi", kPartnerSecret, "{}", 400, "missing_field"},
        Refusal{"school_not_string", "tucasi", kPartnerSecret, R"({"school": 7})", 400,
                "wrong_type"},
        Refusal{"extra_field", "tucasi", kPartnerSecret,
                R"({"school": "oakfield-primary", "status": "approved"})", 400, "unknown_field"},
        Refusal{"malformed", "tucasi", kPartnerSecret, R"({"school": )", 400, "malformed_json"}),
    [](const auto& test_case) { return test_case.param.name; });

TEST(PartnerApi, NotLiveMessageMatchesTheHelpArticle) {
  TestApp t;
  auto r = t.client().post_json(kRequests, school_body("oakfield-primary"),
                                basic("lessonloop", kPartnerSecret));
  EXPECT_NE(r.json()["message"].get<std::string>().find("Application Not Live"), std::string::npos);
}

TEST(PartnerApi, NoCredentialsIs401WithChallenge) {
  TestApp t;
  auto r = t.client().post_json(kRequests, school_body("oakfield-primary"));
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(r.code(), "unauthenticated");
  EXPECT_EQ(r.header("www-authenticate"), "Basic realm=\"canopy-partner\"");
  auto garbage = t.client().post_json(kRequests, school_body("oakfield-primary"),
                                      {{"Authorization", "Basic !!!"}});
  EXPECT_EQ(garbage.status, 401u);
}

TEST(PartnerApi, StatusOfAConnectionNeverAskedFor) {
  TestApp t;
  auto r = t.client().get(kRequests + "/oakfield-primary", basic("tucasi", kPartnerSecret));
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.code(), "connection_not_found");
  EXPECT_EQ(t.client().get(kRequests + "/nowhere", basic("tucasi", kPartnerSecret)).code(),
            "unknown_school");
}

}  // namespace
}  // namespace canopy::testing
