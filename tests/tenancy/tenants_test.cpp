// Tests tenant loading (tenants/*.yaml -> TenantSet, with file:line errors) and the importer.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "policy/snapshot.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/import.hpp"
#include "support/manual_clock.hpp"
#include "support/temp_dir.hpp"
#include "tenancy/actor.hpp"
#include "tenancy/importer.hpp"
#include "tenancy/tenants.hpp"

namespace canopy::tenancy {
namespace {

namespace fs = std::filesystem;

std::string dump(const std::vector<std::string>& errors) {
  std::string out;
  for (const auto& e : errors)
    out += "\n  " + e;
  return out.empty() ? " (no errors)" : out;
}

const policy::PolicySnapshot& real_policy() {
  static const std::shared_ptr<const policy::PolicySnapshot> snapshot = [] {
    auto loaded = policy::load_policies(fs::path(CANOPY_SOURCE_DIR) / "policies");
    if (!loaded.errors.empty()) throw std::runtime_error(loaded.errors.front());
    return loaded.snapshot;
  }();
  return *snapshot;
}

const fs::path kDemoTenants = fs::path(CANOPY_SOURCE_DIR) / "tenants";

// Line numbers of these texts are used below: keep them stable.
constexpr char kTrustFile[] =
    "trust:\n"                                    // 1
    "  id: elm-trust\n"                           // 2
    "  name: Elm Trust\n"                         // 3
    "users:\n"                                    // 4
    "  - email: central@elm.example\n"            // 5
    "    name: Cara Central\n"                    // 6
    "    roles: [trust_central_team]\n"           // 7
    "schools:\n"                                  // 8
    "  - id: elm-primary\n"                       // 9
    "    name: Elm Primary\n"                     // 10
    "    urn: 111111\n"                           // 11
    "    phase: primary\n"                        // 12
    "    users:\n"                                // 13
    "      - email: admin@elm-primary.example\n"  // 14
    "        name: Ada Admin\n"                   // 15
    "        roles: [school_administrator]\n"     // 16
    "    connections:\n"                          // 17
    "      - app: wonde\n"                        // 18
    "        status: approved\n"                  // 19
    "      - app: cpoms\n"                        // 20
    "        status: pending\n";                  // 21

constexpr char kSchoolFile[] =
    "school:\n"                              // 1
    "  id: ash-academy\n"                    // 2
    "  name: Ash Academy\n"                  // 3
    "  urn: 222222\n"                        // 4
    "  phase: secondary\n"                   // 5
    "  users:\n"                             // 6
    "    - email: admin@ash.example\n"       // 7
    "      name: Ash Admin\n"                // 8
    "      roles: [school_administrator]\n"  // 9
    "    - email: office@ash.example\n"      // 10
    "      name: Olly Office\n"              // 11
    "      roles: [school_office]\n"         // 12
    "  connections:\n"                       // 13
    "    - app: parentpay\n"                 // 14
    "      status: rejected\n";              // 15

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::logic_error("test text has no '" + from + "'");
  return text.replace(at, from.size(), to);
}

class TenantLoad : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("elm-trust.yaml", kTrustFile);
    dir_.write("ash-academy.yaml", kSchoolFile);
  }
  std::string file(const std::string& relative) const { return (dir_.path() / relative).string(); }
  TenantsLoad load() const { return load_tenants(dir_.path(), real_policy()); }

  void expect_only_error(const std::string& relative, int line, const std::string& message) {
    const auto result = load();
    ASSERT_EQ(result.errors.size(), 1u) << dump(result.errors);
    EXPECT_EQ(result.errors[0], file(relative) + ":" + std::to_string(line) + ": " + message);
  }

  testing::TempDir dir_;
};

const User* user_by_email(const TenantSet& set, std::string_view email) {
  auto it = std::find_if(set.users.begin(), set.users.end(),
                         [&](const User& u) { return u.email == email; });
  return it == set.users.end() ? nullptr : &*it;
}

const Site* site_by_id(const TenantSet& set, std::string_view id) {
  auto it =
      std::find_if(set.sites.begin(), set.sites.end(), [&](const Site& s) { return s.id == id; });
  return it == set.sites.end() ? nullptr : &*it;
}

TEST(TenantDemo, LoadsWithTheRealPolicies) {
  const auto result = load_tenants(kDemoTenants, real_policy());
  ASSERT_TRUE(result.errors.empty()) << dump(result.errors);
  const auto& set = result.tenants;

  const auto trusts = std::count_if(set.sites.begin(), set.sites.end(),
                                    [](const Site& s) { return s.kind == SiteKind::trust; });
  const auto schools = std::count_if(set.sites.begin(), set.sites.end(),
                                     [](const Site& s) { return s.kind == SiteKind::school; });
  EXPECT_EQ(trusts, 1);
  EXPECT_EQ(schools, 6);

  for (const auto& site : set.sites) {
    if (site.kind != SiteKind::school) continue;
    const bool has_admin = std::any_of(set.users.begin(), set.users.end(), [&](const User& u) {
      return u.home_site == site.id &&
             std::find(u.roles.begin(), u.roles.end(), "school_administrator") != u.roles.end();
    });
    EXPECT_TRUE(has_admin) << site.id << " has no school_administrator";
  }

  const Site* trust = site_by_id(set, "oakfield-trust");
  ASSERT_NE(trust, nullptr);
  EXPECT_EQ(trust->kind, SiteKind::trust);
  const Site* oakfield = site_by_id(set, "oakfield-primary");
  ASSERT_NE(oakfield, nullptr);
  EXPECT_EQ(oakfield->trust_id, "oakfield-trust");
  EXPECT_EQ(oakfield->urn, 100001);
  EXPECT_EQ(oakfield->phase, "primary");
  const Site* riverside = site_by_id(set, "riverside-academy");
  ASSERT_NE(riverside, nullptr);
  EXPECT_TRUE(riverside->trust_id.empty());
  const Site* millbrook = site_by_id(set, "millbrook-academy");
  ASSERT_NE(millbrook, nullptr);
  EXPECT_TRUE(millbrook->dummy);
  EXPECT_FALSE(oakfield->dummy);

  // Trusts come before their schools, so foreign keys hold during import.
  const auto trust_pos = trust - set.sites.data();
  for (const auto& s : set.sites) {
    if (s.trust_id == "oakfield-trust") {
      EXPECT_GT(&s - set.sites.data(), trust_pos) << s.id;
    }
  }

  const User* dana = user_by_email(set, "dana.central@oakfield.example");
  ASSERT_NE(dana, nullptr);
  EXPECT_EQ(dana->home_site, "oakfield-trust");
  EXPECT_EQ(dana->roles, std::vector<std::string>{"trust_central_team"});

  EXPECT_FALSE(set.connections.empty());
  for (const auto& c : set.connections) {
    const auto* app = real_policy().find_app(c.app_id);
    ASSERT_NE(app, nullptr) << c.app_id;
    EXPECT_TRUE(app->live) << c.app_id;
    EXPECT_FALSE(app->competitor) << c.app_id;
  }
}

TEST_F(TenantLoad, SmallDirectoryLoads) {
  const auto result = load();
  ASSERT_TRUE(result.errors.empty()) << dump(result.errors);
  const auto& set = result.tenants;
  ASSERT_EQ(set.sites.size(), 3u);
  EXPECT_EQ(set.users.size(), 4u);
  ASSERT_EQ(set.connections.size(), 3u);
  const Site* ash = site_by_id(set, "ash-academy");
  ASSERT_NE(ash, nullptr);
  EXPECT_EQ(ash->urn, 222222);
  EXPECT_EQ(ash->phase, "secondary");
  const Site* elm = site_by_id(set, "elm-primary");
  ASSERT_NE(elm, nullptr);
  EXPECT_EQ(elm->trust_id, "elm-trust");
  const auto parentpay =
      std::find_if(set.connections.begin(), set.connections.end(),
                   [](const SeedConnection& c) { return c.app_id == "parentpay"; });
  ASSERT_NE(parentpay, set.connections.end());
  EXPECT_EQ(parentpay->school_id, "ash-academy");
  EXPECT_EQ(parentpay->status, ConnectionStatus::rejected);
}

TEST_F(TenantLoad, UnknownKeyInASchool) {
  dir_.write("ash-academy.yaml", replace(kSchoolFile, "  phase: secondary\n",
                                         "  phase: secondary\n  colour: green\n"));  // line 6
  expect_only_error("ash-academy.yaml", 6, "unknown key 'colour' in school");
}

TEST_F(TenantLoad, UnknownKeyInAUser) {
  dir_.write("elm-trust.yaml", replace(kTrustFile, "    name: Cara Central\n",
                                       "    name: Cara Central\n    phone: 01234\n"));  // line 7
  expect_only_error("elm-trust.yaml", 7, "unknown key 'phone' in a user");
}

TEST_F(TenantLoad, UnknownKeyAtTopLevel) {
  dir_.write("ash-academy.yaml", std::string(kSchoolFile) + "region: north\n");  // line 16
  expect_only_error("ash-academy.yaml", 16, "unknown key 'region' in a school file");
}

TEST_F(TenantLoad, UnknownRole) {
  dir_.write("ash-academy.yaml", replace(kSchoolFile, "[school_office]", "[headteacher]"));  // 12
  expect_only_error("ash-academy.yaml", 12, "unknown business role 'headteacher'");
}

TEST_F(TenantLoad, TrustRoleHeldAtASchool) {
  dir_.write("ash-academy.yaml",
             replace(kSchoolFile, "[school_office]",
                     "\n        - school_office\n        - trust_central_team"));
  // roles: (12) / - school_office (13) / - trust_central_team (14)
  expect_only_error(
      "ash-academy.yaml", 14,
      "role 'trust_central_team' is held at a trust, but this user's home site is not");
}

TEST_F(TenantLoad, SchoolRoleHeldAtATrust) {
  dir_.write("elm-trust.yaml",
             replace(kTrustFile, "[trust_central_team]", "[school_administrator]"));
  expect_only_error(
      "elm-trust.yaml", 7,
      "role 'school_administrator' is held at a school, but this user's home site is not");
}

TEST_F(TenantLoad, CompetitorAppConnection) {
  dir_.write("elm-trust.yaml", replace(kTrustFile, "app: cpoms", "app: rival-mis"));  // line 20
  expect_only_error("elm-trust.yaml", 20, "'rival-mis' is a competitor and is never connectable");
}

TEST_F(TenantLoad, NotLiveAppConnection) {
  dir_.write("ash-academy.yaml", replace(kSchoolFile, "app: parentpay", "app: lessonloop"));  // 14
  expect_only_error("ash-academy.yaml", 14, "'lessonloop' is not live");
}

TEST_F(TenantLoad, UnknownAppConnection) {
  dir_.write("ash-academy.yaml", replace(kSchoolFile, "app: parentpay", "app: nonesuch"));
  expect_only_error("ash-academy.yaml", 14, "unknown app 'nonesuch'");
}

TEST_F(TenantLoad, DuplicateSchoolIdAcrossFiles) {
  // ash-academy.yaml sorts first, so the trust file's school is the duplicate.
  dir_.write("elm-trust.yaml", replace(kTrustFile, "  - id: elm-primary", "  - id: ash-academy"));
  const auto result = load();
  ASSERT_EQ(result.errors.size(), 1u) << dump(result.errors);
  EXPECT_EQ(result.errors[0], file("elm-trust.yaml") + ":9: duplicate site id 'ash-academy'");
  EXPECT_EQ(std::count_if(result.tenants.sites.begin(), result.tenants.sites.end(),
                          [](const Site& s) { return s.id == "ash-academy"; }),
            1);
}

TEST_F(TenantLoad, BadStatus) {
  dir_.write("ash-academy.yaml",
             replace(kSchoolFile, "status: rejected", "status: revoked"));  // 15
  expect_only_error("ash-academy.yaml", 15,
                    "status must be pending, approved or rejected, not 'revoked'");
}

// Expired is what time does to a request; a tenant file cannot start a connection there.
TEST_F(TenantLoad, ExpiredIsNotAStatusToStartFrom) {
  dir_.write("ash-academy.yaml", replace(kSchoolFile, "status: rejected", "status: expired"));
  expect_only_error("ash-academy.yaml", 15,
                    "status must be pending, approved or rejected, not 'expired'");
}

TEST_F(TenantLoad, AppListedTwiceForOneSchool) {
  dir_.write("ash-academy.yaml", std::string(kSchoolFile) +
                                     "    - app: parentpay\n"  // 16
                                     "      status: pending\n");
  expect_only_error("ash-academy.yaml", 16, "'parentpay' is listed twice for ash-academy");
}

TEST_F(TenantLoad, DuplicateEmail) {
  dir_.write("elm-trust.yaml",
             replace(kTrustFile, "admin@elm-primary.example", "office@ash.example"));  // line 14
  expect_only_error("elm-trust.yaml", 14, "duplicate user email 'office@ash.example'");
}

TEST_F(TenantLoad, UpperCaseEmailIsRefused) {
  dir_.write("ash-academy.yaml", replace(kSchoolFile, "office@ash.example", "Office@ash.example"));
  expect_only_error("ash-academy.yaml", 10,
                    "'Office@ash.example' is not a lower-case email address");
}

TEST_F(TenantLoad, MissingRequiredKey) {
  dir_.write("ash-academy.yaml", replace(kSchoolFile, "  urn: 222222\n", ""));
  expect_only_error("ash-academy.yaml", 2, "school is missing 'urn'");
}

TEST_F(TenantLoad, EveryBadFileIsReported) {
  dir_.write("ash-academy.yaml", replace(kSchoolFile, "status: rejected", "status: revoked"));
  dir_.write("elm-trust.yaml", replace(kTrustFile, "app: cpoms", "app: rival-mis"));
  const auto result = load();
  ASSERT_EQ(result.errors.size(), 2u) << dump(result.errors);
  EXPECT_TRUE(result.errors[0].starts_with(file("ash-academy.yaml") + ":15: ")) << result.errors[0];
  EXPECT_TRUE(result.errors[1].starts_with(file("elm-trust.yaml") + ":20: ")) << result.errors[1];
}

TEST_F(TenantLoad, SchoolsWithoutTermsGetVersionOneNamedAfterTheSchool) {
  const auto result = load();
  ASSERT_TRUE(result.errors.empty()) << dump(result.errors);
  const Site* ash = site_by_id(result.tenants, "ash-academy");
  ASSERT_NE(ash, nullptr);
  EXPECT_EQ(ash->terms, (SiteTerms{1, "Ash Academy terms and conditions"}));
}

TEST_F(TenantLoad, TermsVersionAndTitle) {
  dir_.write("ash-academy.yaml",
             replace(kSchoolFile, "  phase: secondary\n",
                     "  phase: secondary\n  terms:\n    version: 3\n    title: Ash rules\n"));
  const auto result = load();
  ASSERT_TRUE(result.errors.empty()) << dump(result.errors);
  EXPECT_EQ(site_by_id(result.tenants, "ash-academy")->terms, (SiteTerms{3, "Ash rules"}));

  dir_.write("ash-academy.yaml", replace(kSchoolFile, "  phase: secondary\n",
                                         "  phase: secondary\n  terms:\n    version: 2\n"));
  const auto untitled = load();
  ASSERT_TRUE(untitled.errors.empty()) << dump(untitled.errors);
  EXPECT_EQ(site_by_id(untitled.tenants, "ash-academy")->terms,
            (SiteTerms{2, "Ash Academy terms and conditions"}));
}

TEST_F(TenantLoad, UnknownKeyInTerms) {
  dir_.write("ash-academy.yaml",
             replace(kSchoolFile, "  phase: secondary\n",
                     "  phase: secondary\n  terms:\n    version: 2\n    url: x\n"));  // line 8
  expect_only_error("ash-academy.yaml", 8, "unknown key 'url' in terms");
}

TEST_F(TenantLoad, TermsNeedAVersion) {
  dir_.write("ash-academy.yaml", replace(kSchoolFile, "  phase: secondary\n",
                                         "  phase: secondary\n  terms:\n    title: x\n"));
  expect_only_error("ash-academy.yaml", 7, "terms is missing 'version'");
}

TEST_F(TenantLoad, TermsVersionMustBePositive) {
  dir_.write("ash-academy.yaml", replace(kSchoolFile, "  phase: secondary\n",
                                         "  phase: secondary\n  terms:\n    version: 0\n"));
  expect_only_error("ash-academy.yaml", 7,
                    "terms version must be a whole number from 1 to 1000000");
}

TEST_F(TenantLoad, TermsTitleHasALimit) {
  dir_.write("ash-academy.yaml",
             replace(kSchoolFile, "  phase: secondary\n",
                     "  phase: secondary\n  terms:\n    version: 1\n    title: " +
                         std::string(201, 'x') + "\n"));
  expect_only_error("ash-academy.yaml", 8, "terms title must be 1 to 200 bytes long");
}

class TenantImport : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<store::SqliteStore>(dir_.path() / "canopy.db");
    auto migrated = store_->migrate(clock_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
  }

  TenantSet demo() const {
    auto loaded = load_tenants(kDemoTenants, real_policy());
    EXPECT_TRUE(loaded.errors.empty()) << dump(loaded.errors);
    return loaded.tenants;
  }

  ImportReport import(const TenantSet& set) {
    return testing::import_tenants(set, real_policy(), *store_, clock_);
  }

  testing::TempDir dir_;
  testing::ManualClock clock_;
  std::unique_ptr<store::SqliteStore> store_;
};

TEST_F(TenantImport, CreatesEverything) {
  const auto set = demo();
  std::size_t progress_calls = 0;
  std::size_t last_done = 0;
  std::size_t total_seen = 0;
  const auto report = testing::import_tenants(set, real_policy(), *store_, clock_,
                                              [&](std::size_t done, std::size_t total) {
                                                ++progress_calls;
                                                EXPECT_EQ(done, last_done + 1);
                                                last_done = done;
                                                total_seen = total;
                                              });
  EXPECT_EQ(report.sites.created, static_cast<int>(set.sites.size()));
  EXPECT_EQ(report.users.created, static_cast<int>(set.users.size()));
  EXPECT_EQ(report.connections.created, static_cast<int>(set.connections.size()));
  EXPECT_EQ(report.sites.changed + report.sites.unchanged, 0);
  EXPECT_EQ(report.users.changed + report.users.unchanged, 0);
  EXPECT_EQ(report.connections.changed + report.connections.unchanged, 0);
  const std::size_t total = set.sites.size() + set.users.size() + set.connections.size();
  EXPECT_EQ(progress_calls, total);
  EXPECT_EQ(total_seen, total);

  EXPECT_EQ(store_->list_sites().size(), set.sites.size());
  EXPECT_EQ(store_->audit_count(), static_cast<std::int64_t>(set.connections.size()));
  for (const auto& seed : set.connections) {
    auto c = store_->find_connection(seed.school_id, seed.app_id);
    ASSERT_TRUE(c.has_value()) << seed.school_id << "/" << seed.app_id;
    EXPECT_EQ(c->status, seed.status) << seed.school_id << "/" << seed.app_id;
    EXPECT_EQ(c->revision, 1);
    EXPECT_EQ(c->permission_set_version,
              real_policy().find_app(seed.app_id)->permissions.version());
    EXPECT_EQ(c->decided_at.has_value(), seed.status != ConnectionStatus::pending);
  }
  for (const auto& u : set.users) {
    auto stored = store_->find_user_by_email(u.email);
    ASSERT_TRUE(stored.has_value()) << u.email;
    EXPECT_EQ(stored->name, u.name);
    EXPECT_EQ(stored->home_site, u.home_site);
    EXPECT_EQ(stored->roles, u.roles);
  }
  const auto audit = store_->audit_for_school("oakfield-primary", 100);
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit[0].actor_kind, store::ActorKind::system);
  EXPECT_EQ(audit[0].action, "import");
}

TEST_F(TenantImport, SecondImportChangesNothing) {
  const auto set = demo();
  (void)import(set);
  const auto audit_before = store_->audit_count();
  const auto report = import(set);
  EXPECT_EQ(report.sites.unchanged, static_cast<int>(set.sites.size()));
  EXPECT_EQ(report.users.unchanged, static_cast<int>(set.users.size()));
  EXPECT_EQ(report.connections.unchanged, static_cast<int>(set.connections.size()));
  EXPECT_EQ(report.sites.created + report.sites.changed, 0);
  EXPECT_EQ(report.users.created + report.users.changed, 0);
  EXPECT_EQ(report.connections.created + report.connections.changed, 0);
  EXPECT_EQ(store_->audit_count(), audit_before);
  for (const auto& seed : set.connections) {
    EXPECT_EQ(store_->find_connection(seed.school_id, seed.app_id)->revision, 1);
  }
}

TEST_F(TenantImport, RenamedUserIsReportedChanged) {
  testing::TempDir tenants;
  tenants.write("ash-academy.yaml", kSchoolFile);
  auto first = load_tenants(tenants.path(), real_policy());
  ASSERT_TRUE(first.errors.empty()) << dump(first.errors);
  (void)import(first.tenants);

  tenants.write("ash-academy.yaml", replace(kSchoolFile, "Olly Office", "Olivia Office"));
  auto second = load_tenants(tenants.path(), real_policy());
  ASSERT_TRUE(second.errors.empty()) << dump(second.errors);
  const auto report = import(second.tenants);
  EXPECT_EQ(report.users.changed, 1);
  EXPECT_EQ(report.users.unchanged, 1);
  EXPECT_EQ(report.users.created, 0);
  EXPECT_EQ(report.sites.unchanged, 1);
  EXPECT_EQ(report.connections.unchanged, 1);
  auto stored = store_->find_user_by_email("office@ash.example");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->name, "Olivia Office");
}

TEST_F(TenantImport, ChangedRolesAreReportedChanged) {
  testing::TempDir tenants;
  tenants.write("ash-academy.yaml", kSchoolFile);
  (void)import(load_tenants(tenants.path(), real_policy()).tenants);
  tenants.write("ash-academy.yaml",
                replace(kSchoolFile, "[school_office]", "[teacher, school_office]"));
  const auto report = import(load_tenants(tenants.path(), real_policy()).tenants);
  EXPECT_EQ(report.users.changed, 1);
  auto stored = store_->find_user_by_email("office@ash.example");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->roles, (std::vector<std::string>{"school_office", "teacher"}));
}

TEST_F(TenantImport, AdminDecisionSurvivesReimport) {
  const auto set = demo();
  (void)import(set);
  auto before = store_->find_connection("oakfield-primary", "parentpay");
  ASSERT_TRUE(before.has_value());
  ASSERT_EQ(before->status, ConnectionStatus::pending);

  clock_.advance(std::chrono::minutes(5));
  store::ConnectionChange change{.school_id = "oakfield-primary",
                                 .app_id = "parentpay",
                                 .expected_revision = before->revision,
                                 .to = ConnectionStatus::approved,
                                 .permission_set_version = before->permission_set_version,
                                 .at = clock_.now(),
                                 .is_decision = true,
                                 .decided_by = "amir.admin@oakfield-primary.example"};
  store::AuditRecord audit{.school_id = "oakfield-primary",
                           .app_id = "parentpay",
                           .actor = "amir.admin@oakfield-primary.example",
                           .actor_site = "oakfield-primary",
                           .actor_role = "school_administrator",
                           .action = "approve",
                           .from_status = ConnectionStatus::pending,
                           .to_status = ConnectionStatus::approved,
                           .permission_set_version = before->permission_set_version,
                           .at = clock_.now(),
                           .request_id = "req-1"};
  ASSERT_TRUE(store_->apply(change, audit).has_value());
  const auto audit_before = store_->audit_count();

  const auto report = import(set);
  EXPECT_EQ(report.connections.created, 0);
  EXPECT_EQ(report.connections.changed, 0);
  EXPECT_EQ(report.connections.unchanged, static_cast<int>(set.connections.size()));
  auto after = store_->find_connection("oakfield-primary", "parentpay");
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->status, ConnectionStatus::approved);
  EXPECT_EQ(after->revision, 2);
  EXPECT_EQ(after->decided_by, "amir.admin@oakfield-primary.example");
  EXPECT_EQ(store_->audit_count(), audit_before);
}

TEST_F(TenantImport, NewTermsVersionIsAChangedSiteAndImportStaysIdempotent) {
  testing::TempDir tenants;
  tenants.write("ash-academy.yaml", kSchoolFile);
  (void)import(load_tenants(tenants.path(), real_policy()).tenants);
  EXPECT_EQ(store_->find_site("ash-academy")->terms.version, 1);

  tenants.write("ash-academy.yaml", replace(kSchoolFile, "  phase: secondary\n",
                                            "  phase: secondary\n  terms:\n    version: 2\n"));
  const auto set = load_tenants(tenants.path(), real_policy()).tenants;
  const auto report = import(set);
  EXPECT_EQ(report.sites.changed, 1);
  EXPECT_EQ(store_->find_site("ash-academy")->terms,
            (SiteTerms{2, "Ash Academy terms and conditions"}));
  const auto again = import(set);
  EXPECT_EQ(again.sites.unchanged, 1);
  EXPECT_EQ(again.sites.changed, 0);
}

TEST_F(TenantImport, SchoolsInReach) {
  (void)import(demo());
  const auto reach = [&](std::string_view email) {
    std::vector<std::string> ids;
    for (const auto& s : schools_in_reach(store_->find_user_by_email(email).value(), *store_,
                                          *store_, real_policy()))
      ids.push_back(s.id);
    return ids;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(reach("dana.central@oakfield.example"),
            (V{"hazelwood-primary", "meadowbank-infant", "millbrook-academy", "oakfield-high",
               "oakfield-primary"}));
  EXPECT_EQ(reach("amir.admin@oakfield-primary.example"), (V{"oakfield-primary"}));
  EXPECT_EQ(reach("fiona.campbell@riverside-academy.example"), (V{"riverside-academy"}));
  EXPECT_TRUE(reach("joanne.hughes@oakfield-primary.example").empty());
  EXPECT_TRUE(reach("rhys.morgan@oakfield.example").empty());
}

}  // namespace
}  // namespace canopy::tenancy
