// Acting into schools via the trust, through real HTTP: terms first, then changes audited as
// via the trust; refusals outside the trust, to school admins and to other trusts' users,
// each leaving the database unchanged.
#include <gtest/gtest.h>

#include "api/backend.hpp"

namespace canopy::testing {
namespace {

const std::string kSchools = "/api/v1/trusts/oakfield-trust/schools";
const std::string kTerms = kSchools + "/oakfield-primary/terms-acceptance";
const std::string kApps = "/api/v1/schools/oakfield-primary/apps";

std::string version_body(int version) {
  return nlohmann::json{{"version", version}}.dump();
}

class TrustApi : public ::testing::Test {
 protected:
  TestApp t{kBackend};
  std::string dana = t.sign_in(kDana);
  Headers auth = bearer(dana);

  HttpResult post(const std::string& target, const Headers& headers, const std::string& body = {}) {
    return body.empty() ? t.client().request("POST", target, {}, headers)
                        : t.client().post_json(target, body, headers);
  }
  int terms_version(const std::string& school) {
    return t.store().find_site(school)->terms.version;
  }
};

TEST_F(TrustApi, TrustUserActsInOwnSchoolOnlyAfterAcceptingItsTerms) {
  const auto before = t.state();
  auto refused = post(kApps + "/parentpay/approve", auth);
  ASSERT_EQ(refused.status, 403u) << refused.body;
  EXPECT_EQ(refused.code(), "terms_not_accepted");
  const auto body = refused.json();
  ASSERT_EQ(body["terms"].size(), 1u);
  EXPECT_EQ(body["terms"][0]["site"], "oakfield-primary");
  EXPECT_EQ(body["terms"][0]["version"], terms_version("oakfield-primary"));
  EXPECT_EQ(body["terms"][0]["title"], "Oakfield Primary School terms and conditions");
  EXPECT_EQ(t.state(), before);

  auto accepted = post(kTerms, auth, version_body(terms_version("oakfield-primary")));
  ASSERT_EQ(accepted.status, 201u) << accepted.body;
  EXPECT_EQ(accepted.json()["site"], "oakfield-primary");
  EXPECT_EQ(accepted.json()["acting_site"], "oakfield-trust");
  EXPECT_EQ(accepted.json()["title"], "Oakfield Primary School terms and conditions");
  auto again = post(kTerms, auth, version_body(terms_version("oakfield-primary")));
  EXPECT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(again.json()["accepted_at"], accepted.json()["accepted_at"]);

  const auto audit_before = t.store().audit_count();
  auto approved = t.client().request(
      "POST", kApps + "/parentpay/approve", {},
      {{"Authorization", "Bearer " + dana}, {"X-Request-Id", "rid-dana-approve"}});
  ASSERT_EQ(approved.status, 200u) << approved.body;
  EXPECT_EQ(approved.json()["status"], "approved");
  EXPECT_EQ(approved.json()["decided_by"], kDana);
  ASSERT_EQ(t.store().audit_count(), audit_before + 1);
  const auto audit = t.store().audit_for_school("oakfield-primary", 1000).back();
  EXPECT_EQ(audit.actor, kDana);
  EXPECT_TRUE(audit.via_trust);
  EXPECT_EQ(audit.actor_site, "oakfield-trust");
  EXPECT_EQ(audit.actor_role, "trust_central_team");
  EXPECT_EQ(audit.action, "approve");
  EXPECT_EQ(audit.request_id, approved.header("x-request-id"));
  EXPECT_EQ(audit.client_request_id, "rid-dana-approve");

  // A school admin's own decision stays "not via the trust".
  auto amir = post(kApps + "/parentpay/reject", bearer(t.sign_in(kAmir)));
  ASSERT_EQ(amir.status, 200u) << amir.body;
  EXPECT_FALSE(t.store().audit_for_school("oakfield-primary", 1000).back().via_trust);
}

// Another tenant's site, and no site at all, get the same refusal: the same status and words,
// naming only the id sent, so probing ids tells a stranger nothing.
TEST_F(TrustApi, AnotherTenantsSiteAndNoSiteAreRefusedInTheSameWords) {
  ASSERT_NO_FATAL_FAILURE(add_elm_trust(t));
  const auto claire = bearer(t.sign_in(kClaire));  // admin of Hazelwood Primary
  const auto elm = bearer(t.sign_in(kElmCentral));
  const auto refusal = [&](const std::string& target, const Headers& who, const std::string& id) {
    auto r = t.client().get(target, who);
    EXPECT_EQ(r.status, 403u) << target << ": " << r.body;
    EXPECT_EQ(r.code(), "forbidden") << target;
    std::string message = r.json()["message"];
    EXPECT_NE(message.find("'" + id + "'"), std::string::npos) << message;
    // Said with the id replaced, so the two can be compared.
    message.replace(message.find(id), id.size(), "ID");
    return message;
  };
  struct Pair {
    std::string existing, missing;
    Headers who;
    std::string existing_id, missing_id;
  };
  const std::vector<Pair> pairs{
      {"/api/v1/schools/oakfield-primary/apps", "/api/v1/schools/oakfield-primarx/apps", claire,
       "oakfield-primary", "oakfield-primarx"},
      {"/api/v1/schools/oakfield-primary/audit", "/api/v1/schools/no-such-school/audit", elm,
       "oakfield-primary", "no-such-school"},
      {"/api/v1/sites/oakfield-primary/users", "/api/v1/sites/no-such-site/users", claire,
       "oakfield-primary", "no-such-site"},
      {"/api/v1/trusts/oakfield-trust/schools", "/api/v1/trusts/no-such-trust/schools", elm,
       "oakfield-trust", "no-such-trust"},
  };
  for (const auto& p : pairs) {
    const auto existing = refusal(p.existing, p.who, p.existing_id);
    EXPECT_EQ(existing, refusal(p.missing, p.who, p.missing_id)) << p.existing;
    // Nothing about the site but what the caller sent.
    EXPECT_EQ(existing.find("Oakfield"), std::string::npos) << existing;
  }
}

TEST_F(TrustApi, TermsAreAcceptedPerSchool) {
  ASSERT_EQ(post(kTerms, auth, version_body(terms_version("oakfield-primary"))).status, 201u);
  const auto before = t.state();
  auto elsewhere = post("/api/v1/schools/hazelwood-primary/apps/studybugs/approve", auth);
  EXPECT_EQ(elsewhere.status, 403u);
  EXPECT_EQ(elsewhere.code(), "terms_not_accepted");
  EXPECT_EQ(elsewhere.json()["terms"][0]["site"], "hazelwood-primary");
  EXPECT_EQ(t.state(), before);
}

TEST_F(TrustApi, ReadsNeedNoTerms) {
  EXPECT_EQ(t.client().get(kApps + "?status=pending", auth).status, 200u);
  auto detail = t.client().get(kApps + "/parentpay", auth);
  EXPECT_EQ(detail.status, 200u);
  EXPECT_EQ(detail.json()["status"], "pending");
  EXPECT_EQ(t.client().get(kApps + "/parentpay/data.csv", auth).status, 200u);
}

TEST_F(TrustApi, SchoolsListShowsEachSchoolsTermsAndWhetherTheyAreAccepted) {
  auto list = t.client().get(kSchools, auth);
  ASSERT_EQ(list.status, 200u) << list.body;
  const auto body = list.json();
  EXPECT_EQ(body["trust"], "oakfield-trust");
  EXPECT_EQ(body["trust_name"], "Oakfield Learning Trust");
  ASSERT_EQ(body["items"].size(), 5u);
  EXPECT_EQ(body["items"][0]["id"], "hazelwood-primary");
  for (const auto& item : body["items"]) {
    EXPECT_FALSE(item["terms"]["accepted"]) << item;
    EXPECT_TRUE(item["terms"]["accepted_at"].is_null());
  }
  const auto high = std::find_if(body["items"].begin(), body["items"].end(),
                                 [](const auto& i) { return i["id"] == "oakfield-high"; });
  ASSERT_NE(high, body["items"].end());
  EXPECT_EQ((*high)["terms"]["version"], terms_version("oakfield-high"));
  EXPECT_EQ((*high)["terms"]["title"], t.store().find_site("oakfield-high")->terms.title);

  ASSERT_EQ(post(kTerms, auth, version_body(terms_version("oakfield-primary"))).status, 201u);
  for (const auto& item : t.client().get(kSchools, auth).json()["items"]) {
    EXPECT_EQ(item["terms"]["accepted"].get<bool>(), item["id"] == "oakfield-primary") << item;
  }
}

TEST_F(TrustApi, ANewTermsVersionMustBeAcceptedAgain) {
  ASSERT_EQ(post(kTerms, auth, version_body(terms_version("oakfield-primary"))).status, 201u);
  ASSERT_EQ(post(kApps + "/parentpay/approve", auth).status, 200u);

  Site school = t.store().find_site("oakfield-primary").value();
  school.terms.version += 1;
  school.terms.title = "Oakfield Primary School terms, revised";
  ASSERT_EQ(t.store().upsert_site(school), store::Upsert::changed);
  const auto before = t.state();
  auto refused = post(kApps + "/parentpay/reject", auth);
  ASSERT_EQ(refused.status, 403u) << refused.body;
  EXPECT_EQ(refused.code(), "terms_not_accepted");
  EXPECT_EQ(refused.json()["terms"][0]["version"], school.terms.version);
  EXPECT_EQ(refused.json()["terms"][0]["title"], school.terms.title);
  EXPECT_EQ(t.state(), before);

  auto stale = post(kTerms, auth, version_body(school.terms.version - 1));
  EXPECT_EQ(stale.status, 409u);
  EXPECT_EQ(stale.code(), "terms_changed");
  EXPECT_EQ(t.state(), before);
  ASSERT_EQ(post(kTerms, auth, version_body(school.terms.version)).status, 201u);
  EXPECT_EQ(post(kApps + "/parentpay/reject", auth).status, 200u);
}

// ---- Refusals: each changes nothing ----

struct Refusal {
  std::string name;
  std::string method;
  std::string target;
  std::string body;
  std::string who;  // empty: no credentials; "elm": another trust's central user
  unsigned status;
  std::string code;
};

class TrustRefusals : public ::testing::TestWithParam<Refusal> {};

TEST_P(TrustRefusals, ChangeNothing) {
  const auto& p = GetParam();
  TestApp t{kBackend};
  ASSERT_NO_FATAL_FAILURE(add_elm_trust(t));
  Headers headers;
  if (!p.who.empty()) headers = bearer(t.sign_in(p.who));
  if (!p.body.empty()) headers.emplace_back("Content-Type", "application/json");
  const auto before = t.state();
  auto r = t.client().request(p.method, p.target, p.body, headers);
  EXPECT_EQ(r.status, p.status) << r.body;
  EXPECT_EQ(r.code(), p.code) << r.body;
  EXPECT_EQ(t.state(), before);
}

const std::string kOne = R"({"version":1})";

INSTANTIATE_TEST_SUITE_P(
    All, TrustRefusals,
    ::testing::Values(
        Refusal{"school_admin_lists_trust_schools", "GET", kSchools, "", kAmir, 403, "forbidden"},
        Refusal{"school_admin_accepts_terms", "POST", kTerms, kOne, kAmir, 403, "forbidden"},
        Refusal{"office_user_accepts_terms", "POST", kTerms, kOne, kJoanne, 403, "forbidden"},
        Refusal{"trust_user_without_manage_all_users", "POST", kTerms, kOne, kRhys, 403,
                "forbidden"},
        Refusal{"other_trusts_user_lists", "GET", kSchools, "", kElmCentral, 403, "forbidden"},
        Refusal{"other_trusts_user_accepts_terms", "POST", kTerms, kOne, kElmCentral, 403,
                "forbidden"},
        Refusal{"other_trusts_user_acts_in_school", "POST",
                "/api/v1/schools/oakfield-primary/apps/parentpay/approve", "", kElmCentral, 403,
                "forbidden"},
        Refusal{"other_trusts_user_reads_school", "GET", "/api/v1/schools/oakfield-primary/apps",
                "", kElmCentral, 403, "forbidden"},
        Refusal{"trust_user_outside_the_trust", "POST",
                "/api/v1/schools/riverside-academy/apps/lgfl/approve", "", kDana, 403, "forbidden"},
        Refusal{"trust_user_reads_outside_the_trust", "GET",
                "/api/v1/schools/riverside-academy/apps", "", kDana, 403, "forbidden"},
        Refusal{"terms_of_a_school_outside_the_trust", "POST",
                kSchools + "/riverside-academy/terms-acceptance", kOne, kDana, 404,
                "unknown_school"},
        Refusal{"terms_of_an_unknown_school", "POST", kSchools + "/nowhere/terms-acceptance", kOne,
                kDana, 404, "unknown_school"},
        Refusal{"unknown_trust", "GET", "/api/v1/trusts/no-such-trust/schools", "", kDana, 403,
                "forbidden"},
        Refusal{"school_as_trust", "POST",
                "/api/v1/trusts/oakfield-primary/schools/oakfield-primary/terms-acceptance", kOne,
                kDana, 404, "unknown_trust"},
        Refusal{"no_credentials", "POST", kTerms, kOne, "", 401, "unauthenticated"},
        Refusal{"missing_version", "POST", kTerms, "{}", kDana, 400, "missing_field"},
        Refusal{"version_as_text", "POST", kTerms, R"({"version":"1"})", kDana, 400, "wrong_type"},
        Refusal{"version_zero", "POST", kTerms, R"({"version":0})", kDana, 400, "invalid_value"},
        Refusal{"other_field", "POST", kTerms, R"({"version":1,"accept":true})", kDana, 400,
                "unknown_field"},
        Refusal{"wrong_version", "POST", kTerms, R"({"version":7})", kDana, 409, "terms_changed"},
        Refusal{"query_on_list", "GET", kSchools + "?page=2", "", kDana, 400, "unknown_parameter"},
        Refusal{"get_terms_acceptance", "GET", kTerms, "", kDana, 405, "method_not_allowed"}),
    [](const auto& test_case) { return test_case.param.name; });

}  // namespace
}  // namespace canopy::testing
