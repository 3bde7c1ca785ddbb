// The partner lifecycle through real HTTP, on SQLite and (labelled mysql) MariaDB: a reject
// that says why, shown to the school, the partner and the audit, and carried by the partner's
// event; requests nobody decided expire, and the partner may ask again; the partner reads its
// events by cursor.
#include <gtest/gtest.h>

#include <thread>

#include "api/backend.hpp"
#include "core/time.hpp"

namespace canopy::testing {
namespace {

const std::string kSchool = "oakfield-primary";
const std::string kApps = "/api/v1/schools/oakfield-primary/apps/";
const std::string kProbe =
    "/internal/v1/decisions?app=tucasi&school=oakfield-primary&data_type=Student&operation=read";

class LifecycleApi : public ::testing::Test {
 protected:
  TestApp t{[](cli::AppConfig& c) { c.expiry_interval = std::chrono::milliseconds(20); }, kBackend};

  HttpResult partner_asks(const std::string& app = "tucasi") {
    return t.client().post_json("/partner/v1/connection-requests",
                                nlohmann::json{{"school", kSchool}}.dump(),
                                basic(app, kPartnerSecret));
  }
  HttpResult partner_reads(const std::string& app = "tucasi") {
    return t.client().get("/partner/v1/connection-requests/" + kSchool, basic(app, kPartnerSecret));
  }
  HttpResult reject(const std::string& token, const std::string& body,
                    const std::string& app = "tucasi") {
    return t.client().post_json(kApps + app + "/reject", body, bearer(token));
  }
  nlohmann::json events(std::int64_t after = 0, const std::string& app = "tucasi") {
    auto r = t.client().get("/partner/v1/events?after=" + std::to_string(after),
                            basic(app, kPartnerSecret));
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json();
  }
  // The events of this school only (the import told the partner of the demo's connections).
  static nlohmann::json here(const nlohmann::json& page) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : page["events"]) {
      if (e["data"]["school"] == kSchool) out.push_back(e);
    }
    return out;
  }
  nlohmann::json decision() {
    auto r = t.client().get(kProbe, bearer(kServiceToken));
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json();
  }
  // Waits (bounded) for the expiry job to have expired the request.
  bool becomes_expired() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (partner_reads().json()["status"] == "expired") return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
};

TEST_F(LifecycleApi, ARejectThatSaysWhyTellsTheSchoolThePartnerAndTheAudit) {
  ASSERT_EQ(partner_asks().status, 201u);
  const auto token = t.sign_in(kAmir);
  auto r = reject(token, R"({"reason": "data_concerns", "note": "  We only share names.\n"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto expected = nlohmann::json{{"code", "data_concerns"},
                                       {"text", "Concerns about how the data would be used"},
                                       {"note", "We only share names."}};
  EXPECT_EQ(r.json()["reject_reason"], expected);
  EXPECT_EQ(t.client().get(kApps + "tucasi", bearer(token)).json()["reject_reason"], expected);
  EXPECT_EQ(partner_reads().json()["reject_reason"], expected);
  auto audit = t.client().get("/api/v1/schools/oakfield-primary/audit?app=tucasi", bearer(token));
  ASSERT_EQ(audit.status, 200u) << audit.body;
  EXPECT_EQ(audit.json()["items"][0]["action"], "reject");
  EXPECT_EQ(audit.json()["items"][0]["reason"],
            (nlohmann::json{{"code", "data_concerns"}, {"note", "We only share names."}}));
  EXPECT_TRUE(audit.json()["items"][1]["reason"].is_null());
  // The partner's event says why too; its trail still verifies with the reason hashed in.
  const auto page = events();
  const auto mine = here(page);
  ASSERT_EQ(mine.size(), 2u) << page;
  EXPECT_EQ(mine[0]["type"], "connection.requested");
  EXPECT_EQ(mine[1]["type"], "connection.rejected");
  EXPECT_EQ(mine[1]["data"]["reason"], expected);
  EXPECT_EQ(mine[1]["data"]["previous_status"], "pending");
  EXPECT_EQ(mine[1]["data"]["by"], "school");
  // The connection's revision after each change: how a partner orders what it receives.
  EXPECT_EQ(mine[0]["data"]["revision"], 1);
  EXPECT_EQ(mine[1]["data"]["revision"], 2);
  EXPECT_EQ(page["next_after"], mine[1]["seq"]);
  EXPECT_TRUE(events(page["next_after"].get<std::int64_t>())["events"].empty());
  // Another app's events are not this partner's.
  const auto others = events(0, "otrack")["events"];
  for (const auto& e : others)
    EXPECT_EQ(e["data"]["app"], "otrack");

  // Approved again, the reason goes: it described a reject that no longer stands.
  r = t.client().post_json(kApps + "tucasi/approve", "", bearer(token));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_TRUE(r.json()["reject_reason"].is_null());
  EXPECT_TRUE(partner_reads().json()["reject_reason"].is_null());
  // A plain reject still works, and carries no reason.
  r = reject(token, "");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_TRUE(r.json()["reject_reason"].is_null());
  EXPECT_FALSE(here(events(0))[3]["data"].contains("reason"));
}

TEST_F(LifecycleApi, AReasonThatIsNotOneIsRefusedAndChangesNothing) {
  ASSERT_EQ(partner_asks().status, 201u);
  const auto token = t.sign_in(kAmir);
  const auto before = t.state();
  for (const char* body : {R"({"reason": "bored"})", R"({"reason": "other"})",
                           R"({"reason": "other", "note": "   "})", R"({"note": "why not"})",
                           R"({"reason": "not_needed", "note": "a\u0007b"})", R"({"reason": 3})"}) {
    auto r = reject(token, body);
    EXPECT_EQ(r.status, 400u) << body << " " << r.body;
    EXPECT_EQ(r.code(),
              std::string(body).find("3}") != std::string::npos ? "wrong_type" : "invalid_value")
        << body;
  }
  auto r =
      reject(token, nlohmann::json{{"reason", "other"}, {"note", std::string(501, 'x')}}.dump());
  EXPECT_EQ(r.status, 400u) << r.body;
  // Only a reject takes a reason.
  r = t.client().post_json(kApps + "tucasi/approve", R"({"reason": "not_needed"})", bearer(token));
  EXPECT_EQ(r.status, 400u) << r.body;
  EXPECT_EQ(t.state(), before);
  r = reject(token, nlohmann::json{{"reason", "other"}, {"note", std::string(500, 'x')}}.dump());
  EXPECT_EQ(r.status, 200u) << r.body;
}

TEST_F(LifecycleApi, ARequestNobodyDecidesExpiresAndThePartnerMayAskAgain) {
  auto r = partner_asks();
  ASSERT_EQ(r.status, 201u) << r.body;
  const auto first_requested_at = r.json()["requested_at"];
  EXPECT_EQ(decision()["reason"], "pending");
  t.clock().advance(std::chrono::days(29));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the job looks: not yet
  EXPECT_EQ(partner_reads().json()["status"], "pending");
  t.clock().advance(std::chrono::days(2));
  ASSERT_TRUE(becomes_expired());
  EXPECT_EQ(decision(), (nlohmann::json{{"allow", false}, {"reason", "request_expired"}}));
  const auto token = t.sign_in(kAmir);
  // The school cannot decide an expired request; the list of pending ones no longer has it.
  r = t.client().post_json(kApps + "tucasi/approve", "", bearer(token));
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(r.code(), "invalid_transition");
  auto pending =
      t.client().get(kApps.substr(0, kApps.size() - 1) + "?status=pending", bearer(token));
  const auto pending_items = pending.json()["items"];
  ASSERT_FALSE(pending_items.is_null()) << pending.body;
  for (const auto& item : pending_items)
    EXPECT_NE(item["app"], "tucasi");
  auto expired =
      t.client().get(kApps.substr(0, kApps.size() - 1) + "?status=expired", bearer(token));
  ASSERT_EQ(expired.status, 200u) << expired.body;
  // The demo's pending requests there expired too: nobody decided them in 30 days either.
  std::vector<std::string> expired_apps;
  const auto expired_items = expired.json()["items"];
  for (const auto& item : expired_items)
    expired_apps.push_back(item["app"].get<std::string>());
  EXPECT_EQ(expired_apps, (std::vector<std::string>{"hodder", "parentpay", "tucasi"}));
  auto audit = t.client().get("/api/v1/schools/oakfield-primary/audit?app=tucasi", bearer(token));
  EXPECT_EQ(audit.json()["items"][0]["action"], "expire");
  EXPECT_EQ(audit.json()["items"][0]["actor"]["kind"], "system");
  auto expiries =
      t.client().get("/api/v1/schools/oakfield-primary/audit?action=expire", bearer(token));
  ASSERT_EQ(expiries.status, 200u) << expiries.body;
  EXPECT_EQ(expiries.json()["items"].size(), 3u) << expiries.body;

  // The partner asks again: pending anew, requested now, the school told again.
  t.clock().advance(std::chrono::hours(1));
  r = partner_asks();
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.json()["status"], "pending");
  EXPECT_NE(r.json()["requested_at"], first_requested_at);
  auto notes = t.client().get("/api/v1/notifications", bearer(token));
  EXPECT_EQ(notes.json()["unread_count"], 2) << notes.body;
  const auto mine = here(events());
  std::vector<std::string> types;
  for (const auto& e : mine)
    types.push_back(e["type"].get<std::string>());
  EXPECT_EQ(types, (std::vector<std::string>{"connection.requested", "connection.expired",
                                             "connection.requested"}));
  EXPECT_EQ(mine[1]["data"]["by"], "canopy");
  EXPECT_EQ(mine[2]["data"]["previous_status"], "expired");
  // The renewed request expires in its turn only 30 days after it was made.
  t.clock().advance(std::chrono::days(29));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(partner_reads().json()["status"], "pending");
}

TEST_F(LifecycleApi, ADecidedRequestNeverExpires) {
  ASSERT_EQ(partner_asks().status, 201u);
  auto r = t.client().post_json(kApps + "tucasi/approve", "", bearer(t.sign_in(kAmir)));
  ASSERT_EQ(r.status, 200u) << r.body;
  t.clock().advance(std::chrono::days(400));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(partner_reads().json()["status"], "approved");
  EXPECT_EQ(decision()["allow"], true);
}

TEST_F(LifecycleApi, ARevocationAsksThePartnerToAttestDeletionByADeadline) {
  // cpoms is approved at Oakfield Primary in the demo; tucasi only ever pending.
  const auto token = t.sign_in(kAmir);
  const std::string list = "/api/v1/schools/oakfield-primary/deletion-attestations";
  EXPECT_TRUE(t.client().get(list, bearer(token)).json()["items"].empty());
  const auto attest = [&](const std::string& app, const std::string& body) {
    return t.client().post_json("/partner/v1/connections/oakfield-primary/deletion-attestation",
                                body, basic(app, kPartnerSecret));
  };
  // Nothing to attest before a revocation; rejecting a pending request asks for nothing.
  auto r = attest("cpoms", "");
  EXPECT_EQ(r.status, 404u) << r.body;
  ASSERT_EQ(partner_asks().status, 201u);
  ASSERT_EQ(reject(token, "").status, 200u);
  EXPECT_EQ(attest("tucasi", "").status, 404u);

  ASSERT_EQ(reject(token, "", "cpoms").status, 200u);
  auto items = t.client().get(list, bearer(token)).json()["items"];
  ASSERT_EQ(items.size(), 1u) << items;
  EXPECT_EQ(items[0]["app"], "cpoms");
  EXPECT_EQ(items[0]["state"], "pending");
  const auto requested = parse_rfc3339(items[0]["requested_at"].get<std::string>()).value();
  EXPECT_EQ(parse_rfc3339(items[0]["due_by"].get<std::string>()).value(),
            requested + std::chrono::days(30));
  // The partner's event asks for it.
  nlohmann::json rejected;
  for (const auto& e : here(events(0, "cpoms")))
    if (e["type"] == "connection.rejected") rejected = e;
  ASSERT_TRUE(rejected.is_object());
  EXPECT_EQ(rejected["data"]["deletion"]["requested"], true);
  EXPECT_EQ(rejected["data"]["deletion"]["due_by"], items[0]["due_by"]);
  EXPECT_EQ(rejected["data"]["deletion"]["attest"],
            "/partner/v1/connections/oakfield-primary/deletion-attestation");
  // The trust sees it too; past the deadline it is overdue.
  t.clock().advance(std::chrono::days(31));
  auto trust = t.client().get("/api/v1/trusts/oakfield-trust/deletion-attestations",
                              bearer(t.sign_in(kDana)));
  ASSERT_EQ(trust.status, 200u) << trust.body;
  const auto trust_items = trust.json()["items"];
  ASSERT_EQ(trust_items.size(), 1u) << trust.body;
  EXPECT_EQ(trust_items[0]["state"], "overdue");
  EXPECT_EQ(trust_items[0]["school"], "oakfield-primary");

  // Refused notes change nothing; another app cannot attest for cpoms.
  EXPECT_EQ(attest("cpoms", R"({"note": "a\u0001b"})").status, 400u);
  EXPECT_EQ(attest("cpoms", nlohmann::json{{"note", std::string(501, 'x')}}.dump()).status, 400u);
  EXPECT_EQ(attest("cpoms", R"({"when": "now"})").status, 400u);
  EXPECT_EQ(attest("wonde", "").status, 404u);
  r = t.client().post_json("/partner/v1/connections/nowhere/deletion-attestation", "",
                           basic("cpoms", kPartnerSecret));
  EXPECT_EQ(r.status, 404u) << r.body;
  EXPECT_EQ(t.client()
                .post_json("/partner/v1/connections/oakfield-primary/deletion-attestation", "")
                .status,
            401u);
  r = attest("cpoms", R"({"note": "Deleted from every system and backup."})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json()["state"], "attested");
  EXPECT_EQ(r.json()["note"], "Deleted from every system and backup.");
  // Again: the first attestation stands.
  t.clock().advance(std::chrono::hours(1));
  r = attest("cpoms", R"({"note": "again"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json()["note"], "Deleted from every system and backup.");
  // (The admin's session of 31 days ago has ended: signed in again.)
  auto again = t.client().get(list, bearer(t.sign_in(kAmir)));
  ASSERT_EQ(again.status, 200u) << again.body;
  items = again.json()["items"];
  EXPECT_EQ(items[0]["state"], "attested");
  EXPECT_FALSE(items[0]["attested_at"].is_null());
  // Other schools' admins see nothing of it.
  EXPECT_EQ(t.client().get(list, bearer(t.sign_in(kClaire))).status, 403u);
}

TEST_F(LifecycleApi, ThePartnerEventCursorIsCheckedAtTheEdge) {
  for (const char* query : {"?after=-1", "?after=x", "?limit=0", "?limit=501", "?since=1"}) {
    auto r =
        t.client().get(std::string("/partner/v1/events") + query, basic("tucasi", kPartnerSecret));
    EXPECT_EQ(r.status, 400u) << query << " " << r.body;
  }
  auto r = t.client().get("/partner/v1/events");
  EXPECT_EQ(r.status, 401u) << r.body;
  EXPECT_EQ(r.header("www-authenticate"), "Basic realm=\"canopy-partner\"");
  r = t.client().get("/partner/v1/events", basic("tucasi", "wrong"));
  EXPECT_EQ(r.status, 401u) << r.body;
}

}  // namespace
}  // namespace canopy::testing
