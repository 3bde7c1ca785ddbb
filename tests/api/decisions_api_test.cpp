// The gateway's decision endpoint through real HTTP: every allow and deny reason, the
// service token, bad parameters, and that a reject denies from the moment it is answered.
#include <gtest/gtest.h>

#include "support/test_app.hpp"

namespace canopy::testing {
namespace {

std::string decision_url(const std::string& app, const std::string& school, const std::string& type,
                         const std::string& op, const std::string& field = "") {
  std::string url = "/internal/v1/decisions?app=" + app + "&school=" + school +
                    "&data_type=" + type + "&operation=" + op;
  if (!field.empty()) url += "&field=" + field;
  return url;
}

struct Case {
  std::string name;
  std::string url;
  bool allow;
  std::string reason;
};

class Decisions : public ::testing::TestWithParam<Case> {
 protected:
  static void SetUpTestSuite() {
    app_ = new TestApp();
    // A connection approved under an older permission set needs the school's consent again.
    auto row = app_->store().find_connection("oakfield-primary", "cpoms");
    store::ConnectionChange change{.school_id = "oakfield-primary",
                                   .app_id = "cpoms",
                                   .expected_revision = row->revision,
                                   .to = ConnectionStatus::approved,
                                   .permission_set_version = row->permission_set_version - 1,
                                   .at = app_->clock().now()};
    store::AuditRecord audit{.school_id = "oakfield-primary",
                             .app_id = "cpoms",
                             .actor_kind = store::ActorKind::system,
                             .actor = "test",
                             .actor_site = "oakfield-primary",
                             .actor_role = "system",
                             .action = "approve",
                             .to_status = ConnectionStatus::approved,
                             .at = app_->clock().now(),
                             .request_id = "test"};
    ASSERT_TRUE(app_->store().apply(change, audit));
  }
  static void TearDownTestSuite() {
    delete app_;
    app_ = nullptr;
  }
  static TestApp* app_;
};

TestApp* Decisions::app_ = nullptr;

TEST_P(Decisions, AnswerWithTheirReason) {
  const auto& p = GetParam();
  // Twice: the first may come from the store, the second from the cache; both must agree.
  for (int i = 0; i < 2; ++i) {
    auto r = app_->client().get(p.url, bearer(kServiceToken));
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.json()["allow"], p.allow) << p.url;
    EXPECT_EQ(r.json()["reason"], p.reason) << p.url;
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, Decisions,
    ::testing::Values(
        Case{"approved_read", decision_url("wonde", "oakfield-primary", "Student", "read"), true,
             "approved"},
        Case{"approved_all_fields",
             decision_url("wonde", "oakfield-primary", "Student", "read", "dateOfBirth"), true,
             "approved"},
        Case{"data_provider_cannot_write",
             decision_url("wonde", "oakfield-primary", "Student", "write"), false,
             "operation_not_granted"},
        Case{"type_not_in_set", decision_url("wonde", "oakfield-primary", "Payment", "read"), false,
             "data_type_not_granted"},
        Case{"unknown_type", decision_url("wonde", "oakfield-primary", "Spaceship", "read"), false,
             "data_type_not_granted"},
        Case{"field_not_granted",
             decision_url("groupcall", "hazelwood-primary", "Student", "read", "noSuchField"),
             false, "field_not_granted"},
        Case{"pending", decision_url("parentpay", "oakfield-primary", "Payment", "read"), false,
             "pending"},
        Case{"rejected", decision_url("studybugs", "oakfield-primary", "AttendanceMark", "read"),
             false, "rejected"},
        Case{"not_requested", decision_url("tucasi", "oakfield-primary", "Meal", "read"), false,
             "not_requested"},
        Case{"unknown_school", decision_url("wonde", "atlantis-high", "Student", "read"), false,
             "unknown_school"},
        Case{"trust_is_not_a_school", decision_url("wonde", "oakfield-trust", "Student", "read"),
             false, "unknown_school"},
        Case{"unknown_app", decision_url("no-such-app", "oakfield-primary", "Student", "read"),
             false, "unknown_app"},
        Case{"competitor", decision_url("rival-mis", "oakfield-primary", "Student", "read"), false,
             "competitor"},
        Case{"not_live", decision_url("lessonloop", "oakfield-primary", "Student", "read"), false,
             "application_not_live"},
        Case{"reconsent_required", decision_url("cpoms", "oakfield-primary", "Student", "read"),
             false, "reconsent_required"}),
    [](const auto& test_case) { return test_case.param.name; });

TEST(DecisionsApi, FieldLevelGrants) {
  TestApp t;
  // hodder asks for RegistrationForm [shortName, name] only; approve it, then probe fields.
  const auto token = t.sign_in(kAmir);
  ASSERT_EQ(t.client()
                .request("POST", "/api/v1/schools/oakfield-primary/apps/hodder/approve", {},
                         bearer(token))
                .status,
            200u);
  const auto* hodder = t.app().policy().find_app("hodder");
  const auto* grant = hodder->permissions.find("RegistrationForm");
  ASSERT_NE(grant, nullptr);
  ASSERT_FALSE(grant->all_fields);
  auto ok = t.client().get(
      decision_url("hodder", "oakfield-primary", "RegistrationForm", "read", "shortName"),
      bearer(kServiceToken));
  EXPECT_EQ(ok.json()["allow"], true);
  auto no = t.client().get(
      decision_url("hodder", "oakfield-primary", "RegistrationForm", "read", "tutor"),
      bearer(kServiceToken));
  EXPECT_EQ(no.json()["allow"], false);
  EXPECT_EQ(no.json()["reason"], "field_not_granted");
}

TEST(DecisionsApi, RejectDeniesFromTheMomentItIsAnswered) {
  TestApp t;
  const auto token = t.sign_in(kAmir);
  const auto probe = decision_url("wonde", "oakfield-primary", "Student", "read");
  for (int round = 0; round < 25; ++round) {
    ASSERT_EQ(t.client().get(probe, bearer(kServiceToken)).json()["allow"],
              true);  // warms the cache
    ASSERT_EQ(t.client()
                  .request("POST", "/api/v1/schools/oakfield-primary/apps/wonde/reject", {},
                           bearer(token))
                  .status,
              200u);
    auto after = t.client().get(probe, bearer(kServiceToken));
    ASSERT_EQ(after.json()["allow"], false) << "round " << round;
    ASSERT_EQ(after.json()["reason"], "rejected");
    ASSERT_EQ(t.client()
                  .request("POST", "/api/v1/schools/oakfield-primary/apps/wonde/approve", {},
                           bearer(token))
                  .status,
              200u);
  }
}

TEST(DecisionsApi, NewRequestIsSeenDespiteACachedNotRequested) {
  TestApp t;
  const auto probe = decision_url("tucasi", "oakfield-primary", "Meal", "read");
  EXPECT_EQ(t.client().get(probe, bearer(kServiceToken)).json()["reason"], "not_requested");
  ASSERT_EQ(t.client()
                .post_json("/partner/v1/connection-requests", R"({"school":"oakfield-primary"})",
                           basic("tucasi", kPartnerSecret))
                .status,
            201u);
  EXPECT_EQ(t.client().get(probe, bearer(kServiceToken)).json()["reason"], "pending");
}

TEST(DecisionsApi, NeedsTheServiceToken) {
  TestApp t;
  const auto url = decision_url("wonde", "oakfield-primary", "Student", "read");
  for (const auto& headers : {Headers{}, bearer("wrong-token"),
                              Headers{{"Authorization", "Basic abc"}}, bearer(t.sign_in(kAmir))}) {
    auto r = t.client().get(url, headers);
    EXPECT_EQ(r.status, 401u);
    EXPECT_EQ(r.code(), "unauthenticated");
    EXPECT_NE(r.header("www-authenticate").find("Bearer"), std::string::npos);
  }
}

TEST(DecisionsApi, BadParameters) {
  TestApp t;
  const auto get = [&](const std::string& url) {
    return t.client().get(url, bearer(kServiceToken));
  };
  EXPECT_EQ(get(decision_url("wonde", "oakfield-primary", "Student", "remove")).code(),
            "invalid_value");
  EXPECT_EQ(get(decision_url("wonde", "oakfield-primary", "Student", "Read")).code(),
            "invalid_value");
  EXPECT_EQ(get("/internal/v1/decisions?app=wonde&school=oakfield-primary&operation=read").code(),
            "missing_parameter");
  EXPECT_EQ(
      get(decision_url("wonde", "oakfield-primary", "Student", "read") + "&colour=red").code(),
      "unknown_parameter");
  EXPECT_EQ(get(decision_url("wonde", "oakfield-primary", "Student", "read") + "&field=").code(),
            "invalid_value");
  EXPECT_EQ(get(decision_url("wonde", "oakfield-primary", "Student", "read")).status, 200u);
  EXPECT_EQ(t.client()
                .request("POST", decision_url("wonde", "oakfield-primary", "Student", "read"), {},
                         bearer(kServiceToken))
                .status,
            405u);
}

TEST(HealthApi, HealthAndReadiness) {
  TestApp t;
  EXPECT_EQ(t.client().get("/healthz").status, 200u);
  auto ready = t.client().get("/readyz");
  EXPECT_EQ(ready.status, 200u);
  EXPECT_EQ(ready.json()["status"], "ready");
}

}  // namespace
}  // namespace canopy::testing
