// A permission set that grows does not cut approved schools off: a school
// approved at an earlier version keeps what it approved, the additions are shown for review
// (app detail and trust matrix) and denied until it approves again, which grants the current
// version. The policies keep the earlier sets under `history:`.
#include <gtest/gtest.h>

#include <fstream>

#include "support/temp_dir.hpp"
#include "support/test_app.hpp"

namespace canopy::testing {
namespace {

const std::string kCpoms = "/api/v1/schools/oakfield-primary/apps/cpoms";

// cpoms's version 2 (the demo's approvals) becomes history, and version 3 adds AttendanceMark
// (read) and update on BehaviouralIncident's fields it already had; Staff loses workEmail.
constexpr char kGrownCpoms[] = R"(app:
  id: cpoms
  name: CPOMS
  vendor: CPOMS Systems Ltd
  kind: partner
  live: true
  competitor: false
permission_set:
  version: 3
  data_types:
    - type: Student
      fields: all
      operations: [read, update]
      purpose: Links each concern to the pupil, and corrects pupils' details found wrong.
    - type: Staff
      fields: [title, firstName, lastName, jobTitle]
      operations: [read]
      purpose: Names the staff who record and follow up concerns.
    - type: BehaviouralIncident
      fields: all
      operations: [read, write, update]
      purpose: Records safeguarding concerns and updates them as they are handled.
    - type: MedicalCondition
      fields: all
      operations: [read]
      purpose: Shows medical needs beside concerns.
    - type: AttendanceMark
      fields: all
      operations: [read]
      purpose: Shows attendance beside concerns, so patterns of absence are seen early.
history:
  - version: 2
    data_types:
      - type: Student
        fields: all
        operations: [read]
      - type: Staff
        fields: [title, firstName, lastName, workEmail, jobTitle]
        operations: [read]
      - type: BehaviouralIncident
        fields: all
        operations: [read, write, update]
      - type: MedicalCondition
        fields: all
        operations: [read]
)";

std::filesystem::path grown_policies(const TempDir& dir) {
  const auto root = copy_of_policies(dir.path());
  std::ofstream(root / "apps" / "cpoms.yaml") << kGrownCpoms;
  return root;
}

class PolicyRollout : public ::testing::Test {
 protected:
  void SetUp() override {
    // Oakfield Primary approved CPOMS at version 2, before the policies moved on (the import
    // records approvals at the current version).
    auto c = t.store().find_connection("oakfield-primary", "cpoms");
    ASSERT_TRUE(c.has_value());
    ASSERT_EQ(c->status, ConnectionStatus::approved);
    store::ConnectionChange change{.school_id = "oakfield-primary",
                                   .app_id = "cpoms",
                                   .expected_revision = c->revision,
                                   .to = ConnectionStatus::approved,
                                   .permission_set_version = 2,
                                   .at = t.clock().now()};
    store::AuditRecord audit{.school_id = "oakfield-primary",
                             .app_id = "cpoms",
                             .actor_kind = store::ActorKind::system,
                             .actor = "test",
                             .actor_site = "oakfield-primary",
                             .actor_role = "system",
                             .action = "import",
                             .from_status = ConnectionStatus::approved,
                             .to_status = ConnectionStatus::approved,
                             .permission_set_version = 2,
                             .at = t.clock().now(),
                             .request_id = "test"};
    ASSERT_TRUE(t.store().apply(change, audit).has_value());
  }

  TempDir dir;
  TestApp t{[this](cli::AppConfig& c) { c.policies = grown_policies(dir); }};
  std::string token = t.sign_in(kAmir);
  Headers auth = bearer(token);

  std::string decide(const std::string& data_type, const std::string& operation,
                     const std::string& field = "") {
    const auto r = t.client().get(
        "/internal/v1/decisions?app=cpoms&school=oakfield-primary&data_type=" + data_type +
            "&operation=" + operation + (field.empty() ? "" : "&field=" + field),
        bearer(kServiceToken));
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json()["allow"] ? "allow" : r.json()["reason"].get<std::string>();
  }
};

TEST_F(PolicyRollout, AGrownSetKeepsTheSchoolOnWhatItApprovedUntilItApprovesAgain) {
  // What versions 2 and 3 both grant goes on being allowed.
  EXPECT_EQ(decide("Student", "read", "firstName"), "allow");
  EXPECT_EQ(decide("BehaviouralIncident", "write"), "allow");
  // What version 3 adds waits; what it dropped is gone at once.
  EXPECT_EQ(decide("AttendanceMark", "read"), "reconsent_required");
  EXPECT_EQ(decide("Student", "update", "firstName"), "reconsent_required");
  EXPECT_EQ(decide("Staff", "read", "workEmail"), "field_not_granted");

  const auto detail = t.client().get(kCpoms, auth);
  ASSERT_EQ(detail.status, 200u) << detail.body;
  const auto body = detail.json();
  EXPECT_EQ(body["status"], "approved");
  EXPECT_EQ(body["permission_set_version"], 2);
  EXPECT_EQ(body["current_permission_set_version"], 3);
  EXPECT_EQ(body["permissions_for_review"], nlohmann::json::parse(R"([
              {"data_type": "AttendanceMark", "fields": "all", "read": true, "write": false,
               "update": false, "delete": false,
               "purpose": "Shows attendance beside concerns, so patterns of absence are seen early."},
              {"data_type": "Student", "fields": "all", "read": false, "write": false,
               "update": true, "delete": false,
               "purpose": "Links each concern to the pupil, and corrects pupils' details found wrong."}])"))
      << body["permissions_for_review"].dump();
  ASSERT_FALSE(body["warnings"].empty());

  // The trust matrix shows the same for the cell.
  const auto dana = t.sign_in(kDana);
  const auto matrix = t.client().get("/api/v1/trusts/oakfield-trust/apps?app=cpoms", bearer(dana));
  ASSERT_EQ(matrix.status, 200u) << matrix.body;
  bool seen = false;
  const auto cells = matrix.json()["items"];
  for (const auto& cell : cells) {
    if (cell["school"] != "oakfield-primary") continue;
    seen = true;
    EXPECT_EQ(cell["permissions_for_review"], body["permissions_for_review"]);
  }
  EXPECT_TRUE(seen) << matrix.body;

  // Approving again grants version 3: nothing is left for review, the additions are allowed.
  const auto approved = t.client().post_json(kCpoms + "/approve", "{}", auth);
  ASSERT_EQ(approved.status, 200u) << approved.body;
  const auto after = t.client().get(kCpoms, auth).json();
  EXPECT_EQ(after["permission_set_version"], 3);
  EXPECT_EQ(after["permissions_for_review"], nlohmann::json::array());
  EXPECT_EQ(decide("AttendanceMark", "read"), "allow");
  EXPECT_EQ(decide("Student", "update", "firstName"), "allow");
}

// The partner sees which schools have its new version to review, a page at a time, and every
// purpose its current set gives is in the slide-over's table.
TEST_F(PolicyRollout, APartnerListsTheSchoolsWithItsNewVersionToReview) {
  const auto list = [&](const std::string& query) {
    const auto r =
        t.client().get("/partner/v1/connections" + query, basic("cpoms", kPartnerSecret));
    EXPECT_EQ(r.status, 200u) << r.body;
    const auto body = r.json();  // kept: a range-for over a temporary's member would dangle
    std::vector<std::string> schools;
    for (const auto& item : body["items"])
      schools.push_back(item["school"]);
    return std::pair(schools, body["next_after"]);
  };
  const auto [review, end] = list("?status=permissions_for_review");
  EXPECT_EQ(review, std::vector<std::string>{"oakfield-primary"});
  EXPECT_TRUE(end.is_null());
  const auto item = t.client()
                        .get("/partner/v1/connections?status=permissions_for_review",
                             basic("cpoms", kPartnerSecret))
                        .json()["items"][0];
  EXPECT_EQ(item["permission_set_version"], 2);
  EXPECT_EQ(item["current_permission_set_version"], 3);
  // Every approved school, a page at a time.
  const auto [first, next] = list("?status=approved&limit=1");
  ASSERT_EQ(first.size(), 1u);
  ASSERT_TRUE(next.is_string());
  const auto [second, _] = list("?status=approved&limit=1&after=" + next.get<std::string>());
  ASSERT_EQ(second.size(), 1u);
  EXPECT_LT(first[0], second[0]);
  // Only its own connections, and a status it knows.
  EXPECT_EQ(list("?status=pending").first.size(), 0u);
  EXPECT_EQ(
      t.client().get("/partner/v1/connections?status=lost", basic("cpoms", kPartnerSecret)).code(),
      "invalid_value");
  EXPECT_EQ(t.client().get("/partner/v1/connections").status, 401u);

  // Approved again, the school has nothing left to review.
  ASSERT_EQ(t.client().post_json(kCpoms + "/approve", "{}", auth).status, 200u);
  EXPECT_TRUE(list("?status=permissions_for_review").first.empty());

  const auto detail = t.client().get(kCpoms, auth).json();
  for (const auto& row : detail["permissions"])
    EXPECT_FALSE(row["purpose"].get<std::string>().empty()) << row.dump();
}

}  // namespace
}  // namespace canopy::testing

namespace canopy::testing {
namespace {

// The policies are reloaded in place: POST /internal/v1/policies/reload (what `canopy policies
// reload` sends).
class PolicyReload : public ::testing::Test {
 protected:
  TempDir dir;
  std::filesystem::path policies = copy_of_policies(dir.path());
  TestApp t{[this](cli::AppConfig& c) { c.policies = policies; }};

  HttpResult reload(const Headers& headers = bearer(kServiceToken)) {
    return t.client().request("POST", "/internal/v1/policies/reload", {}, headers);
  }
  std::string decide(const std::string& data_type) {
    const auto r = t.client().get(
        "/internal/v1/decisions?app=cpoms&school=oakfield-primary&data_type=" + data_type +
            "&operation=read",
        bearer(kServiceToken));
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json()["allow"] ? "allow" : r.json()["reason"].get<std::string>();
  }
};

TEST_F(PolicyReload, AGrownSetIsInForceAtOnceWithoutARestart) {
  EXPECT_EQ(decide("AttendanceMark"), "data_type_not_granted");
  const auto before = reload();
  ASSERT_EQ(before.status, 200u) << before.body;
  std::ofstream(policies / "apps" / "cpoms.yaml") << kGrownCpoms;
  const auto after = reload();
  ASSERT_EQ(after.status, 200u) << after.body;
  EXPECT_NE(after.json()["digest"], before.json()["digest"]);
  EXPECT_EQ(after.json()["reloads"], 2);
  EXPECT_EQ(t.app().policy().find_app("cpoms")->permissions.version(), 3);
  // Oakfield Primary approved version 2: it keeps that, and the addition waits for it.
  EXPECT_EQ(decide("Student"), "allow");
  EXPECT_EQ(decide("AttendanceMark"), "reconsent_required");
}

TEST_F(PolicyReload, FilesThatDoNotValidateChangeNothing) {
  std::ofstream(policies / "apps" / "cpoms.yaml")
      << std::string(kGrownCpoms)
             .replace(std::string(kGrownCpoms).find("AttendanceMark"), 14, "Pupil");
  const auto r = reload();
  ASSERT_EQ(r.status, 422u) << r.body;
  EXPECT_EQ(r.code(), "invalid_policies");
  const auto errors = r.json()["errors"];
  ASSERT_FALSE(errors.empty());
  EXPECT_NE(errors[0].get<std::string>().find("cpoms.yaml:"), std::string::npos) << r.body;
  EXPECT_NE(errors[0].get<std::string>().find("unknown data type 'Pupil'"), std::string::npos);
  EXPECT_EQ(t.app().policy().find_app("cpoms")->permissions.version(), 2);
  EXPECT_EQ(decide("Student"), "allow");
}

// The store keeps what each version granted: a version edited in place is refused, and one the
// files drop still decides for the schools that approved it.
TEST_F(PolicyReload, AVersionEditedInPlaceIsRefusedAndADroppedOneStillDecides) {
  const std::string grown = kGrownCpoms;
  const std::string without_history = grown.substr(0, grown.find("history:"));
  // Version 2 given AttendanceMark without a new version number.
  std::string edited = without_history;
  edited.replace(edited.find("version: 3"), 10, "version: 2");
  std::ofstream(policies / "apps" / "cpoms.yaml") << edited;
  const auto refused = reload();
  ASSERT_EQ(refused.status, 422u) << refused.body;
  EXPECT_EQ(refused.json()["errors"][0].get<std::string>().rfind(
                "apps/cpoms.yaml: version 2 grants other than the set recorded on ", 0),
            0u)
      << refused.body;
  EXPECT_EQ(decide("AttendanceMark"), "data_type_not_granted");

  // Version 3 without version 2 under history: the store's record of 2 decides.
  std::ofstream(policies / "apps" / "cpoms.yaml") << without_history;
  ASSERT_EQ(reload().status, 200u);
  EXPECT_EQ(decide("Student"), "allow");
  EXPECT_EQ(decide("AttendanceMark"), "reconsent_required");
  EXPECT_NE(t.app().policy().find_app("cpoms")->permissions_at(2), nullptr);
}

TEST_F(PolicyReload, OnlyTheServiceTokenMayAsk) {
  EXPECT_EQ(reload({}).status, 401u);
  EXPECT_EQ(reload(bearer(t.sign_in(kAmir))).status, 401u);
  const auto query =
      t.client().request("POST", "/internal/v1/policies/reload?now=1", {}, bearer(kServiceToken));
  EXPECT_EQ(query.status, 400u);
  EXPECT_EQ(query.code(), "unknown_parameter");
}

}  // namespace
}  // namespace canopy::testing
