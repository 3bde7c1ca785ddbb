// The audit trail through real HTTP: a school's chain for its admins and its trust's central
// team, a trust's schools merged for the trust's central team; filters, pages, CSV; refusals
// that change nothing. Built for SQLite (trust_api_test) and MariaDB (trust_api_mysql_test).
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "api/backend.hpp"
#include "store/audit_chain.hpp"

namespace canopy::testing {
namespace {

const std::string kOakAudit = "/api/v1/schools/oakfield-primary/audit";
const std::string kTrustAudit = "/api/v1/trusts/oakfield-trust/audit";
const std::string kOakApps = "/api/v1/schools/oakfield-primary/apps";

class AuditApi : public ::testing::Test {
 protected:
  TestApp t{kBackend};
  std::string amir = t.sign_in(kAmir);

  void change(const std::string& token, const std::string& target, const std::string& rid) {
    t.clock().advance(std::chrono::seconds(1));
    auto r = t.client().request("POST", target, {},
                                {{"Authorization", "Bearer " + token}, {"X-Request-Id", rid}});
    ASSERT_EQ(r.status, 200u) << target << ": " << r.body;
  }
  nlohmann::json get(const std::string& target, const std::string& token) {
    auto r = t.client().get(target, bearer(token));
    EXPECT_EQ(r.status, 200u) << target << ": " << r.body;
    return r.status == 200 ? r.json() : nlohmann::json::object();
  }
  // Every record of a list, following next_before.
  std::vector<nlohmann::json> all(const std::string& target, const std::string& token, int limit) {
    std::vector<nlohmann::json> out;
    std::string sep = target.find('?') == std::string::npos ? "?" : "&";
    std::string page = target + sep + "limit=" + std::to_string(limit);
    for (int guard = 0; guard < 1000; ++guard) {
      const auto body = get(page, token);
      for (const auto& item : body["items"])
        out.push_back(item);
      if (body["next_before"].is_null()) break;
      EXPECT_EQ(body["items"].size(), static_cast<std::size_t>(limit));
      page = target + sep + "limit=" + std::to_string(limit) +
             "&before=" + std::to_string(body["next_before"].get<std::int64_t>());
    }
    return out;
  }
};

TEST_F(AuditApi, SchoolAdminSeesTheSchoolsChainNewestFirst) {
  change(amir, kOakApps + "/parentpay/approve", "rid-approve");
  change(amir, kOakApps + "/parentpay/reject", "rid-reject");
  const auto body = get(kOakAudit, amir);
  EXPECT_EQ(body["school"], "oakfield-primary");
  const auto& items = body["items"];
  ASSERT_GE(items.size(), 3u);
  EXPECT_TRUE(body["next_before"].is_null());
  const auto& reject = items[0];
  EXPECT_EQ(reject["action"], "reject");
  EXPECT_EQ(reject["app"], "parentpay");
  EXPECT_EQ(reject["school"], "oakfield-primary");
  EXPECT_EQ(reject["from_status"], "approved");
  EXPECT_EQ(reject["to_status"], "rejected");
  EXPECT_EQ(reject["client_request_id"], "rid-reject");
  EXPECT_EQ(reject["request_id"].get<std::string>().size(), 16u);
  EXPECT_EQ(reject["actor"]["kind"], "user");
  EXPECT_EQ(reject["actor"]["email"], kAmir);
  EXPECT_EQ(reject["actor"]["id"], kAmir);
  EXPECT_EQ(reject["actor"]["user_id"], t.store().find_user_by_email(kAmir)->id);
  EXPECT_EQ(reject["actor"]["name"], t.store().find_user_by_email(kAmir)->name);
  EXPECT_EQ(reject["actor_site"], "oakfield-primary");
  EXPECT_EQ(reject["actor_role"], "school_administrator");
  EXPECT_FALSE(reject["via_trust"]);
  EXPECT_EQ(reject["at"], format_rfc3339(t.clock().now()));
  EXPECT_TRUE(reject["permission_set_version"].is_number_integer());
  EXPECT_EQ(items[1]["action"], "approve");
  EXPECT_EQ(items[1]["client_request_id"], "rid-approve");
  // One chain, newest first: each record names the hash of the one before it.
  for (std::size_t i = 0; i + 1 < items.size(); ++i) {
    EXPECT_EQ(items[i]["seq"].get<std::int64_t>(), items[i + 1]["seq"].get<std::int64_t>() + 1);
    EXPECT_EQ(items[i]["prev_hash"], items[i + 1]["hash"]);
    EXPECT_EQ(items[i]["hash"].get<std::string>().size(), 64u);
  }
  EXPECT_EQ(items.back()["seq"], 1);
  EXPECT_EQ(items.back()["prev_hash"], "");
  // The import that created the demo connections is a system actor.
  EXPECT_EQ(items.back()["action"], "import");
  EXPECT_EQ(items.back()["actor"]["kind"], "system");
  EXPECT_TRUE(items.back()["actor"]["email"].is_null());
  EXPECT_TRUE(items.back()["actor"]["user_id"].is_null());
  const auto report = store::verify_audit_chains(t.store(), std::nullopt);
  EXPECT_TRUE(report.breaks.empty()) << report.breaks.front().problem;
}

// The record's request id is the server's own, the one in the response and the access log; what
// the client sent as X-Request-Id is kept beside it, never instead of it, and only when it is a
// short run of printable characters.
TEST_F(AuditApi, TheRequestIdIsTheServersAndTheClientsIsKeptBesideIt) {
  t.clock().advance(std::chrono::seconds(1));
  auto approved =
      t.client().request("POST", kOakApps + "/parentpay/approve", {},
                         {{"Authorization", "Bearer " + amir}, {"X-Request-Id", "forged-id"}});
  ASSERT_EQ(approved.status, 200u) << approved.body;
  const std::string server_id = approved.header("x-request-id");
  EXPECT_EQ(server_id.size(), 16u);
  EXPECT_NE(server_id, "forged-id");
  t.clock().advance(std::chrono::seconds(1));
  auto hostile = t.client().request(
      "POST", kOakApps + "/parentpay/reject", {},
      {{"Authorization", "Bearer " + amir}, {"X-Request-Id", std::string(200, 'x')}});
  ASSERT_EQ(hostile.status, 200u) << hostile.body;

  const auto items = get(kOakAudit, amir)["items"];
  ASSERT_GE(items.size(), 2u);
  EXPECT_EQ(items[1]["action"], "approve");
  EXPECT_EQ(items[1]["request_id"], server_id);
  EXPECT_EQ(items[1]["client_request_id"], "forged-id");
  EXPECT_EQ(items[0]["request_id"], hostile.header("x-request-id"));
  EXPECT_TRUE(items[0]["client_request_id"].is_null()) << "an over-long id is not kept";
  EXPECT_TRUE(items.back()["client_request_id"].is_null()) << "the import had no client";
  const auto stored = t.store().find_audit_record(items[1]["id"].get<std::int64_t>());
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->request_id, server_id);

  auto csv = t.client().get(kOakAudit + "?format=csv", bearer(amir));
  ASSERT_EQ(csv.status, 200u);
  EXPECT_NE(csv.body.find(",request_id,client_request_id,"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find("," + server_id + ",forged-id,"), std::string::npos) << csv.body;
  const auto report = store::verify_audit_chains(t.store(), std::nullopt);
  EXPECT_TRUE(report.breaks.empty()) << report.breaks.front().problem;
}

TEST_F(AuditApi, FiltersNarrowTheList) {
  change(amir, kOakApps + "/parentpay/approve", "rid-1");
  const TimePoint between = t.clock().now() + std::chrono::milliseconds(500);
  change(amir, kOakApps + "/parentpay/reject", "rid-2");
  change(amir, kOakApps + "/parentpay/approve", "rid-3");
  const auto approvals = get(kOakAudit + "?action=approve", amir)["items"];
  ASSERT_EQ(approvals.size(), 2u);
  for (const auto& item : approvals)
    EXPECT_EQ(item["action"], "approve");
  // Emails are matched without regard to case.
  EXPECT_EQ(get(kOakAudit + "?actor=AMIR.ADMIN@oakfield-primary.example", amir)["items"].size(),
            3u);
  EXPECT_EQ(get(kOakAudit + "?app=parentpay&actor=" + std::string(kAmir), amir)["items"].size(),
            3u);
  EXPECT_EQ(get(kOakAudit + "?app=no-such-app", amir)["items"].size(), 0u);
  const auto since = get(kOakAudit + "?from=" + format_rfc3339(between), amir)["items"];
  ASSERT_EQ(since.size(), 2u);
  EXPECT_EQ(since[1]["client_request_id"], "rid-2");
  const auto until =
      get(kOakAudit + "?action=approve&to=" + format_rfc3339(between), amir)["items"];
  ASSERT_EQ(until.size(), 1u);
  EXPECT_EQ(until[0]["client_request_id"], "rid-1");
  // An offset in the time: 01:00 ahead of UTC is one hour earlier.
  std::string local = format_rfc3339(between + std::chrono::hours(1));
  local.replace(local.size() - 1, 1, "%2B01:00");
  EXPECT_EQ(get(kOakAudit + "?from=" + local, amir)["items"].size(), 2u);
}

TEST_F(AuditApi, PagesFollowNextBeforeWithoutGapsOrRepeats) {
  for (int i = 0; i < 3; ++i) {
    change(amir, kOakApps + "/parentpay/approve", "rid-a" + std::to_string(i));
    change(amir, kOakApps + "/parentpay/reject", "rid-r" + std::to_string(i));
  }
  const auto whole = get(kOakAudit + "?limit=100", amir)["items"];
  for (int limit : {1, 2, 3, 7}) {
    const auto paged = all(kOakAudit, amir, limit);
    ASSERT_EQ(paged.size(), whole.size()) << "limit " << limit;
    for (std::size_t i = 0; i < paged.size(); ++i)
      EXPECT_EQ(paged[i]["id"], whole[i]["id"]) << "limit " << limit << " item " << i;
  }
}

TEST_F(AuditApi, CsvExportHasAHeaderAndEscapesCells) {
  User renamed = *t.store().find_user_by_email(kAmir);
  renamed.name = "Amir \"Al\" Admin, Head";
  ASSERT_EQ(t.store().upsert_user(renamed), store::Upsert::changed);
  change(amir, kOakApps + "/parentpay/approve", "rid-csv");
  const auto json = get(kOakAudit, amir)["items"];
  for (const Headers& how :
       {Headers{{"Authorization", "Bearer " + amir}},
        Headers{{"Authorization", "Bearer " + amir}, {"Accept", "text/csv"}}}) {
    const bool by_accept = how.size() == 2;
    auto r = t.client().get(kOakAudit + (by_accept ? "" : "?format=csv"), how);
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.header("content-type"), "text/csv; charset=utf-8");
    EXPECT_NE(r.header("content-disposition").find("oakfield-primary-audit.csv"),
              std::string::npos);
    std::istringstream lines(r.body);
    std::string line;
    std::vector<std::string> rows;
    while (std::getline(lines, line))
      rows.push_back(line);
    ASSERT_EQ(rows.size(), json.size() + 1);
    EXPECT_EQ(rows[0].rfind("id,seq,school,app,action,from_status,to_status,actor_kind,actor,", 0),
              0u);
    EXPECT_NE(rows[1].find("\"Amir \"\"Al\"\" Admin, Head\""), std::string::npos) << rows[1];
    EXPECT_NE(rows[1].find(json[0]["hash"].get<std::string>()), std::string::npos);
    EXPECT_NE(rows[1].find("rid-csv"), std::string::npos);
  }
}

TEST_F(AuditApi, TrustCentralTeamSeesEverySchoolOfTheTrust) {
  const auto dana = t.sign_in(kDana);
  for (const auto* school : {"oakfield-primary", "hazelwood-primary"}) {
    auto accepted = t.client().post_json(
        "/api/v1/trusts/oakfield-trust/schools/" + std::string(school) + "/terms-acceptance",
        nlohmann::json{{"version", t.store().find_site(school)->terms.version}}.dump(),
        bearer(dana));
    ASSERT_EQ(accepted.status, 201u) << accepted.body;
  }
  change(dana, kOakApps + "/parentpay/approve", "rid-dana-oak");
  change(dana, "/api/v1/schools/hazelwood-primary/apps/evolve/approve", "rid-dana-hazel");
  const auto items = all(kTrustAudit, dana, 7);
  const auto whole = get(kTrustAudit + "?limit=100", dana);
  EXPECT_EQ(whole["trust"], "oakfield-trust");
  ASSERT_EQ(items.size(), whole["items"].size());
  std::set<std::string> schools;
  for (std::size_t i = 0; i < items.size(); ++i) {
    schools.insert(items[i]["school"]);
    if (i == 0) continue;
    // Newest first: time, then school, then id, all descending.
    const auto& a = items[i - 1];
    const auto& b = items[i];
    const auto key = [](const nlohmann::json& j) {
      return std::make_tuple(j["at"].get<std::string>(), j["school"].get<std::string>(),
                             j["id"].get<std::int64_t>());
    };
    EXPECT_GT(key(a), key(b)) << a << " then " << b;
  }
  for (const auto& site : t.store().schools_of_trust("oakfield-trust")) {
    if (!t.store().audit_for_school(site.id, 1).empty()) {
      EXPECT_TRUE(schools.contains(site.id)) << site.id;
    }
  }
  EXPECT_FALSE(schools.contains("riverside-academy"));  // a school outside the trust
  EXPECT_EQ(items[0]["client_request_id"], "rid-dana-hazel");
  EXPECT_TRUE(items[0]["via_trust"]);
  EXPECT_EQ(items[0]["actor_site"], "oakfield-trust");
  EXPECT_EQ(items[1]["client_request_id"], "rid-dana-oak");
  // Filters apply across the schools.
  const auto mine = get(kTrustAudit + "?actor=" + std::string(kDana), dana)["items"];
  ASSERT_EQ(mine.size(), 2u);
  // And the school route answers the trust's central team too (reads need no terms).
  EXPECT_EQ(get("/api/v1/schools/oakfield-high/audit", dana)["school"], "oakfield-high");
  auto csv = t.client().get(kTrustAudit + "?format=csv&app=evolve", bearer(dana));
  ASSERT_EQ(csv.status, 200u);
  EXPECT_NE(csv.header("content-disposition").find("oakfield-trust-audit.csv"), std::string::npos);
}

TEST_F(AuditApi, OnlyThoseWhoMayAdministerTheSchoolSeeItsAudit) {
  const auto before = t.state();
  const auto status = [&](const std::string& target, const std::string& token) {
    auto r = t.client().get(target, token.empty() ? Headers{} : bearer(token));
    return std::make_pair(r.status, r.code());
  };
  using P = std::pair<unsigned, std::string>;
  const auto dana = t.sign_in(kDana);
  const auto rhys = t.sign_in(kRhys);
  EXPECT_EQ(status(kOakAudit, ""), (P{401, "unauthenticated"}));
  EXPECT_EQ(status(kOakAudit, t.sign_in(kJoanne)), (P{403, "forbidden"}));
  EXPECT_EQ(status(kOakAudit, t.sign_in(kClaire)), (P{403, "forbidden"}));
  EXPECT_EQ(status(kOakAudit, rhys), (P{403, "forbidden"}));
  EXPECT_EQ(status("/api/v1/schools/riverside-academy/audit", dana), (P{403, "forbidden"}));
  EXPECT_EQ(status("/api/v1/schools/no-such-school/audit", amir), (P{403, "forbidden"}));
  EXPECT_EQ(status("/api/v1/schools/oakfield-trust/audit", dana), (P{404, "unknown_school"}));
  EXPECT_EQ(status(kTrustAudit, ""), (P{401, "unauthenticated"}));
  EXPECT_EQ(status(kTrustAudit, amir), (P{403, "forbidden"}));
  EXPECT_EQ(status(kTrustAudit, rhys), (P{403, "forbidden"}));
  EXPECT_EQ(status("/api/v1/trusts/no-such-trust/audit", dana), (P{403, "forbidden"}));
  EXPECT_EQ(status("/api/v1/trusts/oakfield-primary/audit", dana), (P{404, "unknown_trust"}));
  EXPECT_EQ(status(kTrustAudit, dana).first, 200u);
  EXPECT_EQ(t.state(), before);
}

TEST_F(AuditApi, BadParametersAreRefusedBeforeAnyWork) {
  const auto hazel =
      get("/api/v1/schools/hazelwood-primary/audit", t.sign_in(kClaire))["items"][0]["id"]
          .get<std::int64_t>();
  const auto before = t.state();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"?colour=red", "unknown_parameter"},
      {"?action=delete", "invalid_value"},
      {"?action=approve&action=reject", "invalid_value"},
      {"?from=yesterday", "invalid_value"},
      {"?from=2026-02-30T00:00:00Z", "invalid_value"},
      {"?to=2026-01-01T00:00:00", "invalid_value"},
      {"?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "invalid_value"},
      {"?limit=0", "invalid_value"},
      {"?limit=101", "invalid_value"},
      {"?format=csv&limit=10001", "invalid_value"},
      {"?before=abc", "invalid_value"},
      {"?before=99999999", "invalid_value"},
      {"?before=" + std::to_string(hazel), "invalid_value"},  // another school's record
      {"?format=xml", "invalid_value"},
      {"?app=", "invalid_value"},
  };
  for (const auto& [query, code] : cases) {
    auto r = t.client().get(kOakAudit + query, bearer(amir));
    EXPECT_EQ(r.status, 400u) << query << ": " << r.body;
    EXPECT_EQ(r.code(), code) << query;
  }
  // Checked before authentication, as on the other routes.
  EXPECT_EQ(t.client().get(kTrustAudit + "?colour=red").code(), "unknown_parameter");
  EXPECT_EQ(t.state(), before);
}

}  // namespace
}  // namespace canopy::testing
