// Tests canopy::policy::load_policies: the repo's policies, and "file:line: message" errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "policy/snapshot.hpp"
#include "support/temp_dir.hpp"

namespace canopy::policy {
namespace {

namespace fs = std::filesystem;

std::string dump(const std::vector<std::string>& errors) {
  std::string out;
  for (const auto& e : errors)
    out += "\n  " + e;
  return out.empty() ? " (no errors)" : out;
}

constexpr char kPermissions[] =
    "permissions:\n"
    "  - name: \"School: User Accounts: Administer\"\n"
    "    description: Manage the school's users.\n"
    "  - name: \"User Details: Manage All Users\"\n";

constexpr char kRoles[] =
    "business_roles:\n"
    "  - id: school_administrator\n"
    "    name: School Administrator\n"
    "    site_kind: school\n"
    "    permissions: [\"School: User Accounts: Administer\"]\n"
    "  - id: trust_central_team\n"
    "    name: Trust Central Team\n"
    "    site_kind: trust\n"
    "    permissions: [\"User Details: Manage All Users\"]\n";

constexpr char kDataTypes[] =
    "data_types:\n"
    "  - name: Student\n"
    "    fields: [firstName, lastName, yearGroup]\n"
    "  - name: Staff\n"
    "    fields: [firstName, lastName, workEmail]\n";

// Line numbers of this text are used below: keep them stable.
std::string partner(const std::string& id) {
  return "app:\n"  // 1
         "  id: " +
         id +
         "\n"  // 2
         "  name: Partner " +
         id +
         "\n"                                     // 3
         "  vendor: Vendor Ltd\n"                 // 4
         "  kind: partner\n"                      // 5
         "  live: true\n"                         // 6
         "  competitor: false\n"                  // 7
         "permission_set:\n"                      // 8
         "  version: 2\n"                         // 9
         "  data_types:\n"                        // 10
         "    - type: Student\n"                  // 11
         "      fields: [firstName, lastName]\n"  // 12
         "      operations: [read, update]\n"     // 13
         "    - type: Staff\n"                    // 14
         "      fields: all\n"                    // 15
         "      operations: [read]\n";            // 16
}

class PolicyLoader : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("permissions.yaml", kPermissions);
    dir_.write("business_roles.yaml", kRoles);
    dir_.write("data_types.yaml", kDataTypes);
    dir_.write("apps/classcharts.yaml", partner("classcharts"));
  }

  std::string file(const std::string& relative) const { return (dir_.path() / relative).string(); }
  LoadResult load() const { return load_policies(dir_.path()); }

  // Loads and expects exactly one error, equal to `file:line: message`, and no snapshot.
  void expect_only_error(const std::string& relative, int line, const std::string& message) {
    const auto result = load();
    EXPECT_EQ(result.snapshot, nullptr);
    ASSERT_EQ(result.errors.size(), 1u) << dump(result.errors);
    EXPECT_EQ(result.errors[0], file(relative) + ":" + std::to_string(line) + ": " + message);
  }

  testing::TempDir dir_;
};

bool has_error(const std::vector<std::string>& errors, const std::string& prefix,
               const std::string& contains) {
  return std::any_of(errors.begin(), errors.end(), [&](const std::string& e) {
    return e.starts_with(prefix) && e.find(contains) != std::string::npos;
  });
}

TEST(PolicyRepo, RealPoliciesLoadWithoutErrors) {
  const auto result = load_policies(fs::path(CANOPY_SOURCE_DIR) / "policies");
  ASSERT_TRUE(result.errors.empty()) << dump(result.errors);
  ASSERT_NE(result.snapshot, nullptr);
  const auto& policy = *result.snapshot;

  EXPECT_GE(policy.apps().size(), 12u);
  EXPECT_TRUE(std::is_sorted(policy.apps().begin(), policy.apps().end(),
                             [](const App& a, const App& b) { return a.id < b.id; }));
  EXPECT_TRUE(std::any_of(policy.apps().begin(), policy.apps().end(),
                          [](const App& a) { return a.competitor; }));
  EXPECT_TRUE(std::any_of(policy.apps().begin(), policy.apps().end(),
                          [](const App& a) { return !a.live; }));

  int providers = 0;
  for (const auto& app : policy.apps()) {
    EXPECT_GE(app.permissions.version(), 1) << app.id;
    EXPECT_FALSE(app.permissions.grants().empty()) << app.id;
    if (app.kind != AppKind::data_provider) continue;
    ++providers;
    for (const auto& grant : app.permissions.grants()) {
      EXPECT_TRUE(grant.operations.only_read()) << app.id << " " << grant.data_type;
    }
  }
  EXPECT_GE(providers, 2);

  const App* rival = policy.find_app("rival-mis");
  ASSERT_NE(rival, nullptr);
  EXPECT_TRUE(rival->competitor);
  const App* lessonloop = policy.find_app("lessonloop");
  ASSERT_NE(lessonloop, nullptr);
  EXPECT_FALSE(lessonloop->live);
  const App* wonde = policy.find_app("wonde");
  ASSERT_NE(wonde, nullptr);
  EXPECT_EQ(wonde->kind, AppKind::data_provider);
  EXPECT_EQ(wonde->permissions.version(), 4);
  EXPECT_EQ(policy.find_app("no-such-app"), nullptr);

  const BusinessRole* admin = policy.find_role("school_administrator");
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(admin->site_kind, SiteKind::school);
  EXPECT_TRUE(admin->holds(kAdministerSchoolUsers));
  const BusinessRole* central = policy.find_role("trust_central_team");
  ASSERT_NE(central, nullptr);
  EXPECT_EQ(central->site_kind, SiteKind::trust);
  EXPECT_TRUE(central->holds(kManageAllUsers));
  const DataTypeDef* student = policy.find_data_type("Student");
  ASSERT_NE(student, nullptr);
  EXPECT_EQ(student->fields.front(), "firstName");

  // Every all-fields grant lists exactly the catalogue's fields of its type.
  for (const auto& app : policy.apps()) {
    for (const auto& grant : app.permissions.grants()) {
      const DataTypeDef* def = policy.find_data_type(grant.data_type);
      ASSERT_NE(def, nullptr) << app.id << " " << grant.data_type;
      if (!grant.all_fields) continue;
      auto want = def->fields;
      std::sort(want.begin(), want.end());
      EXPECT_EQ(grant.fields, want) << app.id << " " << grant.data_type;
    }
  }
}

TEST_F(PolicyLoader, MinimalDirectoryLoads) {
  const auto result = load();
  ASSERT_TRUE(result.errors.empty()) << dump(result.errors);
  ASSERT_NE(result.snapshot, nullptr);
  const App* app = result.snapshot->find_app("classcharts");
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->name, "Partner classcharts");
  EXPECT_EQ(app->kind, AppKind::partner);
  EXPECT_TRUE(app->live);
  EXPECT_FALSE(app->competitor);
  EXPECT_FALSE(app->alternative_connection);
  EXPECT_EQ(app->permissions.version(), 2);
  EXPECT_EQ(app->permissions.check("Student", "firstName", Operation::update),
            GrantVerdict::granted);
  EXPECT_EQ(app->permissions.check("Student", "yearGroup", Operation::read),
            GrantVerdict::field_not_granted);
  EXPECT_EQ(app->permissions.check("Staff", "workEmail", Operation::read), GrantVerdict::granted);
  // "fields: all" is spelled out from the catalogue, and grants nothing the catalogue lacks.
  const DataTypeGrant* staff = app->permissions.find("Staff");
  ASSERT_NE(staff, nullptr);
  EXPECT_TRUE(staff->all_fields);
  EXPECT_EQ(staff->fields, (std::vector<std::string>{"firstName", "lastName", "workEmail"}));
  EXPECT_EQ(app->permissions.check("Staff", "shoeSize", Operation::read),
            GrantVerdict::field_not_granted);
  const DataTypeGrant* student = app->permissions.find("Student");
  ASSERT_NE(student, nullptr);
  EXPECT_FALSE(student->all_fields);
  EXPECT_EQ(result.snapshot->roles().size(), 2u);
  EXPECT_EQ(result.snapshot->permissions().size(), 2u);
  EXPECT_EQ(result.snapshot->data_types().size(), 2u);
}

TEST_F(PolicyLoader, DataProviderGrantedUpdateNamesFileAndLine) {
  dir_.write("apps/wonde.yaml",
             "app:\n"                              // 1
             "  id: wonde\n"                       // 2
             "  name: Wonde\n"                     // 3
             "  vendor: Wonde Ltd\n"               // 4
             "  kind: data_provider\n"             // 5
             "  live: true\n"                      // 6
             "  competitor: false\n"               // 7
             "permission_set:\n"                   // 8
             "  version: 4\n"                      // 9
             "  data_types:\n"                     // 10
             "    - type: Student\n"               // 11
             "      operations: [read, update]\n"  // 12
             "      fields: all\n");               // 13
  const auto result = load();
  EXPECT_EQ(result.snapshot, nullptr);
  ASSERT_EQ(result.errors.size(), 1u) << dump(result.errors);
  const std::string prefix = file("apps/wonde.yaml") + ":12: ";
  EXPECT_TRUE(result.errors[0].starts_with(prefix)) << result.errors[0];
  EXPECT_NE(result.errors[0].find("may only read"), std::string::npos) << result.errors[0];
  EXPECT_EQ(result.errors[0],
            prefix + "data provider 'wonde' may only read; 'update' on Student is not allowed");
}

TEST_F(PolicyLoader, DataProviderErrorPointsAtTheOffendingOperationLine) {
  dir_.write("apps/groupcall.yaml",
             "app:\n"                     // 1
             "  id: groupcall\n"          // 2
             "  name: Groupcall\n"        // 3
             "  vendor: Groupcall Ltd\n"  // 4
             "  kind: data_provider\n"    // 5
             "  live: true\n"             // 6
             "  competitor: false\n"      // 7
             "permission_set:\n"          // 8
             "  version: 1\n"             // 9
             "  data_types:\n"            // 10
             "    - type: Staff\n"        // 11
             "      fields: all\n"        // 12
             "      operations:\n"        // 13
             "        - read\n"           // 14
             "        - write\n"          // 15
             "        - delete\n");       // 16
  const auto result = load();
  EXPECT_EQ(result.snapshot, nullptr);
  ASSERT_EQ(result.errors.size(), 2u) << dump(result.errors);
  EXPECT_EQ(result.errors[0], file("apps/groupcall.yaml") +
                                  ":15: data provider 'groupcall' may only read; 'write' on Staff "
                                  "is not allowed");
  EXPECT_EQ(result.errors[1], file("apps/groupcall.yaml") +
                                  ":16: data provider 'groupcall' may only read; 'delete' on Staff "
                                  "is not allowed");
}

// The alternative connection's redirect URIs: exact https URLs (http on localhost only),
// each refused with its file, line and reason.
TEST_F(PolicyLoader, RedirectUrisAreExactHttpsUrls) {
  const auto app = [](const std::string& extra) {
    return "app:\n"
           "  id: hodder\n"
           "  name: Hodder\n"
           "  vendor: Hodder Education\n"
           "  kind: partner\n"
           "  live: true\n"
           "  competitor: false\n" +
           extra +
           "permission_set:\n"
           "  version: 1\n"
           "  data_types:\n"
           "    - type: Staff\n"
           "      fields: all\n"
           "      operations: [read]\n";
  };
  dir_.write("apps/hodder.yaml", app("  alternative_connection: true\n"
                                     "  redirect_uris:\n"
                                     "    - https://hodder.example/arbor/done?x=1\n"
                                     "    - http://localhost:3000/done\n"
                                     "    - http://127.0.0.1:8000/cb\n"));
  auto ok = load();
  ASSERT_TRUE(ok.errors.empty()) << dump(ok.errors);
  EXPECT_EQ(ok.snapshot->find_app("hodder")->redirect_uris,
            (std::vector<std::string>{"https://hodder.example/arbor/done?x=1",
                                      "http://localhost:3000/done", "http://127.0.0.1:8000/cb"}));

  dir_.write("apps/hodder.yaml", app("  alternative_connection: true\n"  // 8
                                     "  redirect_uris:\n"                // 9
                                     "    - http://hodder.example/cb\n"  // 10
                                     "    - https://u:p@hodder.example/\n"
                                     "    - https://hodder.example/cb#x\n"
                                     "    - /relative\n"
                                     "    - https://\n"
                                     "    - javascript:alert(1)\n"));
  auto bad = load();
  EXPECT_EQ(bad.snapshot, nullptr);
  ASSERT_EQ(bad.errors.size(), 6u) << dump(bad.errors);
  EXPECT_EQ(bad.errors[0], file("apps/hodder.yaml") +
                               ":10: redirect_uris: 'http://hodder.example/cb' is http on a host "
                               "other than localhost (use https)");
  EXPECT_NE(bad.errors[1].find("holds credentials"), std::string::npos) << bad.errors[1];
  EXPECT_NE(bad.errors[2].find("has a fragment"), std::string::npos) << bad.errors[2];
  EXPECT_NE(bad.errors[3].find("is not an absolute https URL"), std::string::npos);
  EXPECT_NE(bad.errors[4].find("has no host"), std::string::npos) << bad.errors[4];
  EXPECT_NE(bad.errors[5].find("is not an absolute https URL"), std::string::npos);

  dir_.write("apps/hodder.yaml", app("  redirect_uris: [https://hodder.example/cb]\n"));
  auto without = load();
  ASSERT_EQ(without.errors.size(), 1u) << dump(without.errors);
  EXPECT_NE(without.errors[0].find("redirect_uris need alternative_connection: true"),
            std::string::npos);
}

TEST_F(PolicyLoader, DataProviderMayRead) {
  dir_.write("apps/wonde.yaml",
             "app:\n  id: wonde\n  name: Wonde\n  vendor: Wonde Ltd\n  kind: data_provider\n"
             "  live: true\n  competitor: false\npermission_set:\n  version: 4\n  data_types:\n"
             "    - type: Student\n      fields: all\n      operations: [read]\n");
  const auto result = load();
  ASSERT_TRUE(result.errors.empty()) << dump(result.errors);
  ASSERT_NE(result.snapshot->find_app("wonde"), nullptr);
  EXPECT_EQ(result.snapshot->find_app("wonde")->kind, AppKind::data_provider);
}

TEST_F(PolicyLoader, UnknownKeyInApp) {
  std::string text = partner("classcharts");
  text.insert(text.find("  kind:"), "  colour: green\n");  // becomes line 5
  dir_.write("apps/classcharts.yaml", text);
  expect_only_error("apps/classcharts.yaml", 5, "unknown key 'colour' in app");
}

TEST_F(PolicyLoader, UnknownKeyInGrant) {
  std::string text = partner("classcharts");
  text.insert(text.find("      operations: [read, update]"), "      note: seating plans\n");  // 13
  dir_.write("apps/classcharts.yaml", text);
  expect_only_error("apps/classcharts.yaml", 13, "unknown key 'note' in a data type grant");
}

// A data type's purpose is kept with the current set, for schools to read: one line, 1 to 200
// bytes; anything else is refused where it stands.
TEST_F(PolicyLoader, APurposeIsOnePlainLineOfAtMost200Bytes) {
  std::string text = partner("classcharts");
  text.insert(text.find("      operations: [read, update]"),
              "      purpose: Builds seating plans from the school's classes.\n");  // 13
  dir_.write("apps/classcharts.yaml", text);
  auto result = load();
  ASSERT_TRUE(result.errors.empty()) << dump(result.errors);
  const auto& grants = result.snapshot->find_app("classcharts")->permissions.grants();
  const auto with = std::find_if(grants.begin(), grants.end(),
                                 [](const DataTypeGrant& g) { return !g.purpose.empty(); });
  ASSERT_NE(with, grants.end());
  EXPECT_EQ(with->purpose, "Builds seating plans from the school's classes.");

  const std::string size = "purpose must say in 1 to 200 bytes why the app needs this data";
  const std::pair<std::string, std::string> bad[] = {
      {std::string(201, 'x'), size},
      {"\"\"", "'purpose' must be a non-empty string"},
      {"\"two\\nlines\"", "purpose must be one line of plain text"}};
  for (const auto& [purpose, message] : bad) {
    std::string wrong = partner("classcharts");
    wrong.insert(wrong.find("      operations: [read, update]"),
                 "      purpose: " + purpose + "\n");
    dir_.write("apps/classcharts.yaml", wrong);
    expect_only_error("apps/classcharts.yaml", 13, message);
  }
}

TEST_F(PolicyLoader, UnknownKeyAtTopLevelOfAnAppFile) {
  dir_.write("apps/classcharts.yaml", partner("classcharts") + "extra: true\n");  // line 17
  expect_only_error("apps/classcharts.yaml", 17, "unknown key 'extra' in an app file");
}

TEST_F(PolicyLoader, UnknownKeyAtTopLevelOfPermissions) {
  dir_.write("permissions.yaml", std::string("version: 1\n") + kPermissions);
  const auto result = load();
  EXPECT_EQ(result.snapshot, nullptr);
  ASSERT_FALSE(result.errors.empty());
  EXPECT_EQ(result.errors[0],
            file("permissions.yaml") + ":1: unknown key 'version' in permissions.yaml");
}

TEST_F(PolicyLoader, MisspeltKeyIsUnknownAndTheRealKeyMissing) {
  std::string text = partner("classcharts");
  text.replace(text.find("  vendor:"), 9, "  vendr:");  // line 4
  dir_.write("apps/classcharts.yaml", text);
  const auto result = load();
  EXPECT_EQ(result.snapshot, nullptr);
  ASSERT_EQ(result.errors.size(), 2u) << dump(result.errors);
  EXPECT_EQ(result.errors[0], file("apps/classcharts.yaml") + ":4: unknown key 'vendr' in app");
  EXPECT_EQ(result.errors[1], file("apps/classcharts.yaml") + ":2: app is missing 'vendor'");
}

TEST_F(PolicyLoader, UnknownOperation) {
  std::string text = partner("classcharts");
  text.replace(text.find("[read, update]"), 14, "[read, remove]");  // line 13
  dir_.write("apps/classcharts.yaml", text);
  expect_only_error("apps/classcharts.yaml", 13,
                    "unknown operation 'remove' (read, write, update or delete)");
}

TEST_F(PolicyLoader, OperationNamesAreCaseSensitive) {
  std::string text = partner("classcharts");
  text.replace(text.find("[read]"), 6, "[Delete]");  // line 16
  dir_.write("apps/classcharts.yaml", text);
  expect_only_error("apps/classcharts.yaml", 16,
                    "unknown operation 'Delete' (read, write, update or delete)");
}

TEST_F(PolicyLoader, DuplicateAppId) {
  dir_.write("apps/cpoms.yaml", partner("classcharts"));
  const auto result = load();
  EXPECT_EQ(result.snapshot, nullptr);
  // apps/ is read in file-name order: classcharts.yaml claims the id first.
  EXPECT_TRUE(
      has_error(result.errors, file("apps/cpoms.yaml") + ":2: ", "duplicate app id 'classcharts'"))
      << dump(result.errors);
  EXPECT_FALSE(has_error(result.errors, file("apps/classcharts.yaml"), "")) << dump(result.errors);
}

TEST_F(PolicyLoader, AppIdMustMatchFileName) {
  dir_.write("apps/classcharts.yaml", partner("class-charts"));
  expect_only_error("apps/classcharts.yaml", 2,
                    "app id 'class-charts' must match the file name 'classcharts.yaml'");
}

TEST_F(PolicyLoader, AppIdMustBeASlug) {
  dir_.write("apps/classcharts.yaml", partner("ClassCharts"));
  expect_only_error("apps/classcharts.yaml", 2,
                    "app id 'ClassCharts' must be lower-case letters, digits, '-' and '_'");
}

TEST_F(PolicyLoader, RoleNamingUnknownPermission) {
  dir_.write("business_roles.yaml",
             "business_roles:\n"                                // 1
             "  - id: school_office\n"                          // 2
             "    name: School Office\n"                        // 3
             "    site_kind: school\n"                          // 4
             "    permissions:\n"                               // 5
             "      - \"School: User Accounts: Administer\"\n"  // 6
             "      - \"School: Lunch: Eat\"\n");               // 7
  expect_only_error("business_roles.yaml", 7,
                    "role 'school_office' names unknown permission 'School: Lunch: Eat'");
}

TEST_F(PolicyLoader, RoleSiteKindMustBeSchoolOrTrust) {
  std::string roles = kRoles;
  roles.replace(roles.find("site_kind: trust"), 16, "site_kind: region");  // line 8
  dir_.write("business_roles.yaml", roles);
  expect_only_error("business_roles.yaml", 8, "site_kind must be school or trust, not 'region'");
}

TEST_F(PolicyLoader, UnknownDataType) {
  std::string text = partner("classcharts");
  text.replace(text.find("type: Staff"), 11, "type: Pupil");  // line 14
  dir_.write("apps/classcharts.yaml", text);
  expect_only_error("apps/classcharts.yaml", 14, "unknown data type 'Pupil'");
}

TEST_F(PolicyLoader, UnknownField) {
  std::string text = partner("classcharts");
  text.replace(text.find("[firstName, lastName]"), 21, "\n        - firstName\n        - shoeSize");
  // fields: (12) / - firstName (13) / - shoeSize (14)
  dir_.write("apps/classcharts.yaml", text);
  expect_only_error("apps/classcharts.yaml", 14, "unknown field 'shoeSize' of data type 'Student'");
}

TEST_F(PolicyLoader, FieldOfAnotherDataTypeIsUnknown) {
  std::string text = partner("classcharts");
  text.replace(text.find("[firstName, lastName]"), 21, "[firstName, workEmail]");  // line 12
  dir_.write("apps/classcharts.yaml", text);
  expect_only_error("apps/classcharts.yaml", 12,
                    "unknown field 'workEmail' of data type 'Student'");
}

TEST_F(PolicyLoader, DuplicateDataTypeInASet) {
  dir_.write("apps/classcharts.yaml", partner("classcharts") +
                                          "    - type: Student\n"  // 17
                                          "      fields: all\n"    // 18
                                          "      operations: [read]\n");
  expect_only_error("apps/classcharts.yaml", 17, "data type 'Student' is listed twice");
}

TEST_F(PolicyLoader, NonIntegerVersion) {
  std::string text = partner("classcharts");
  text.replace(text.find("version: 2"), 10, "version: two");  // line 9
  dir_.write("apps/classcharts.yaml", text);
  expect_only_error("apps/classcharts.yaml", 9, "'version' must be an integer");
}

TEST_F(PolicyLoader, FractionalVersion) {
  std::string text = partner("classcharts");
  text.replace(text.find("version: 2"), 10, "version: 2.5");
  dir_.write("apps/classcharts.yaml", text);
  expect_only_error("apps/classcharts.yaml", 9, "'version' must be an integer");
}

TEST_F(PolicyLoader, VersionMustBePositive) {
  std::string text = partner("classcharts");
  text.replace(text.find("version: 2"), 10, "version: 0");
  dir_.write("apps/classcharts.yaml", text);
  expect_only_error("apps/classcharts.yaml", 9,
                    "permission set version must be a positive integer");
}

TEST_F(PolicyLoader, NonBooleanLive) {
  std::string text = partner("classcharts");
  text.replace(text.find("live: true"), 10, "live: yes");  // line 6
  dir_.write("apps/classcharts.yaml", text);
  expect_only_error("apps/classcharts.yaml", 6, "'live' must be true or false");
}

TEST_F(PolicyLoader, YamlSyntaxError) {
  dir_.write("apps/classcharts.yaml",
             "app:\n"                   // 1
             "  id: classcharts\n"      // 2
             "  name: [Class Charts\n"  // 3: the flow sequence is never closed
             "  vendor: Edukey\n");     // 4
  const auto result = load();
  EXPECT_EQ(result.snapshot, nullptr);
  ASSERT_EQ(result.errors.size(), 1u) << dump(result.errors);
  const std::string prefix = file("apps/classcharts.yaml") + ":";
  ASSERT_TRUE(result.errors[0].starts_with(prefix)) << result.errors[0];
  // yaml-cpp reports where it gave up: somewhere at or after the opening bracket.
  const int line = std::stoi(result.errors[0].substr(prefix.size()));
  EXPECT_GE(line, 3) << result.errors[0];
  EXPECT_LE(line, 5) << result.errors[0];
}

TEST_F(PolicyLoader, YamlSyntaxErrorOnAKnownLine) {
  dir_.write("data_types.yaml",
             "data_types:\n"                        // 1
             "  - name: Student\n"                  // 2
             "    fields: [firstName, lastName]\n"  // 3
             "  - name: Staff: Teaching\n");        // 4: a second ':' in a plain scalar
  const auto result = load();
  EXPECT_EQ(result.snapshot, nullptr);
  ASSERT_FALSE(result.errors.empty());
  EXPECT_TRUE(result.errors[0].starts_with(file("data_types.yaml") + ":4: "))
      << dump(result.errors);
}

TEST_F(PolicyLoader, MissingRequiredKey) {
  std::string text = partner("classcharts");
  text.erase(text.find("  competitor: false\n"), 20);
  dir_.write("apps/classcharts.yaml", text);
  // Reported at the start of the map that lacks it.
  expect_only_error("apps/classcharts.yaml", 2, "app is missing 'competitor'");
}

TEST_F(PolicyLoader, MissingPermissionSet) {
  std::string text = partner("classcharts");
  text.erase(text.find("permission_set:"));
  dir_.write("apps/classcharts.yaml", text);
  expect_only_error("apps/classcharts.yaml", 1, "an app file is missing 'permission_set'");
}

TEST_F(PolicyLoader, MissingOperationsInAGrant) {
  std::string text = partner("classcharts");
  text.erase(text.find("      operations: [read]\n"));
  dir_.write("apps/classcharts.yaml", text);
  expect_only_error("apps/classcharts.yaml", 14, "a data type grant is missing 'operations'");
}

TEST_F(PolicyLoader, EmptyFieldListIsRefused) {
  std::string text = partner("classcharts");
  text.replace(text.find("[firstName, lastName]"), 21, "[]");
  dir_.write("apps/classcharts.yaml", text);
  expect_only_error("apps/classcharts.yaml", 12, "fields must be 'all' or a non-empty list");
}

TEST_F(PolicyLoader, MissingAppsDirectory) {
  fs::remove_all(dir_.path() / "apps");
  const auto result = load();
  EXPECT_EQ(result.snapshot, nullptr);
  ASSERT_EQ(result.errors.size(), 1u) << dump(result.errors);
  EXPECT_EQ(result.errors[0], file("apps") + ": not a directory");
}

TEST_F(PolicyLoader, EveryProblemIsReportedInOneRun) {
  std::string bad_op = partner("classcharts");
  bad_op.replace(bad_op.find("[read, update]"), 14, "[read, remove]");  // line 13
  dir_.write("apps/classcharts.yaml", bad_op);
  std::string bad_type = partner("parentpay");
  bad_type.replace(bad_type.find("type: Staff"), 11, "type: Pupil");  // line 14
  dir_.write("apps/parentpay.yaml", bad_type);
  dir_.write("apps/hodder.yaml", partner("hodder"));  // a good file among them

  const auto result = load();
  EXPECT_EQ(result.snapshot, nullptr);
  ASSERT_EQ(result.errors.size(), 2u) << dump(result.errors);
  EXPECT_EQ(result.errors[0],
            file("apps/classcharts.yaml") +
                ":13: unknown operation 'remove' (read, write, update or delete)");
  EXPECT_EQ(result.errors[1], file("apps/parentpay.yaml") + ":14: unknown data type 'Pupil'");
}

TEST_F(PolicyLoader, ProblemsInDifferentPolicyFilesAreAllReported) {
  std::string roles = kRoles;
  roles.replace(roles.find("[\"User Details: Manage All Users\"]"), 34, "[\"Nope\"]");  // line 9
  dir_.write("business_roles.yaml", roles);
  dir_.write("apps/classcharts.yaml", partner("classcharts") + "extra: 1\n");  // line 17
  const auto result = load();
  EXPECT_EQ(result.snapshot, nullptr);
  ASSERT_EQ(result.errors.size(), 2u) << dump(result.errors);
  EXPECT_EQ(result.errors[0], file("business_roles.yaml") +
                                  ":9: role 'trust_central_team' names unknown permission 'Nope'");
  EXPECT_EQ(result.errors[1],
            file("apps/classcharts.yaml") + ":17: unknown key 'extra' in an app file");
}

TEST_F(PolicyLoader, NonYamlFilesInAppsAreIgnored) {
  dir_.write("apps/README.md", "not: [valid yaml");
  dir_.write("apps/notes.yml", "not: [valid yaml");
  const auto result = load();
  EXPECT_TRUE(result.errors.empty()) << dump(result.errors);
  ASSERT_NE(result.snapshot, nullptr);
  EXPECT_EQ(result.snapshot->apps().size(), 1u);
}

TEST_F(PolicyLoader, EmptyAppFileIsRefused) {
  dir_.write("apps/empty.yaml", "");
  const auto result = load();
  EXPECT_EQ(result.snapshot, nullptr);
  ASSERT_EQ(result.errors.size(), 1u) << dump(result.errors);
  EXPECT_TRUE(result.errors[0].starts_with(file("apps/empty.yaml") + ":")) << result.errors[0];
  EXPECT_NE(result.errors[0].find("must be a mapping"), std::string::npos) << result.errors[0];
}

TEST_F(PolicyLoader, AppFileThatIsAListIsRefused) {
  dir_.write("apps/list.yaml", "- a\n- b\n");
  expect_only_error("apps/list.yaml", 1, "an app file must be a mapping");
}

// yaml-cpp keeps the first of two equal keys and drops the second without a word, while most
// other YAML tools (and a reviewer reading the diff) take the last one. A strict reader must
// refuse the file instead of silently picking one.
TEST_F(PolicyLoader, DuplicateKeyInAGrantIsRefused) {
  dir_.write("apps/wonde.yaml",
             "app:\n"                                // 1
             "  id: wonde\n"                         // 2
             "  name: Wonde\n"                       // 3
             "  vendor: Wonde Ltd\n"                 // 4
             "  kind: data_provider\n"               // 5
             "  live: true\n"                        // 6
             "  competitor: false\n"                 // 7
             "permission_set:\n"                     // 8
             "  version: 4\n"                        // 9
             "  data_types:\n"                       // 10
             "    - type: Student\n"                 // 11
             "      fields: all\n"                   // 12
             "      operations: [read]\n"            // 13
             "      operations: [read, update]\n");  // 14
  const auto result = load();
  EXPECT_EQ(result.snapshot, nullptr) << "a data provider file with two 'operations' keys loaded";
  EXPECT_TRUE(has_error(result.errors, file("apps/wonde.yaml") + ":14: ", "operations"))
      << dump(result.errors);
}

TEST_F(PolicyLoader, DuplicateKeyInAnAppIsRefused) {
  std::string text = partner("classcharts");
  text.insert(text.find("permission_set:"), "  live: false\n");  // line 8, after live: true (6)
  dir_.write("apps/classcharts.yaml", text);
  const auto result = load();
  EXPECT_EQ(result.snapshot, nullptr) << "an app file with two 'live' keys loaded";
  EXPECT_TRUE(has_error(result.errors, file("apps/classcharts.yaml") + ":8: ", "live"))
      << dump(result.errors);
}

}  // namespace
}  // namespace canopy::policy

namespace canopy::policy {
namespace {

class PolicyHistory : public PolicyLoader {};

TEST_F(PolicyHistory, EarlierVersionsLoadNewestFirstAndAreFoundByVersion) {
  dir_.write("apps/classcharts.yaml", partner("classcharts") +
                                          "history:\n"
                                          "  - version: 1\n"
                                          "    data_types:\n"
                                          "      - type: Student\n"
                                          "        fields: [firstName]\n"
                                          "        operations: [read]\n");
  const auto result = load();
  ASSERT_TRUE(result.errors.empty()) << dump(result.errors);
  const App* app = result.snapshot->find_app("classcharts");
  ASSERT_NE(app, nullptr);
  ASSERT_EQ(app->history.size(), 1u);
  EXPECT_EQ(app->permissions_at(2), &app->permissions);
  ASSERT_NE(app->permissions_at(1), nullptr);
  EXPECT_EQ(app->permissions_at(1)->check("Student", "lastName", Operation::read),
            GrantVerdict::field_not_granted);
  EXPECT_EQ(app->permissions_at(3), nullptr);
  EXPECT_FALSE(result.digest.empty());
}

TEST_F(PolicyHistory, AVersionNotBelowTheOneBeforeItIsRefusedWithItsLine) {
  dir_.write("apps/classcharts.yaml", partner("classcharts") +  // 16 lines
                                          "history:\n"          // 17
                                          "  - version: 2\n"    // 18
                                          "    data_types:\n"   // 19
                                          "      - type: Student\n"
                                          "        fields: [firstName]\n"
                                          "        operations: [read]\n");
  expect_only_error("apps/classcharts.yaml", 18,
                    "history lists earlier versions, newest first: version 2 must be below 2");
}

TEST_F(PolicyHistory, AnEarlierSetIsValidatedLikeTheCurrentOne) {
  dir_.write("apps/classcharts.yaml", partner("classcharts") +     // 16 lines
                                          "history:\n"             // 17
                                          "  - version: 1\n"       // 18
                                          "    data_types:\n"      // 19
                                          "      - type: Pupil\n"  // 20
                                          "        fields: all\n"
                                          "        operations: [read]\n");
  expect_only_error("apps/classcharts.yaml", 20, "unknown data type 'Pupil'");
}

}  // namespace
}  // namespace canopy::policy
