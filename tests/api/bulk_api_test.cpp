// A trust's central team over all its schools at once, through real HTTP: the apps x schools
// matrix, bulk decisions (all or nothing, idempotent) and the trust-wide CSV export. Built
// twice: on SQLite (trust_api_test) and on MariaDB (trust_api_mysql_test).
#include <gtest/gtest.h>

#include <algorithm>

#include "api/backend.hpp"
#include "auth/crypto.hpp"

namespace canopy::testing {
namespace {

const std::string kTrust = "/api/v1/trusts/oakfield-trust";
const std::string kDecisions = kTrust + "/decisions";
const std::string kMatrix = kTrust + "/apps";
const std::string kExport = kTrust + "/export.csv";

nlohmann::json item(const std::string& school, const std::string& app, const std::string& action) {
  return {{"school", school}, {"app", app}, {"action", action}};
}

std::string batch(std::initializer_list<nlohmann::json> items) {
  return nlohmann::json{{"items", nlohmann::json::array_t(items)}}.dump();
}

class BulkApi : public ::testing::Test {
 protected:
  TestApp t{kBackend};
  std::string dana = t.sign_in(kDana);
  Headers auth = bearer(dana);

  HttpResult decide(const std::string& body, const std::string& key,
                    const std::string& request_id = "rid-bulk") {
    Headers h = auth;
    if (!key.empty()) h.emplace_back("Idempotency-Key", key);
    h.emplace_back("X-Request-Id", request_id);
    return t.client().post_json(kDecisions, body, h);
  }
  void accept_terms(const std::string& school) {
    const int version = t.store().find_site(school)->terms.version;
    auto r = t.client().post_json(kTrust + "/schools/" + school + "/terms-acceptance",
                                  nlohmann::json{{"version", version}}.dump(), auth);
    ASSERT_EQ(r.status, 201u) << r.body;
  }
  std::string status_of(const std::string& school, const std::string& app) {
    const auto c = t.store().find_connection(school, app);
    return c ? std::string(to_string(c->status)) : "none";
  }
  std::string decision(const std::string& school, const std::string& app,
                       const std::string& data_type) {
    return t.client()
        .get("/internal/v1/decisions?app=" + app + "&school=" + school + "&data_type=" + data_type +
                 "&operation=read",
             bearer(kServiceToken))
        .body;
  }
};

TEST_F(BulkApi, SchoolAdminsAndTrustUsersWithoutThePermissionCannotUseTrustRoutes) {
  const std::string body = batch({item("oakfield-primary", "parentpay", "approve")});
  for (const auto* who : {kAmir, kRhys}) {
    const Headers h = bearer(t.sign_in(who));
    const auto before = t.state();
    auto post_headers = h;
    post_headers.emplace_back("Idempotency-Key", "k-forbidden");
    const std::vector<HttpResult> answers{t.client().get(kMatrix, h), t.client().get(kExport, h),
                                          t.client().post_json(kDecisions, body, post_headers)};
    for (const auto& r : answers) {
      EXPECT_EQ(r.status, 403u) << who << ": " << r.body;
      EXPECT_EQ(r.code(), "forbidden") << who;
    }
    EXPECT_EQ(t.state(), before);
  }
  EXPECT_EQ(t.client().get(kMatrix).status, 401u);
  EXPECT_EQ(t.client().get("/api/v1/trusts/oakfield-primary/apps", auth).code(), "unknown_trust");
}

TEST_F(BulkApi, ABatchIsAppliedAcrossSchoolsWithOneAuditRecordPerItem) {
  accept_terms("oakfield-primary");
  accept_terms("hazelwood-primary");
  ASSERT_EQ(decision("oakfield-primary", "wonde", "Student"),
            R"({"allow":true,"reason":"approved"})");
  const auto audit_before = t.store().audit_count();
  auto r = decide(batch({item("oakfield-primary", "parentpay", "approve"),
                         item("oakfield-primary", "wonde", "reject"),
                         item("hazelwood-primary", "evolve", "approve")}),
                  "k-apply");
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto body = r.json();
  EXPECT_EQ(body["trust"], "oakfield-trust");
  EXPECT_EQ(body["applied"], 3);
  ASSERT_EQ(body["items"].size(), 3u);
  EXPECT_EQ(body["items"][1]["index"], 1);
  EXPECT_EQ(body["items"][1]["app"], "wonde");
  EXPECT_EQ(body["items"][1]["status"], "rejected");
  EXPECT_EQ(status_of("oakfield-primary", "parentpay"), "approved");
  EXPECT_EQ(status_of("oakfield-primary", "wonde"), "rejected");
  EXPECT_EQ(status_of("hazelwood-primary", "evolve"), "approved");
  EXPECT_EQ(t.store().audit_count(), audit_before + 3);
  const auto audit = t.store().audit_for_school("oakfield-primary", 1000);
  const auto& last = audit.back();
  EXPECT_EQ(last.app_id, "wonde");
  EXPECT_EQ(last.action, "reject");
  EXPECT_EQ(last.actor, kDana);
  EXPECT_TRUE(last.via_trust);
  EXPECT_EQ(last.actor_site, "oakfield-trust");
  EXPECT_EQ(last.request_id, r.header("x-request-id"));
  EXPECT_EQ(last.client_request_id, "rid-bulk");
  EXPECT_EQ(t.store().find_connection("oakfield-primary", "parentpay")->decided_by, kDana);
  // The cache was updated after the commit: the gateway is denied at once.
  EXPECT_EQ(decision("oakfield-primary", "wonde", "Student"),
            R"({"allow":false,"reason":"rejected"})");
}

TEST_F(BulkApi, OneBadItemRefusesTheWholeBatchAndEveryErrorIsListed) {
  accept_terms("oakfield-primary");
  const auto before = t.state();
  const std::string body = batch({
      item("oakfield-primary", "parentpay", "approve"),    // 0: fine
      item("oakfield-primary", "no-such-app", "approve"),  // 1
      item("riverside-academy", "lgfl", "approve"),        // 2: not in the trust
      item("oakfield-primary", "wonde", "approve"),        // 3: approved already
      item("oakfield-primary", "parentpay", "reject"),     // 4: same pair as 0
      item("meadowbank-infant", "tucasi", "approve"),      // 5: terms not accepted
      item("oakfield-primary", "hodder", "cancel"),        // 6: not a bulk action
      item("oakfield-primary", "tucasi", "approve"),       // 7: never asked
  });
  auto r = decide(body, "k-refused");
  ASSERT_EQ(r.status, 422u) << r.body;
  EXPECT_EQ(r.code(), "invalid_items");
  const auto json = r.json();
  std::vector<std::pair<int, std::string>> errors;
  for (const auto& e : json["errors"])
    errors.emplace_back(e["index"], e["code"]);
  EXPECT_EQ(errors, (std::vector<std::pair<int, std::string>>{{1, "unknown_app"},
                                                              {2, "unknown_school"},
                                                              {3, "invalid_transition"},
                                                              {4, "duplicate_item"},
                                                              {5, "terms_not_accepted"},
                                                              {6, "invalid_value"},
                                                              {7, "connection_not_found"}}));
  EXPECT_EQ(json["errors"][1]["school"], "riverside-academy");
  EXPECT_EQ(json["errors"][1]["app"], "lgfl");
  ASSERT_EQ(json["terms"].size(), 1u);
  EXPECT_EQ(json["terms"][0]["site"], "meadowbank-infant");
  EXPECT_EQ(t.state(), before);
  EXPECT_EQ(status_of("oakfield-primary", "parentpay"), "pending");

  // The refusal is the key's answer: a replay gets it again.
  auto again = decide(body, "k-refused");
  EXPECT_EQ(again.status, 422u);
  EXPECT_EQ(again.body, r.body);
}

// The UI sends the status each cell showed: a connection that moved on since is refused, so a
// batch never revokes an app approved after the user looked (the confirmation showed pending).
TEST_F(BulkApi, AnItemNamingTheStatusItSawIsRefusedWhenTheConnectionMovedOn) {
  accept_terms("oakfield-primary");
  const auto saw = [](nlohmann::json i, const std::string& from) {
    i["from"] = from;
    return i;
  };
  const auto before = t.state();
  auto stale = decide(batch({saw(item("oakfield-primary", "wonde", "reject"), "pending"),
                             saw(item("oakfield-primary", "parentpay", "approve"), "pending")}),
                      "k-from-stale");
  ASSERT_EQ(stale.status, 422u) << stale.body;
  const auto errors = stale.json()["errors"];
  ASSERT_EQ(errors.size(), 1u) << stale.body;
  EXPECT_EQ(errors[0]["index"], 0);
  EXPECT_EQ(errors[0]["code"], "invalid_transition");
  EXPECT_EQ(errors[0]["message"],
            "the connection is approved now, not pending as this item expects");
  EXPECT_EQ(t.state(), before);

  auto seen = decide(batch({saw(item("oakfield-primary", "wonde", "reject"), "approved"),
                            saw(item("oakfield-primary", "parentpay", "approve"), "pending")}),
                     "k-from-seen");
  ASSERT_EQ(seen.status, 200u) << seen.body;
  EXPECT_EQ(status_of("oakfield-primary", "wonde"), "rejected");
  EXPECT_EQ(status_of("oakfield-primary", "parentpay"), "approved");

  const auto after = t.state();
  auto bad =
      decide(batch({saw(item("oakfield-primary", "hodder", "approve"), "approve")}), "k-from-bad");
  EXPECT_EQ(bad.status, 400u) << bad.body;
  EXPECT_EQ(bad.code(), "invalid_value");
  EXPECT_EQ(t.state(), after);
}

TEST_F(BulkApi, AReplayOfTheSameKeyAndBodyGetsTheFirstAnswerAndChangesNothing) {
  accept_terms("oakfield-primary");
  const std::string body = batch({item("oakfield-primary", "parentpay", "approve")});
  auto first = decide(body, "k-replay");
  ASSERT_EQ(first.status, 200u) << first.body;
  const auto after_first = t.state();
  auto replay = decide(body, "k-replay", "rid-replay");
  EXPECT_EQ(replay.status, 200u);
  EXPECT_EQ(replay.body, first.body);
  EXPECT_EQ(replay.header("idempotent-replayed"), "true");
  EXPECT_EQ(t.state(), after_first);

  // The same key with another body is refused; another key is another batch.
  auto reused = decide(batch({item("oakfield-primary", "parentpay", "reject")}), "k-replay");
  EXPECT_EQ(reused.status, 422u) << reused.body;
  EXPECT_EQ(reused.code(), "idempotency_key_reused");
  EXPECT_EQ(t.state(), after_first);
  auto other = decide(batch({item("oakfield-primary", "parentpay", "reject")}), "k-other");
  EXPECT_EQ(other.status, 200u) << other.body;
  EXPECT_EQ(status_of("oakfield-primary", "parentpay"), "rejected");
}

// A lost answer must never replay as something else: the answer is kept in the batch's own
// transaction. A fault where the answer is written (injected with a trigger) must leave either both
// the changes and the answer, or neither: never a committed batch whose key is given back, which a
// retry with the same key would run again (and answer 422, the approvals being made already).
TEST_F(BulkApi, AFaultWhereTheAnswerIsKeptLeavesTheBatchUnappliedAndTheKeyReusable) {
  accept_terms("oakfield-primary");
  const std::string body = batch({item("oakfield-primary", "parentpay", "approve"),
                                  item("oakfield-primary", "hodder", "approve")});
  t.exec_sql(kBackend == TestBackend::sqlite
                 ? "CREATE TRIGGER injected_fault BEFORE UPDATE OF state ON idempotency_keys"
                   " WHEN NEW.state = 'done' BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
                 : "CREATE TRIGGER injected_fault BEFORE UPDATE ON idempotency_keys FOR EACH ROW"
                   " BEGIN IF NEW.state = 'done' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT ="
                   " 'injected fault'; END IF; END");
  const auto before = t.state();
  auto failed = decide(body, "k-fault");
  EXPECT_EQ(failed.status, 503u) << failed.body;
  EXPECT_EQ(failed.code(), "unavailable");
  EXPECT_EQ(t.state(), before) << "changes committed without their answer";
  EXPECT_EQ(status_of("oakfield-primary", "parentpay"), "pending");

  // The fault mended, the client retries with the same key: the batch runs once, and a replay
  // gets that answer.
  t.exec_sql("DROP TRIGGER injected_fault");
  auto retried = decide(body, "k-fault");
  ASSERT_EQ(retried.status, 200u) << retried.body;
  EXPECT_EQ(retried.json()["applied"], 2);
  EXPECT_EQ(status_of("oakfield-primary", "parentpay"), "approved");
  auto replay = decide(body, "k-fault");
  EXPECT_EQ(replay.status, 200u);
  EXPECT_EQ(replay.body, retried.body);
  EXPECT_EQ(replay.header("idempotent-replayed"), "true");
}

TEST_F(BulkApi, AKeyWhoseFirstRequestIsStillRunningIs409UntilItIsStale) {
  accept_terms("oakfield-primary");
  const std::string body = batch({item("oakfield-primary", "parentpay", "approve")});
  // A request with this key and body is running (claimed as the route claims it: scope
  // "bulk-decisions:<trust>", BLAKE2b of the body).
  const auto user = t.store().find_user_by_email(kDana)->id;
  const auto now = t.clock().now();
  const auto claim = t.store().claim_idempotency_key(
      store::IdempotencyRecord{.user_id = user,
                               .scope = "bulk-decisions:oakfield-trust",
                               .key = "k-running",
                               .request_digest = auth::digest_hex(body),
                               .claim_token = "another-replica",
                               .created_at = now,
                               .started_at = now},
      now - std::chrono::minutes(5));
  ASSERT_EQ(claim.claim, store::IdempotencyClaim::claimed);
  const auto before = t.state();
  auto busy = decide(body, "k-running");
  EXPECT_EQ(busy.status, 409u) << busy.body;
  EXPECT_EQ(busy.code(), "idempotency_key_in_progress");
  EXPECT_EQ(t.state(), before);

  // Its process died: five minutes on, a retry takes the key over and runs.
  t.clock().advance(std::chrono::minutes(5) + std::chrono::seconds(1));
  auto retried = decide(body, "k-running");
  EXPECT_EQ(retried.status, 200u) << retried.body;
  EXPECT_EQ(status_of("oakfield-primary", "parentpay"), "approved");
}

TEST_F(BulkApi, MalformedRequestsAreRefusedBeforeAnythingIsRead) {
  const auto before = t.state();
  const std::string one = batch({item("oakfield-primary", "parentpay", "approve")});
  EXPECT_EQ(decide(one, "").code(), "missing_parameter");
  EXPECT_EQ(decide(one, std::string(256, 'k')).code(), "invalid_value");
  EXPECT_EQ(decide(one, "key with spaces").code(), "invalid_value");
  EXPECT_EQ(decide(R"({"items":[]})", "k1").code(), "invalid_value");
  EXPECT_EQ(decide(R"({"items":{}})", "k2").code(), "wrong_type");
  EXPECT_EQ(decide(R"({"items":[{"school":"oakfield-primary","app":"parentpay"}]})", "k3").code(),
            "missing_field");
  EXPECT_EQ(
      decide(R"({"items":[{"school":"a","app":"b","action":"approve","x":"y"}]})", "k4").code(),
      "unknown_field");
  EXPECT_EQ(decide(R"({"items":[{"school":1,"app":"b","action":"approve"}]})", "k5").code(),
            "wrong_type");
  nlohmann::json many = nlohmann::json::array();
  for (int i = 0; i < 5001; ++i)
    many.push_back(item("s", "a", "approve"));
  // About 225 KB: over the server's 64 KiB, within this route's 1 MiB, so the handler sees it.
  const std::string body = nlohmann::json{{"items", many}}.dump();
  ASSERT_GT(body.size(), 64u * 1024);
  auto too_many = decide(body, "k6");
  EXPECT_EQ(too_many.status, 400u) << too_many.body.substr(0, 200);
  EXPECT_EQ(too_many.code(), "invalid_value");
  auto too_large = decide(one + std::string(1024 * 1024, ' '), "k7");
  EXPECT_EQ(too_large.status, 413u);
  EXPECT_EQ(too_large.code(), "body_too_large");
  EXPECT_EQ(t.state(), before);
  // None of those claimed its key.
  accept_terms("oakfield-primary");
  EXPECT_EQ(decide(one, "k3").status, 200u);
}

// ---- The matrix ----

std::vector<std::string> cells(const nlohmann::json& page) {
  std::vector<std::string> out;
  for (const auto& i : page["items"])
    out.push_back(i["school"].get<std::string>() + "/" + i["app"].get<std::string>() + "=" +
                  i["status"].get<std::string>());
  return out;
}

TEST_F(BulkApi, MatrixListsEveryAppAtEverySchoolSortedAndPaged) {
  auto all = t.client().get(kMatrix + "?limit=1000", auth);
  ASSERT_EQ(all.status, 200u) << all.body;
  const auto body = all.json();
  const std::size_t apps = t.app().policy().apps().size();
  EXPECT_EQ(body["total"], 5 * apps);
  ASSERT_EQ(body["items"].size(), 5 * apps);
  EXPECT_TRUE(body["next_after"].is_null());
  const auto everything = cells(body);
  EXPECT_TRUE(std::is_sorted(everything.begin(), everything.end()));
  EXPECT_EQ(body["items"][0]["school"], "hazelwood-primary");
  EXPECT_EQ(body["items"][0]["school_name"], t.store().find_site("hazelwood-primary")->name);
  const auto wonde =
      std::find(everything.begin(), everything.end(), "oakfield-primary/wonde=approved");
  ASSERT_NE(wonde, everything.end());
  EXPECT_NE(std::find(everything.begin(), everything.end(), "oakfield-primary/lgfl=not_requested"),
            everything.end());
  const auto& wonde_item = body["items"][static_cast<std::size_t>(wonde - everything.begin())];
  EXPECT_EQ(wonde_item["app_name"], "Wonde");
  EXPECT_TRUE(wonde_item["decided_at"].is_string());

  std::vector<std::string> paged;
  std::string target = kMatrix + "?limit=7";
  for (int pages = 0; pages < 100; ++pages) {
    auto page = t.client().get(target, auth);
    ASSERT_EQ(page.status, 200u) << page.body;
    const auto got = cells(page.json());
    paged.insert(paged.end(), got.begin(), got.end());
    if (page.json()["next_after"].is_null()) break;
    target = kMatrix + "?limit=7&after=" + page.json()["next_after"].get<std::string>();
  }
  EXPECT_EQ(paged, everything);

  auto approved = t.client().get(kMatrix + "?status=approved", auth).json();
  EXPECT_EQ(cells(approved), (std::vector<std::string>{
                                 "hazelwood-primary/groupcall=approved",
                                 "meadowbank-infant/cpoms=approved",
                                 "oakfield-high/classcharts=approved",
                                 "oakfield-high/wonde=approved",
                                 "oakfield-primary/cpoms=approved",
                                 "oakfield-primary/wonde=approved",
                             }));
  auto one = t.client().get(kMatrix + "?school=millbrook-academy&app=parentpay", auth).json();
  EXPECT_EQ(cells(one), (std::vector<std::string>{"millbrook-academy/parentpay=rejected"}));
  auto never = t.client().get(kMatrix + "?status=not_requested&app=lgfl", auth).json();
  EXPECT_EQ(never["total"], 4);

  EXPECT_EQ(t.client().get(kMatrix + "?status=maybe", auth).code(), "invalid_value");
  EXPECT_EQ(t.client().get(kMatrix + "?app=nope", auth).code(), "unknown_app");
  EXPECT_EQ(t.client().get(kMatrix + "?school=riverside-academy", auth).code(), "unknown_school");
  EXPECT_EQ(t.client().get(kMatrix + "?limit=1001", auth).code(), "invalid_value");
  EXPECT_EQ(t.client().get(kMatrix + "?after=nothing", auth).code(), "invalid_value");
}

// ---- The export ----

TEST_F(BulkApi, ExportListsEveryConnectionsDataTypesWithWhoDecided) {
  accept_terms("oakfield-primary");
  ASSERT_EQ(decide(batch({item("oakfield-primary", "parentpay", "approve")}), "k-export").status,
            200u);
  auto r = t.client().get(kExport, auth);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(r.header("content-disposition"),
            "attachment; filename=\"oakfield-trust-partner-apps.csv\"");
  EXPECT_EQ(r.body.substr(0, r.body.find("\r\n")),
            "school,school_name,app,app_name,status,permission_set_version,data_type,fields,"
            "operations,decided_by,decided_at");
  const auto* parentpay = t.app().policy().find_app("parentpay");
  std::size_t rows = 0;
  std::string row;
  for (std::size_t at = 0; (at = r.body.find("\r\noakfield-primary,", at)) != std::string::npos;
       ++at) {
    const auto line = r.body.substr(at + 2, r.body.find("\r\n", at + 2) - at - 2);
    if (line.find(",parentpay,") != std::string::npos) {
      ++rows;
      row = line;
    }
  }
  EXPECT_EQ(rows, parentpay->permissions.grants().size());
  EXPECT_NE(row.find(",approved,"), std::string::npos) << row;
  const auto dana_user = t.store().find_user_by_email(kDana);
  EXPECT_NE(row.find(dana_user->name + " <" + kDana + ">"), std::string::npos) << row;
  EXPECT_EQ(r.body.find("riverside-academy"), std::string::npos);
}

}  // namespace
}  // namespace canopy::testing
