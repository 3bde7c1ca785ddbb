// Tests resolve_school_admin: who may administer a school's partner apps, and by which role.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "policy/snapshot.hpp"
#include "tenancy/actor.hpp"
#include "tenancy/tenants.hpp"

namespace canopy::tenancy {
namespace {

namespace fs = std::filesystem;

class ActorResolve : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = policy::load_policies(fs::path(CANOPY_SOURCE_DIR) / "policies");
    ASSERT_TRUE(loaded.errors.empty()) << loaded.errors.front();
    policy_ = loaded.snapshot;
    auto tenants = load_tenants(fs::path(CANOPY_SOURCE_DIR) / "tenants", *policy_);
    ASSERT_TRUE(tenants.errors.empty()) << tenants.errors.front();
    tenants_ = std::make_shared<TenantSet>(std::move(tenants.tenants));
    // Give users distinct ids, as the store would.
    std::int64_t id = 100;
    for (auto& u : tenants_->users)
      u.id = id++;
  }
  static void TearDownTestSuite() {
    policy_.reset();
    tenants_.reset();
  }

  static const User& user(std::string_view email) {
    auto it = std::find_if(tenants_->users.begin(), tenants_->users.end(),
                           [&](const User& u) { return u.email == email; });
    if (it == tenants_->users.end()) throw std::logic_error("no demo user " + std::string(email));
    return *it;
  }
  static const Site& site(std::string_view id) {
    auto it = std::find_if(tenants_->sites.begin(), tenants_->sites.end(),
                           [&](const Site& s) { return s.id == id; });
    if (it == tenants_->sites.end()) throw std::logic_error("no demo site " + std::string(id));
    return *it;
  }
  static Result<Actor> resolve(std::string_view email, std::string_view school) {
    return resolve_school_admin(user(email), site(school), *policy_);
  }

  static inline std::shared_ptr<const policy::PolicySnapshot> policy_;
  static inline std::shared_ptr<TenantSet> tenants_;
};

constexpr char kAmir[] = "amir.admin@oakfield-primary.example";         // admin, oakfield-primary
constexpr char kJoanne[] = "joanne.hughes@oakfield-primary.example";    // office, oakfield-primary
constexpr char kClaire[] = "claire.brennan@hazelwood-primary.example";  // admin, hazelwood-primary
constexpr char kDana[] = "dana.central@oakfield.example";               // trust central team

TEST_F(ActorResolve, AdminOfTheSchool) {
  auto actor = resolve(kAmir, "oakfield-primary");
  ASSERT_TRUE(actor.ok()) << actor.error().message;
  EXPECT_EQ(actor->user_id, user(kAmir).id);
  EXPECT_NE(actor->user_id, 0);
  EXPECT_EQ(actor->email, kAmir);
  EXPECT_EQ(actor->school_id, "oakfield-primary");
  EXPECT_EQ(actor->acting_site, "oakfield-primary");
  EXPECT_EQ(actor->role, "school_administrator");
  EXPECT_FALSE(actor->via_trust);
}

TEST_F(ActorResolve, AdminOfAStandaloneSchool) {
  auto actor = resolve("fiona.campbell@riverside-academy.example", "riverside-academy");
  ASSERT_TRUE(actor.ok()) << actor.error().message;
  EXPECT_EQ(actor->school_id, "riverside-academy");
  EXPECT_EQ(actor->role, "school_administrator");
  EXPECT_FALSE(actor->via_trust);
}

TEST_F(ActorResolve, AdminOfAnotherSchoolIsForbidden) {
  auto actor = resolve(kAmir, "hazelwood-primary");
  ASSERT_FALSE(actor.ok());
  EXPECT_EQ(actor.error().code, Errc::forbidden);
  EXPECT_NE(actor.error().message.find("Hazelwood Primary School"), std::string::npos)
      << actor.error().message;
  auto other = resolve(kClaire, "oakfield-primary");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, Errc::forbidden);
}

TEST_F(ActorResolve, OfficeUserWithoutAdministerIsForbidden) {
  auto actor = resolve(kJoanne, "oakfield-primary");
  ASSERT_FALSE(actor.ok());
  EXPECT_EQ(actor.error().code, Errc::forbidden);
  EXPECT_NE(actor.error().message.find(std::string(policy::kAdministerSchoolUsers)),
            std::string::npos)
      << actor.error().message;
}

TEST_F(ActorResolve, TeacherIsForbidden) {
  auto actor = resolve("tom.ashworth@hazelwood-primary.example", "hazelwood-primary");
  ASSERT_FALSE(actor.ok());
  EXPECT_EQ(actor.error().code, Errc::forbidden);
}

TEST_F(ActorResolve, TrustCentralUserActsInEverySchoolOfTheTrustViaTheTrust) {
  for (const char* school : {"oakfield-primary", "hazelwood-primary", "meadowbank-infant",
                             "oakfield-high", "millbrook-academy"}) {
    auto actor = resolve(kDana, school);
    ASSERT_TRUE(actor.ok()) << school << ": " << actor.error().message;
    EXPECT_EQ(actor->user_id, user(kDana).id);
    EXPECT_EQ(actor->email, kDana);
    EXPECT_EQ(actor->school_id, school);
    EXPECT_EQ(actor->acting_site, "oakfield-trust") << "the authority comes from the trust";
    EXPECT_EQ(actor->role, "trust_central_team");
    EXPECT_TRUE(actor->via_trust);
    ASSERT_TRUE(actor->required_terms.has_value());
    EXPECT_EQ(*actor->required_terms, site(school).terms);
  }
}

TEST_F(ActorResolve, SchoolAdminsNeedNoTerms) {
  auto actor = resolve(kAmir, "oakfield-primary");
  ASSERT_TRUE(actor.ok());
  EXPECT_FALSE(actor->required_terms.has_value());
}

TEST_F(ActorResolve, TrustCentralUserIsForbiddenOutsideTheTrust) {
  auto actor = resolve(kDana, "riverside-academy");
  ASSERT_FALSE(actor.ok());
  EXPECT_EQ(actor.error().code, Errc::forbidden);
  Site elsewhere = site("oakfield-primary");
  elsewhere.trust_id = "another-trust";
  auto moved = resolve_school_admin(user(kDana), elsewhere, *policy_);
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.error().code, Errc::forbidden);
}

TEST_F(ActorResolve, TrustUserWithoutManageAllUsersIsForbidden) {
  // Rhys holds trust_reporting: a trust role, but without "User Details: Manage All Users".
  auto actor = resolve("rhys.morgan@oakfield.example", "oakfield-primary");
  ASSERT_FALSE(actor.ok());
  EXPECT_EQ(actor.error().code, Errc::forbidden);
  EXPECT_NE(actor.error().message.find(std::string(policy::kManageAllUsers)), std::string::npos)
      << actor.error().message;
}

TEST_F(ActorResolve, SchoolRoleAtTheTrustGivesNoAuthorityInItsSchools) {
  User odd = user(kDana);
  odd.roles = {"school_administrator"};  // not possible from YAML; resolution must not trust it
  auto actor = resolve_school_admin(odd, site("oakfield-primary"), *policy_);
  ASSERT_FALSE(actor.ok());
  EXPECT_EQ(actor.error().code, Errc::forbidden);
}

TEST_F(ActorResolve, TrustAdminIsTheTrustsManageAllUsersHolderOnly) {
  auto dana = resolve_trust_admin(user(kDana), site("oakfield-trust"), *policy_);
  ASSERT_TRUE(dana.ok()) << dana.error().message;
  EXPECT_EQ(dana->trust_id, "oakfield-trust");
  EXPECT_EQ(dana->role, "trust_central_team");
  EXPECT_EQ(dana->email, kDana);
  for (const char* email : {kAmir, kClaire, "rhys.morgan@oakfield.example"}) {
    auto refused = resolve_trust_admin(user(email), site("oakfield-trust"), *policy_);
    ASSERT_FALSE(refused.ok()) << email;
    EXPECT_EQ(refused.error().code, Errc::forbidden) << email;
  }
  auto not_a_trust = resolve_trust_admin(user(kDana), site("oakfield-primary"), *policy_);
  ASSERT_FALSE(not_a_trust.ok());
  EXPECT_EQ(not_a_trust.error().code, Errc::unknown_trust);
}

TEST_F(ActorResolve, WhoMayManageTheUsersOfASite) {
  const auto may = [](std::string_view email, std::string_view at) {
    return may_manage_users_of(user(email), site(at), *policy_).ok();
  };
  EXPECT_TRUE(may(kAmir, "oakfield-primary"));
  EXPECT_FALSE(may(kAmir, "hazelwood-primary"));
  EXPECT_FALSE(may(kAmir, "oakfield-trust"));
  EXPECT_FALSE(may(kJoanne, "oakfield-primary"));
  EXPECT_TRUE(may(kDana, "oakfield-primary"));
  EXPECT_TRUE(may(kDana, "millbrook-academy"));
  EXPECT_TRUE(may(kDana, "oakfield-trust"));
  EXPECT_FALSE(may(kDana, "riverside-academy"));
  EXPECT_FALSE(may("rhys.morgan@oakfield.example", "oakfield-trust"));
}

TEST_F(ActorResolve, TrustSitePassedAsSchoolIsUnknownSchool) {
  for (const char* email : {kDana, kAmir}) {
    auto actor = resolve(email, "oakfield-trust");
    ASSERT_FALSE(actor.ok()) << email;
    EXPECT_EQ(actor.error().code, Errc::unknown_school) << email;
  }
}

TEST_F(ActorResolve, RoleHeldAtTheWrongKindOfSiteGivesNoAuthority) {
  User odd = user(kJoanne);
  odd.roles = {"trust_central_team"};  // not possible from YAML; resolution must not trust it
  auto actor = resolve_school_admin(odd, site("oakfield-primary"), *policy_);
  ASSERT_FALSE(actor.ok());
  EXPECT_EQ(actor.error().code, Errc::forbidden);
}

TEST_F(ActorResolve, UnknownRoleGivesNoAuthority) {
  User odd = user(kJoanne);
  odd.roles = {"headteacher"};
  auto actor = resolve_school_admin(odd, site("oakfield-primary"), *policy_);
  ASSERT_FALSE(actor.ok());
  EXPECT_EQ(actor.error().code, Errc::forbidden);
}

TEST_F(ActorResolve, TheAdministeringRoleIsTheOneRecorded) {
  User both = user(kJoanne);
  both.roles = {"school_administrator", "school_office"};
  auto actor = resolve_school_admin(both, site("oakfield-primary"), *policy_);
  ASSERT_TRUE(actor.ok()) << actor.error().message;
  EXPECT_EQ(actor->role, "school_administrator");
  EXPECT_EQ(actor->email, kJoanne);
}

}  // namespace
}  // namespace canopy::tenancy
