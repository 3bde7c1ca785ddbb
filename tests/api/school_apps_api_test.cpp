// A school admin's Partner Apps pages through real HTTP: lists, the permission slide-over,
// every legal and illegal transition with its audit record, the CSV, and refused bad input
// that leaves the database unchanged.
#include <gtest/gtest.h>

#include "support/test_app.hpp"

namespace canopy::testing {
namespace {

const std::string kApps = "/api/v1/schools/oakfield-primary/apps";

std::vector<std::string> app_ids(const HttpResult& r) {
  std::vector<std::string> ids;
  const auto body = r.json();
  for (const auto& item : body["items"])
    ids.push_back(item["app"]);
  return ids;
}

class SchoolAppsApi : public ::testing::Test {
 protected:
  TestApp t;
  std::string token = t.sign_in(kAmir);
  Headers auth = bearer(token);
};

TEST_F(SchoolAppsApi, ListsByStatus) {
  auto pending = t.client().get(kApps + "?status=pending", auth);
  ASSERT_EQ(pending.status, 200u) << pending.body;
  EXPECT_EQ(app_ids(pending), (std::vector<std::string>{"hodder", "parentpay"}));
  EXPECT_EQ(pending.json()["items"][1]["name"], "ParentPay");
  EXPECT_EQ(pending.json()["items"][1]["status"], "pending");
  EXPECT_EQ(pending.json()["school_name"], "Oakfield Primary School");
  EXPECT_FALSE(pending.json()["dummy"]);
  EXPECT_EQ(app_ids(t.client().get(kApps + "?status=approved", auth)),
            (std::vector<std::string>{"cpoms", "wonde"}));
  EXPECT_EQ(app_ids(t.client().get(kApps + "?status=rejected", auth)),
            (std::vector<std::string>{"studybugs"}));
  EXPECT_EQ(app_ids(t.client().get(kApps, auth)).size(), 5u);
}

TEST_F(SchoolAppsApi, ListRefusesBadQueries) {
  auto bad_status = t.client().get(kApps + "?status=maybe", auth);
  EXPECT_EQ(bad_status.status, 400u);
  EXPECT_EQ(bad_status.code(), "invalid_value");
  auto unknown = t.client().get(kApps + "?colour=red", auth);
  EXPECT_EQ(unknown.status, 400u);
  EXPECT_EQ(unknown.code(), "unknown_parameter");
  auto twice = t.client().get(kApps + "?status=pending&status=approved", auth);
  EXPECT_EQ(twice.status, 400u);
}

TEST_F(SchoolAppsApi, DetailShowsThePermissionTable) {
  auto r = t.client().get(kApps + "/parentpay", auth);
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto body = r.json();
  EXPECT_EQ(body["status"], "pending");
  EXPECT_EQ(body["kind"], "partner");
  EXPECT_EQ(body["school"]["id"], "oakfield-primary");
  EXPECT_EQ(body["current_permission_set_version"], 3);
  bool saw_payment = false;
  for (const auto& row : body["permissions"]) {
    if (row["data_type"] == "Payment") {
      saw_payment = true;
      EXPECT_EQ(row["fields"], "all");
      EXPECT_TRUE(row["read"]);
      EXPECT_TRUE(row["write"]);
      EXPECT_FALSE(row["update"]);
      EXPECT_FALSE(row["delete"]);
    }
    if (row["data_type"] == "Guardian") {
      EXPECT_TRUE(row["fields"].is_array());
      EXPECT_FALSE(row["write"]);
    }
  }
  EXPECT_TRUE(saw_payment);
}

TEST_F(SchoolAppsApi, DetailOfAnAppThatNeverAskedSaysNotRequested) {
  auto r = t.client().get(kApps + "/tucasi", auth);
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.json()["status"], "not_requested");
}

TEST_F(SchoolAppsApi, DummySiteAdminsAreWarned) {
  TestApp& app = t;
  const auto helen = app.sign_in("helen.marsh@millbrook-academy.example");
  auto r = app.client().get("/api/v1/schools/millbrook-academy/apps/lgfl", bearer(helen));
  ASSERT_EQ(r.status, 200u);
  EXPECT_TRUE(r.json()["school"]["dummy"]);
  ASSERT_FALSE(r.json()["warnings"].empty());
  EXPECT_NE(r.json()["warnings"][0].get<std::string>().find("migration"), std::string::npos);
  // The lists say so too, with the school's name, so that a screen can show its banner.
  auto list = app.client().get("/api/v1/schools/millbrook-academy/apps", bearer(helen));
  ASSERT_EQ(list.status, 200u) << list.body;
  EXPECT_EQ(list.json()["school_name"], "Millbrook Academy");
  EXPECT_TRUE(list.json()["dummy"]);
}

struct Transition {
  std::string app;  // oakfield-primary: parentpay pending, wonde approved, studybugs rejected
  std::string from;
  std::string action;
  std::string to;  // empty: illegal
};

class Transitions : public SchoolAppsApi, public ::testing::WithParamInterface<Transition> {};

TEST_P(Transitions, FollowTheStateMachine) {
  const auto& p = GetParam();
  const auto audit_before = t.store().audit_count();
  const auto before = t.state();
  auto r = t.client().request(
      "POST", kApps + "/" + p.app + "/" + p.action, {},
      {{"Authorization", "Bearer " + token}, {"X-Request-Id", "rid-" + p.action}});
  const auto row = t.store().find_connection("oakfield-primary", p.app);
  if (p.to.empty()) {
    EXPECT_EQ(r.status, 409u) << r.body;
    EXPECT_EQ(r.code(), "invalid_transition");
    EXPECT_EQ(t.state(), before);
    return;
  }
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json()["status"], p.to);
  EXPECT_EQ(std::string(to_string(row->status)), p.to);
  if (p.action == "cancel") {
    EXPECT_EQ(t.state(), before) << "cancel defers the decision and changes nothing";
    return;
  }
  ASSERT_EQ(t.store().audit_count(), audit_before + 1);
  const auto audit = t.store().audit_for_school("oakfield-primary", 1000).back();
  EXPECT_EQ(audit.app_id, p.app);
  EXPECT_EQ(audit.actor, kAmir);
  EXPECT_EQ(audit.actor_role, "school_administrator");
  EXPECT_EQ(audit.actor_site, "oakfield-primary");
  EXPECT_FALSE(audit.via_trust);
  EXPECT_EQ(audit.action, p.action);
  EXPECT_EQ(std::string(to_string(*audit.from_status)), p.from);
  EXPECT_EQ(std::string(to_string(audit.to_status)), p.to);
  EXPECT_EQ(audit.permission_set_version, t.app().policy().find_app(p.app)->permissions.version());
  EXPECT_EQ(audit.request_id, r.header("x-request-id"));
  EXPECT_EQ(audit.client_request_id, "rid-" + p.action);
  EXPECT_EQ(r.json()["decided_by"], kAmir);
}

INSTANTIATE_TEST_SUITE_P(
    All, Transitions,
    ::testing::Values(Transition{"parentpay", "pending", "approve", "approved"},
                      Transition{"parentpay", "pending", "reject", "rejected"},
                      Transition{"parentpay", "pending", "cancel", "pending"},
                      Transition{"wonde", "approved", "approve", ""},
                      Transition{"wonde", "approved", "reject", "rejected"},
                      Transition{"wonde", "approved", "cancel", ""},
                      Transition{"studybugs", "rejected", "approve", "approved"},
                      Transition{"studybugs", "rejected", "reject", ""},
                      Transition{"studybugs", "rejected", "cancel", ""}),
    [](const auto& test_case) { return test_case.param.from + "_" + test_case.param.action; });

TEST_F(SchoolAppsApi, RevokeThenReapprove) {
  EXPECT_EQ(t.client().request("POST", kApps + "/wonde/reject", {}, auth).json()["status"],
            "rejected");
  EXPECT_EQ(app_ids(t.client().get(kApps + "?status=rejected", auth)),
            (std::vector<std::string>{"studybugs", "wonde"}));
  EXPECT_EQ(t.client().request("POST", kApps + "/wonde/approve", {}, auth).json()["status"],
            "approved");
  EXPECT_EQ(app_ids(t.client().get(kApps + "?status=approved", auth)),
            (std::vector<std::string>{"cpoms", "wonde"}));
}

struct BadRequest {
  std::string name;
  std::string method;
  std::string target;
  std::string body;
  std::string content_type;
  std::string who;  // email to sign in as; empty: no credentials
  unsigned status;
  std::string code;
};

class BadRequests : public ::testing::TestWithParam<BadRequest> {};

TEST_P(BadRequests, AreRefusedAndChangeNothing) {
  const auto& p = GetParam();
  TestApp t;
  Headers headers;
  if (!p.who.empty()) headers = bearer(t.sign_in(p.who));
  if (!p.content_type.empty()) headers.emplace_back("Content-Type", p.content_type);
  const auto before = t.state();
  auto r = t.client().request(p.method, p.target, p.body, headers);
  EXPECT_EQ(r.status, p.status) << r.body;
  EXPECT_EQ(r.code(), p.code) << r.body;
  EXPECT_FALSE(r.header("x-request-id").empty());
  EXPECT_EQ(t.state(), before);
}

const std::string kApprove = "/api/v1/schools/oakfield-primary/apps/parentpay/approve";

INSTANTIATE_TEST_SUITE_P(
    All, BadRequests,
    ::testing::Values(
        BadRequest{"status_in_body", "POST", kApprove, R"({"status":"approved"})",
                   "application/json", kAmir, 400, "unknown_field"},
        BadRequest{"school_in_body", "POST", kApprove, R"({"school":"hazelwood-primary"})",
                   "application/json", kAmir, 400, "unknown_field"},
        BadRequest{"malformed_json", "POST", kApprove, R"({"status":)", "application/json", kAmir,
                   400, "malformed_json"},
        BadRequest{"array_body", "POST", kApprove, "[1,2]", "application/json", kAmir, 400,
                   "wrong_type"},
        BadRequest{"not_json", "POST", kApprove, "approve=yes", "application/x-www-form-urlencoded",
                   kAmir, 415, "unsupported_media_type"},
        BadRequest{"oversize_body", "POST", kApprove, std::string(64 * 1024 + 1, ' '),
                   "application/json", kAmir, 413, "body_too_large"},
        BadRequest{"query_on_approve", "POST", kApprove + "?force=1", "", "", kAmir, 400,
                   "unknown_parameter"},
        BadRequest{"unknown_school", "POST",
                   "/api/v1/schools/no-such-school/apps/parentpay/approve", "", "", kAmir, 403,
                   "forbidden"},
        BadRequest{"trust_as_school", "GET", "/api/v1/schools/oakfield-trust/apps", "", "", kDana,
                   404, "unknown_school"},
        BadRequest{"unknown_app", "POST",
                   "/api/v1/schools/oakfield-primary/apps/no-such-app/approve", "", "", kAmir, 404,
                   "unknown_app"},
        BadRequest{"never_asked", "POST", "/api/v1/schools/oakfield-primary/apps/tucasi/approve",
                   "", "", kAmir, 404, "connection_not_found"},
        BadRequest{"other_schools_admin", "POST", kApprove, "", "", kClaire, 403, "forbidden"},
        BadRequest{"other_schools_admin_reads", "GET", "/api/v1/schools/oakfield-primary/apps", "",
                   "", kClaire, 403, "forbidden"},
        BadRequest{"office_user", "POST", kApprove, "", "", kJoanne, 403, "forbidden"},
        BadRequest{"trust_user_before_terms", "POST", kApprove, "", "", kDana, 403,
                   "terms_not_accepted"},
        BadRequest{"trust_user_outside_the_trust", "POST",
                   "/api/v1/schools/riverside-academy/apps/lgfl/approve", "", "", kDana, 403,
                   "forbidden"},
        BadRequest{"trust_user_without_manage_all_users", "POST", kApprove, "", "",
                   "rhys.morgan@oakfield.example", 403, "forbidden"},
        BadRequest{"no_credentials", "POST", kApprove, "", "", "", 401, "unauthenticated"},
        BadRequest{"wrong_method", "PUT", kApprove, "", "", kAmir, 405, "method_not_allowed"},
        BadRequest{"delete_app", "DELETE", "/api/v1/schools/oakfield-primary/apps/parentpay", "",
                   "", kAmir, 405, "method_not_allowed"},
        BadRequest{"escaped_slash_stays_in_the_id", "GET",
                   "/api/v1/schools/oakfield-primary%2Fapps%2Fwonde/apps", "", "", kAmir, 404,
                   "unknown_school"},
        BadRequest{"unknown_route", "GET", "/api/v1/schools/oakfield-primary/gadgets", "", "",
                   kAmir, 404, "not_found"}),
    [](const auto& test_case) { return test_case.param.name; });

TEST_F(SchoolAppsApi, DataCsvListsEveryFieldAndOperation) {
  auto r = t.client().get(kApps + "/parentpay/data.csv", auth);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(r.header("content-disposition"),
            "attachment; filename=\"parentpay-oakfield-primary-data.csv\"");
  EXPECT_EQ(
      r.body.rfind("app,permission_set_version,data_type,field,read,write,update,delete\r\n", 0),
      0u);
  EXPECT_NE(r.body.find("ParentPay,3,Payment,"), std::string::npos);
  EXPECT_NE(r.body.find("ParentPay,3,Guardian,firstName,yes,no,no,no\r\n"), std::string::npos);
  // An all-fields grant is spelled out field by field from the catalogue.
  std::size_t meal_rows = 0;
  for (std::size_t at = r.body.find(",Meal,"); at != std::string::npos;
       at = r.body.find(",Meal,", at + 1))
    ++meal_rows;
  EXPECT_EQ(meal_rows, t.app().policy().find_data_type("Meal")->fields.size());
}

TEST_F(SchoolAppsApi, DataCsvNeedsTheAdminToo) {
  const auto claire = t.sign_in(kClaire);
  EXPECT_EQ(t.client().get(kApps + "/parentpay/data.csv", bearer(claire)).status, 403u);
  EXPECT_EQ(t.client().get(kApps + "/no-such-app/data.csv", auth).status, 404u);
}

}  // namespace
}  // namespace canopy::testing
