// A dummy (migration) site through real HTTP and the command line, on SQLite and (labelled
// mysql) MariaDB: an approve there repeats the help article's warning and needs its
// confirmation, from the school and from the trust; go-live (operator API, `canopy schools
// go-live`, or the tenants files listing the site as live) keeps every approval, records it
// in the audit, clears the banner and tells each approved partner that the school's ids
// changed.
#include <gtest/gtest.h>

#include <fstream>

#include "api/backend.hpp"
#include "main/commands.hpp"
#include "support/command.hpp"

namespace canopy::testing {
namespace {

const std::string kMillbrook = "millbrook-academy";
const std::string kHelen = "helen.marsh@millbrook-academy.example";  // its admin
const std::string kApps = "/api/v1/schools/millbrook-academy/apps/";
const std::string kGoLive = "/internal/v1/schools/millbrook-academy/go-live";

class GoLive : public ::testing::Test {
 protected:
  TestApp t{kBackend};
  TempDir dir;
  std::string helen = t.sign_in(kHelen);

  HttpResult approve(const std::string& app, const std::string& body = "") {
    return t.client().post_json(kApps + app + "/approve", body, bearer(helen));
  }
  std::string status_of(const std::string& app) {
    return std::string(to_string(t.store().find_connection(kMillbrook, app)->status));
  }
  // The partner's events about Millbrook, oldest first.
  nlohmann::json events_of(const std::string& app) {
    auto r = t.client().get("/partner/v1/events?after=0", basic(app, kPartnerSecret));
    EXPECT_EQ(r.status, 200u) << r.body;
    const auto page = r.json();
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : page["events"])
      if (e["data"]["school"] == kMillbrook) out.push_back(e);
    return out;
  }
  CommandResult canopy(const std::string& args) {
    std::string env;
    for (const auto& [k, v] : t.store_env())
      env += k + "=" + quote(v) + " ";
    return run_command("cd " + quote(CANOPY_SOURCE_DIR) + " && " + env + quote(CANOPY_BINARY) +
                           " " + args + " </dev/null",
                       dir.path());
  }
};

TEST_F(GoLive, AnApproveOnADummySiteRepeatsTheWarningAndNeedsItsConfirmation) {
  const auto before = t.state();
  const auto refused = approve("lgfl");
  EXPECT_EQ(refused.status, 409u) << refused.body;
  EXPECT_EQ(refused.code(), "dummy_site_not_confirmed");
  const std::string message = refused.json()["message"];
  EXPECT_NE(message.find("Millbrook Academy is a dummy (migration) site"), std::string::npos);
  EXPECT_NE(message.find("ids (students, staff) change"), std::string::npos);
  EXPECT_NE(message.find("confirm_dummy_site"), std::string::npos);
  EXPECT_EQ(approve("lgfl", R"({"confirm_dummy_site": false})").code(), "dummy_site_not_confirmed");
  EXPECT_EQ(approve("lgfl", R"({"confirm_dummy_site": "yes"})").code(), "wrong_type");
  EXPECT_EQ(approve("lgfl", R"({"confirm": true})").code(), "unknown_field");
  EXPECT_EQ(t.state(), before);

  const auto approved = approve("lgfl", R"({"confirm_dummy_site": true})");
  ASSERT_EQ(approved.status, 200u) << approved.body;
  EXPECT_EQ(status_of("lgfl"), "approved");
  // A reject (or a revoke) needs no confirmation, and a live school none for an approve.
  EXPECT_EQ(t.client().post_json(kApps + "classcharts/reject", "", bearer(helen)).status, 200u);
  const auto amir = t.sign_in(kAmir);
  EXPECT_EQ(t.client()
                .post_json("/api/v1/schools/oakfield-primary/apps/parentpay/approve",
                           R"({"confirm_dummy_site": true})", bearer(amir))
                .status,
            200u);
}

TEST_F(GoLive, ATrustsBatchConfirmsOnceForEveryDummySite) {
  const auto dana = t.sign_in(kDana);
  const int version = t.store().find_site(kMillbrook)->terms.version;
  ASSERT_EQ(
      t.client()
          .post_json("/api/v1/trusts/oakfield-trust/schools/millbrook-academy/terms-acceptance",
                     nlohmann::json{{"version", version}}.dump(), bearer(dana))
          .status,
      201u);
  const auto batch = [&](bool confirm, const std::string& key) {
    nlohmann::json body{
        {"items", {{{"school", kMillbrook}, {"app", "lgfl"}, {"action", "approve"}}}}};
    if (confirm) body["confirm_dummy_sites"] = true;
    Headers h = bearer(dana);
    h.emplace_back("Idempotency-Key", key);
    return t.client().post_json("/api/v1/trusts/oakfield-trust/decisions", body.dump(), h);
  };
  const auto refused = batch(false, "k-unconfirmed");
  ASSERT_EQ(refused.status, 422u) << refused.body;
  EXPECT_EQ(refused.json()["errors"][0]["code"], "dummy_site_not_confirmed");
  EXPECT_EQ(status_of("lgfl"), "pending");
  const auto applied = batch(true, "k-confirmed");
  ASSERT_EQ(applied.status, 200u) << applied.body;
  EXPECT_EQ(status_of("lgfl"), "approved");
}

TEST_F(GoLive, TheOperatorsGoLiveKeepsApprovalsAuditsAndTellsEachApprovedPartner) {
  ASSERT_EQ(approve("lgfl", R"({"confirm_dummy_site": true})").status, 200u);
  ASSERT_EQ(approve("classcharts", R"({"confirm_dummy_site": true})").status, 200u);
  ASSERT_EQ(t.client().post_json(kApps + "classcharts/reject", "", bearer(helen)).status, 200u);

  // The service token only.
  EXPECT_EQ(t.client().post_json(kGoLive, "", bearer(helen)).status, 401u);
  EXPECT_EQ(t.client().post_json(kGoLive, "", {}).status, 401u);
  const auto live = t.client().post_json(kGoLive, "", bearer(kServiceToken));
  ASSERT_EQ(live.status, 200u) << live.body;
  const auto body = live.json();
  EXPECT_EQ(body["school"]["id"], kMillbrook);
  EXPECT_EQ(body["school"]["dummy"], false);
  ASSERT_EQ(body["told"].size(), 1u);  // the approved one; not the rejected or the pending
  EXPECT_EQ(body["told"][0]["app"], "lgfl");

  // Every connection as it was; the banner and the confirmation gone.
  EXPECT_EQ(status_of("lgfl"), "approved");
  EXPECT_EQ(status_of("classcharts"), "rejected");
  const auto list = t.client().get("/api/v1/schools/millbrook-academy/apps", bearer(helen)).json();
  EXPECT_EQ(list["dummy"], false);
  EXPECT_EQ(approve("parentpay").status, 200u);

  // The audit says so, on the approved app's trail.
  const auto audit =
      t.client()
          .get("/api/v1/schools/millbrook-academy/audit?action=go_live", bearer(helen))
          .json();
  ASSERT_EQ(audit["items"].size(), 1u) << audit.dump();
  const auto& record = audit["items"][0];
  EXPECT_EQ(record["app"], "lgfl");
  EXPECT_EQ(record["from_status"], "approved");
  EXPECT_EQ(record["to_status"], "approved");
  EXPECT_EQ(record["actor"]["kind"], "system");

  // The partner is told, once; the one rejected is not.
  const auto told = events_of("lgfl");
  ASSERT_FALSE(told.empty());
  const auto& event = told.back();
  EXPECT_EQ(event["type"], "school.ids_changed");
  EXPECT_EQ(event["data"]["app"], "lgfl");
  EXPECT_EQ(event["data"]["status"], "approved");
  EXPECT_EQ(event["data"]["by"], "canopy");
  EXPECT_TRUE(event["data"].contains("went_live_at"));
  for (const auto& e : events_of("classcharts"))
    EXPECT_NE(e["type"], "school.ids_changed");

  // Once only: it is live now. A school that never was a dummy, and one that does not exist.
  const auto again = t.client().post_json(kGoLive, "", bearer(kServiceToken));
  EXPECT_EQ(again.status, 409u);
  EXPECT_EQ(again.code(), "site_already_live");
  EXPECT_EQ(
      t.client()
          .post_json("/internal/v1/schools/oakfield-primary/go-live", "", bearer(kServiceToken))
          .code(),
      "site_already_live");
  const auto unknown = t.client().post_json("/internal/v1/schools/no-such-school/go-live", "",
                                            bearer(kServiceToken));
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.code(), "unknown_school");
  EXPECT_EQ(t.client().post_json(kGoLive, R"({"x": 1})", bearer(kServiceToken)).code(),
            "unknown_field");
}

TEST_F(GoLive, TheCommandLineGoesLiveAndSaysWhoWasTold) {
  ASSERT_EQ(approve("lgfl", R"({"confirm_dummy_site": true})").status, 200u);
  const auto done = canopy("schools go-live millbrook-academy");
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_EQ(done.out,
            "Millbrook Academy (millbrook-academy) is live; 1 approved partner told its "
            "ids changed: lgfl\n");
  EXPECT_FALSE(t.store().find_site(kMillbrook)->dummy);
  EXPECT_EQ(events_of("lgfl").back()["type"], "school.ids_changed");
  const auto again = canopy("schools go-live millbrook-academy");
  EXPECT_EQ(again.exit_code, cli::kInvalid);
  EXPECT_NE(again.err.find("is not a dummy site"), std::string::npos) << again.err;
  EXPECT_EQ(canopy("schools go-live nowhere").exit_code, cli::kInvalid);
  EXPECT_EQ(canopy("schools go-live").exit_code, cli::kUsage);
}

TEST_F(GoLive, TenantFilesListingTheSiteAsLiveMakeItGoLiveTheSameWay) {
  ASSERT_EQ(approve("lgfl", R"({"confirm_dummy_site": true})").status, 200u);
  // The demo tenants, with Millbrook live.
  const auto tenants = dir.path() / "tenants";
  std::filesystem::create_directories(tenants);
  for (const auto& f : std::filesystem::directory_iterator(source_path("tenants"))) {
    std::string text = slurp(f.path());
    if (const auto at = text.find("    dummy: true\n"); at != std::string::npos)
      text.replace(at, 16, "    dummy: false\n");
    std::ofstream(tenants / f.path().filename()) << text;
  }
  const auto imported = canopy("tenants import " + quote(tenants.string()));
  EXPECT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("went live: millbrook-academy"), std::string::npos) << imported.out;
  EXPECT_FALSE(t.store().find_site(kMillbrook)->dummy);
  EXPECT_EQ(events_of("lgfl").back()["type"], "school.ids_changed");
  const auto audit =
      t.client()
          .get("/api/v1/schools/millbrook-academy/audit?action=go_live", bearer(helen))
          .json();
  ASSERT_EQ(audit["items"].size(), 1u);
  EXPECT_EQ(audit["items"][0]["actor"]["id"], "tenants-import");
  // Imported again: nothing more happens.
  const auto again = canopy("tenants import " + quote(tenants.string()));
  EXPECT_EQ(again.out.find("went live"), std::string::npos) << again.out;
}

TEST_F(GoLive, TenantFilesSilentOnDummyLeaveTheSiteAsItIs) {
  const auto tenants = dir.path() / "tenants";
  std::filesystem::create_directories(tenants);
  for (const auto& f : std::filesystem::directory_iterator(source_path("tenants"))) {
    std::string text = slurp(f.path());
    if (const auto at = text.find("    dummy: true\n"); at != std::string::npos) text.erase(at, 16);
    std::ofstream(tenants / f.path().filename()) << text;
  }
  const auto imported = canopy("tenants import " + quote(tenants.string()));
  EXPECT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(imported.out.find("went live"), std::string::npos) << imported.out;
  EXPECT_TRUE(t.store().find_site(kMillbrook)->dummy);
}

}  // namespace
}  // namespace canopy::testing
