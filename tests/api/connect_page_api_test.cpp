// The alternative connection, the school's half, through real HTTP on SQLite and (labelled
// mysql) MariaDB: a school user opens a partner's link, signs in with MIS email and password,
// and approves; each of the help article's refusals has its own code and words, and a link
// approves once.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "api/backend.hpp"
#include "auth/crypto.hpp"
#include "support/command.hpp"
#include "support/temp_dir.hpp"

namespace canopy::testing {
namespace {

const std::string kRedirect = "https://assessment.hoddereducation.co.uk/arbor/connected";
const std::string kHelen = "helen.marsh@millbrook-academy.example";     // admin, a dummy site
const std::string kFiona = "fiona.campbell@riverside-academy.example";  // admin, standalone
const std::string kOmar = "omar.haddad@riverside-academy.example";      // admin, two-step sign-in

class ConnectPage : public ::testing::Test {
 protected:
  // The policies in a directory of the test's own, so the operator can change them mid-test.
  TempDir dir;
  std::filesystem::path policies = copy_of_policies(dir.path());
  TestApp t{[this](cli::AppConfig& c) {
              c.policies = policies;
              c.public_url = "https://canopy.example.org";
            },
            kBackend};

  // A partner's link for `school`, as the token from its URL's fragment.
  std::string link(const std::string& school, const std::string& app = "hodder",
                   nlohmann::json extra = nlohmann::json::object()) {
    extra["school"] = school;
    const auto r =
        t.client().post_json("/partner/v1/connect-links", extra.dump(), basic(app, kPartnerSecret));
    EXPECT_EQ(r.status, 201u) << r.body;
    const std::string url = r.json()["url"];
    return url.substr(url.find('#') + 1);
  }
  HttpResult open(const std::string& token) {
    return t.client().post_json("/api/v1/connect/link", nlohmann::json{{"link", token}}.dump());
  }
  HttpResult sign_in(const std::string& token, const std::string& email,
                     const std::string& password = kPassword, Headers headers = {}) {
    return t.client().post_json(
        "/api/v1/connect/sign-in",
        nlohmann::json{{"link", token}, {"email", email}, {"password", password}}.dump(), headers);
  }
  HttpResult approve(const std::string& token, const std::string& ticket,
                     std::optional<bool> confirm = std::nullopt) {
    nlohmann::json body{{"link", token}, {"ticket", ticket}};
    if (confirm) body["confirm_dummy_site"] = *confirm;
    return t.client().post_json("/api/v1/connect/approve", body.dump());
  }
  std::string ticket_of(const std::string& token, const std::string& email) {
    const auto r = sign_in(token, email);
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.status == 200 ? r.json()["ticket"].get<std::string>() : "";
  }
  std::string status_of(const std::string& school, const std::string& app = "hodder") {
    const auto c = t.store().find_connection(school, app);
    return c ? std::string(to_string(c->status)) : "none";
  }
  bool allowed(const std::string& school, const std::string& app = "hodder") {
    const auto r = t.client().get("/internal/v1/decisions?app=" + app + "&school=" + school +
                                      "&data_type=Student&operation=read",
                                  bearer(kServiceToken));
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json()["allow"].get<bool>();
  }
  // The newest audit record of `school`.
  store::AuditRecord last_audit(const std::string& school) {
    const auto all = t.store().audit_for_school(school, 1000);
    EXPECT_FALSE(all.empty());
    return all.empty() ? store::AuditRecord{} : all.back();
  }
  void reload_policies() {
    const auto r =
        t.client().request("POST", "/internal/v1/policies/reload", {}, bearer(kServiceToken));
    ASSERT_EQ(r.status, 200u) << r.body;
  }
  // Rewrites one line of hodder's policy.
  void set_hodder(const std::string& line, const std::string& to) {
    const auto file = policies / "apps" / "hodder.yaml";
    const std::string text = slurp(file);
    const auto at = text.find(line);
    ASSERT_NE(at, std::string::npos);
    std::ofstream(file) << text.substr(0, at) + to + text.substr(at + line.size());
    reload_policies();
  }
};

TEST_F(ConnectPage, TheLinkSaysWhichAppAsksWhichSchoolAndWhereToGoBack) {
  const auto token =
      link("oakfield-primary", "hodder", {{"redirect_uri", kRedirect}, {"state", "a&b=c#d"}});
  const auto r = open(token);
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto body = r.json();
  EXPECT_EQ(body["app"]["name"], "Hodder Education Assessment");
  EXPECT_EQ(body["app"]["company"], "Hodder Education");
  EXPECT_EQ(body["school"]["name"], "Oakfield Primary School");
  EXPECT_EQ(body["school"]["dummy"], false);
  EXPECT_EQ(*parse_rfc3339(body["expires_at"].get<std::string>()),
            t.clock().now() + std::chrono::hours(24));
  // The partner's state comes back encoded, so it cannot add parameters of its own.
  EXPECT_EQ(body["return_url"],
            kRedirect + "?outcome=cancelled&school=oakfield-primary&state=a%26b%3Dc%23d");
  // Without a redirect_uri there is nowhere to go back to.
  EXPECT_TRUE(open(link("oakfield-primary")).json()["return_url"].is_null());
}

TEST_F(ConnectPage, ASchoolAdminApprovesOnceAuditedAndThePartnerTold) {
  const auto token =
      link("oakfield-primary", "hodder", {{"redirect_uri", kRedirect}, {"state", "s-42"}});
  ASSERT_EQ(status_of("oakfield-primary"), "pending");
  EXPECT_FALSE(allowed("oakfield-primary"));

  const auto in = sign_in(token, kAmir);
  ASSERT_EQ(in.status, 200u) << in.body;
  EXPECT_EQ(in.header("cache-control"), "no-store");
  const auto seen = in.json();
  EXPECT_EQ(seen["user"]["email"], kAmir);
  EXPECT_EQ(seen["acting"]["via_trust"], false);
  // The app, its company and the full permission table, as the slide-over shows them.
  EXPECT_EQ(seen["detail"]["vendor"], "Hodder Education");
  EXPECT_EQ(seen["detail"]["status"], "pending");
  EXPECT_EQ(seen["detail"]["permissions"].size(), 4u);
  // The browser proved itself: its device cookie, for sign-in and for this page.
  EXPECT_FALSE(in.cookie("canopy_device").empty());

  const auto r = approve(token, seen["ticket"]);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json()["outcome"], "approved");
  EXPECT_EQ(r.json()["already_approved"], false);
  EXPECT_EQ(r.json()["return_url"],
            kRedirect + "?outcome=approved&school=oakfield-primary&state=s-42");
  EXPECT_EQ(status_of("oakfield-primary"), "approved");
  EXPECT_TRUE(allowed("oakfield-primary"));

  // Audited like any approval, with the user as the actor.
  const auto audit = last_audit("oakfield-primary");
  EXPECT_EQ(audit.action, "approve");
  EXPECT_EQ(audit.actor, kAmir);
  EXPECT_EQ(audit.app_id, "hodder");
  EXPECT_EQ(audit.from_status, ConnectionStatus::pending);
  // And the partner is told, like any approval.
  const auto events =
      t.client().get("/partner/v1/events?after=0", basic("hodder", kPartnerSecret)).json();
  bool told = false;
  for (const auto& e : events["events"])
    told =
        told || (e["type"] == "connection.approved" && e["data"]["school"] == "oakfield-primary");
  EXPECT_TRUE(told) << events.dump();

  // Spent. The same ticket again (an answer lost on the way) gets the approval back, changing
  // nothing; nobody signs in on the link again, and once the ticket is old it is spent for all.
  const auto audits = t.store().audit_count();
  const auto again = approve(token, seen["ticket"]);
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(again.json()["already_approved"], true);
  EXPECT_EQ(again.json()["return_url"], r.json()["return_url"]);
  EXPECT_EQ(t.store().audit_count(), audits);
  EXPECT_EQ(open(token).status, 410u);
  EXPECT_EQ(sign_in(token, kAmir).code(), "connect_link_used");
  t.clock().advance(std::chrono::minutes(15));
  EXPECT_EQ(approve(token, seen["ticket"]).code(), "connect_link_used");
  const auto spent = t.store().find_connect_link(auth::digest_hex(token));
  ASSERT_TRUE(spent.has_value());
  EXPECT_EQ(spent->used_by, kAmir);
}

// A link stands for the partner's request: an app never requested, or rejected before, is
// approved from there too; one approved already leaves the connection as it is.
TEST_F(ConnectPage, ALinkApprovesFromNoConnectionAndKnowsAnApprovedOne) {
  ASSERT_EQ(status_of("hazelwood-primary"), "none");
  const auto token = link("hazelwood-primary");
  const auto r = approve(token, ticket_of(token, kClaire));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(status_of("hazelwood-primary"), "approved");
  EXPECT_FALSE(last_audit("hazelwood-primary").from_status.has_value());

  ASSERT_EQ(status_of("riverside-academy", "groupcall"), "approved");
  const auto before = t.store().audit_count();
  const auto again = link("riverside-academy", "groupcall");
  const auto same = approve(again, ticket_of(again, kFiona));
  ASSERT_EQ(same.status, 200u) << same.body;
  EXPECT_EQ(same.json()["already_approved"], true);
  EXPECT_EQ(t.store().audit_count(), before);
  EXPECT_EQ(open(again).code(), "connect_link_used");
}

TEST_F(ConnectPage, EachRefusalHasItsOwnCodeAndWords) {
  const auto token = link("oakfield-primary");
  struct Case {
    std::string name;
    std::string email;
    std::string password;
    unsigned status;
    std::string code;
    std::string message;
  };
  const std::vector<Case> cases{
      {"empty_password", kAmir, "", 400, "no_credentials", "No credentials"},
      {"empty_email", "", kPassword, 400, "no_credentials", "No credentials"},
      {"wrong_password", kAmir, "wrong", 401, "invalid_credentials", "Invalid credentials"},
      {"unknown_email", "nobody@oakfield-primary.example", "wrong", 401, "invalid_credentials",
       "Invalid credentials"},
      {"office_user", kJoanne, kPassword, 403, "not_authorised_for_school",
       "You are not authorised to approve apps on behalf of your school"},
      {"another_school", kClaire, kPassword, 403, "connect_link_other_school",
       "This link was made for Oakfield Primary School: sign in with an account of that school, "
       "or of its trust"},
  };
  const auto before = t.state();
  for (const auto& c : cases) {
    const auto r = sign_in(token, c.email, c.password);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
    EXPECT_EQ(r.code(), c.code) << c.name;
    EXPECT_EQ(r.json()["message"], c.message) << c.name;
    EXPECT_EQ(r.body.find("ticket"), std::string::npos) << c.name;
  }
  // A known email and an unknown one get the same answer, byte for byte.
  EXPECT_EQ(sign_in(token, kAmir, "wrong").body,
            sign_in(token, "nobody@oakfield-primary.example", "wrong").body);
  EXPECT_EQ(t.state(), before);
  // Wrong passwords are in the site's sign-in history, as on the sign-in page.
  const auto amir = t.store().find_user_by_email(kAmir);
  const auto history = t.store().logins_for_user(amir->id, 10, std::nullopt);
  ASSERT_GE(history.size(), 2u);
  EXPECT_EQ(history[0].outcome, "invalid_credentials");

  // A user who signs in with two-step verification approves from Partner Apps instead.
  const auto riverside = link("riverside-academy");
  const auto omar = sign_in(riverside, kOmar);
  EXPECT_EQ(omar.status, 403u) << omar.body;
  EXPECT_EQ(omar.code(), "approve_from_partner_apps");
  EXPECT_NE(omar.json()["message"].get<std::string>().find("Partner Apps"), std::string::npos);
  EXPECT_EQ(status_of("riverside-academy"), "none");
}

// A trust (MAT) user needs the trust permission, to have signed in to the school from the
// trust at least once, and to have accepted its terms; the refusal lists what is missing.
TEST_F(ConnectPage, ATrustUserIsToldWhichOfTheThreeIsMissing) {
  const auto token = link("hazelwood-primary");
  const auto missing = [&](const std::string& email) {
    const auto r = sign_in(token, email);
    EXPECT_EQ(r.status, r.code() == "trust_requirements_not_met" ? 403u : 200u) << r.body;
    return r.code() == "trust_requirements_not_met" ? r.json()["missing"] : nlohmann::json();
  };
  EXPECT_EQ(missing(kRhys),
            nlohmann::json({"permission", "signed_in_to_school", "terms_accepted"}));
  EXPECT_EQ(missing(kDana), nlohmann::json({"signed_in_to_school", "terms_accepted"}));
  const auto words = sign_in(token, kDana).json()["message"].get<std::string>();
  EXPECT_NE(words.find("signed in to Hazelwood Primary School"), std::string::npos) << words;
  EXPECT_NE(words.find("accepted the terms and conditions"), std::string::npos) << words;

  // Dana opens the school from her trust: signed in there once.
  const Headers dana = bearer(t.sign_in(kDana));
  ASSERT_EQ(t.client().get("/api/v1/schools/hazelwood-primary/apps", dana).status, 200u);
  EXPECT_EQ(missing(kDana), nlohmann::json({"terms_accepted"}));
  const int version = t.store().find_site("hazelwood-primary")->terms.version;
  const auto accepted = t.client().post_json(
      "/api/v1/trusts/oakfield-trust/schools/hazelwood-primary/terms-acceptance",
      nlohmann::json{{"version", version}}.dump(), dana);
  ASSERT_EQ(accepted.status, 201u) << accepted.body;
  EXPECT_TRUE(missing(kDana).is_null());

  const auto in = sign_in(token, kDana).json();
  EXPECT_EQ(in["acting"]["via_trust"], true);
  EXPECT_EQ(in["acting"]["site"], "oakfield-trust");
  ASSERT_EQ(approve(token, in["ticket"]).status, 200u);
  const auto audit = last_audit("hazelwood-primary");
  EXPECT_EQ(audit.actor, kDana);
  EXPECT_TRUE(audit.via_trust);
}

TEST_F(ConnectPage, DeadLinksAndChangedPoliciesAreRefusedBeforeAnyPassword) {
  EXPECT_EQ(open("x").code(), "connect_link_unknown");
  EXPECT_EQ(open(std::string(43, 'A')).code(), "connect_link_unknown");
  EXPECT_EQ(open(std::string(43, 'A')).status, 404u);
  EXPECT_EQ(sign_in(std::string(43, 'A'), kAmir).code(), "connect_link_unknown");

  const auto token = link("oakfield-primary");
  // The operator takes the app out of service: "Application Not Live".
  set_hodder("live: true", "live: false");
  auto r = open(token);
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(r.code(), "application_not_live");
  EXPECT_EQ(r.json()["message"].get<std::string>().rfind("Application Not Live", 0), 0u);
  EXPECT_EQ(sign_in(token, kAmir).code(), "application_not_live");
  set_hodder("live: false", "live: true");
  // Or stops offering the alternative connection.
  const std::string offered = "alternative_connection: true\n  redirect_uris: [" + kRedirect + "]";
  set_hodder(offered, "alternative_connection: false");
  EXPECT_EQ(open(token).code(), "alternative_connection_not_offered");
  set_hodder("alternative_connection: false", offered);
  ASSERT_EQ(open(token).status, 200u);

  // Or withdraws the address a link returns to: that link goes nowhere now.
  const auto returning = link("oakfield-primary", "hodder", {{"redirect_uri", kRedirect}});
  set_hodder("redirect_uris: [" + kRedirect + "]", "redirect_uris: [" + kRedirect + "/v2]");
  EXPECT_EQ(open(returning).code(), "connect_link_expired");
  EXPECT_EQ(open(token).status, 200u);
  set_hodder("redirect_uris: [" + kRedirect + "/v2]", "redirect_uris: [" + kRedirect + "]");

  // A link lasts 24 hours.
  const auto ticket = ticket_of(token, kAmir);
  t.clock().advance(std::chrono::hours(24));
  r = open(token);
  EXPECT_EQ(r.status, 410u);
  EXPECT_EQ(r.code(), "connect_link_expired");
  EXPECT_EQ(approve(token, ticket).code(), "connect_link_expired");
  EXPECT_EQ(status_of("oakfield-primary"), "pending");
}

// The ticket a sign-in gives is the only way to approve: short-lived, replaced by the next
// sign-in on the link, useless on another link.
TEST_F(ConnectPage, OnlyAFreshTicketOfThisLinkApproves) {
  const auto token = link("oakfield-primary");
  const auto first = ticket_of(token, kAmir);
  EXPECT_EQ(approve(token, "not-a-ticket").code(), "connect_sign_in_expired");
  EXPECT_EQ(approve(token, "").status, 401u);
  const auto other = link("oakfield-primary");
  EXPECT_EQ(approve(other, first).code(), "connect_sign_in_expired");

  const auto second = ticket_of(token, kAmir);
  EXPECT_EQ(approve(token, first).code(), "connect_sign_in_expired");
  t.clock().advance(std::chrono::minutes(15));
  EXPECT_EQ(approve(token, second).code(), "connect_sign_in_expired");
  EXPECT_EQ(status_of("oakfield-primary"), "pending");
  ASSERT_EQ(approve(token, ticket_of(token, kAmir)).status, 200u);
  // A new password (after a phishing, say) voids the tickets signed in with the old one.
  const auto reset = link("oakfield-primary");
  const auto before_reset = ticket_of(reset, kAmir);
  t.store().set_password_hash(t.store().find_user_by_email(kAmir)->id,
                              auth::hash_password(kPassword, auth::PasswordCost::minimum));
  EXPECT_EQ(approve(reset, before_reset).code(), "connect_sign_in_expired");
  // The user's permission is checked again at approval.
  const auto later = link("meadowbank-infant");
  const auto ticket = ticket_of(later, "priya.shah@meadowbank-infant.example");
  t.exec_sql(
      "DELETE FROM user_roles WHERE user_id = (SELECT id FROM users WHERE email = "
      "'priya.shah@meadowbank-infant.example')");
  EXPECT_EQ(approve(later, ticket).code(), "not_authorised_for_school");
  EXPECT_EQ(status_of("meadowbank-infant"), "pending");
}

// The approval is of the set the page showed: a set changed since is refused, not consented to
// unseen.
TEST_F(ConnectPage, WhatIsApprovedIsWhatThePageShowed) {
  const auto token = link("oakfield-primary");
  const auto in = sign_in(token, kAmir).json();
  const int shown = in["detail"]["current_permission_set_version"];
  auto body = nlohmann::json{
      {"link", token}, {"ticket", in["ticket"]}, {"permission_set_version", shown - 1}};
  auto r = t.client().post_json("/api/v1/connect/approve", body.dump());
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(r.code(), "permissions_changed");
  EXPECT_EQ(status_of("oakfield-primary"), "pending");
  body["permission_set_version"] = "2";
  EXPECT_EQ(t.client().post_json("/api/v1/connect/approve", body.dump()).status, 400u);
  body["permission_set_version"] = shown;
  r = t.client().post_json("/api/v1/connect/approve", body.dump());
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(t.store().find_connection("oakfield-primary", "hodder")->permission_set_version, shown);
}

TEST_F(ConnectPage, ADummySiteRepeatsTheWarningAndNeedsItsConfirmation) {
  const auto token = link("millbrook-academy");
  const auto in = sign_in(token, kHelen).json();
  EXPECT_EQ(in["detail"]["school"]["dummy"], true);
  auto r = approve(token, in["ticket"]);
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(r.code(), "dummy_site_not_confirmed");
  EXPECT_EQ(approve(token, in["ticket"], false).code(), "dummy_site_not_confirmed");
  EXPECT_EQ(status_of("millbrook-academy"), "none");
  r = approve(token, in["ticket"], true);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(status_of("millbrook-academy"), "approved");
}

// The page's wrong passwords count against the same budgets as sign-in's, so it is no second
// way to guess; a browser that signed in before keeps its own budget here too.
TEST_F(ConnectPage, GuessingIsThrottledLikeSignIn) {
  const auto token = link("oakfield-primary");
  // The admin's browser signed in to Canopy yesterday.
  const auto earlier = t.client().post_json(
      "/api/v1/session", nlohmann::json{{"email", kAmir}, {"password", kPassword}}.dump());
  ASSERT_EQ(earlier.status, 201u) << earlier.body;
  const Headers device{{"Cookie", "canopy_device=" + earlier.cookie("canopy_device")}};
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(sign_in(token, kAmir, "guess-" + std::to_string(i)).status, 401u) << i;
  auto r = sign_in(token, kAmir, "guess-5");
  EXPECT_EQ(r.status, 429u) << r.body;
  EXPECT_FALSE(r.header("retry-after").empty());
  EXPECT_EQ(sign_in(token, kAmir).status, 429u);
  EXPECT_EQ(t.client()
                .post_json("/api/v1/session",
                           nlohmann::json{{"email", kAmir}, {"password", kPassword}}.dump())
                .status,
            429u);
  // The stranger's guesses do not keep the admin's own browser out.
  r = sign_in(token, kAmir, kPassword, device);
  EXPECT_EQ(r.status, 200u) << r.body;
}

}  // namespace
}  // namespace canopy::testing
