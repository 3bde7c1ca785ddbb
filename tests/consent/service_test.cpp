// Tests consent::Service: school admins' decisions, partner requests, audit and cache updates.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "cache/local_cache.hpp"
#include "consent/service.hpp"
#include "policy/snapshot.hpp"
#include "support/demo_world.hpp"
#include "tenancy/actor.hpp"

namespace canopy::consent {
namespace {

using namespace std::chrono_literals;

constexpr char kAmir[] = "amir.admin@oakfield-primary.example";  // admin, oakfield-primary
constexpr char kSchool[] = "oakfield-primary";
// The demo tenants at oakfield-primary: wonde approved, parentpay pending, hodder pending,
// cpoms approved, studybugs rejected.

class ConsentService : public testing::DemoWorldTest {
 protected:
  void SetUp() override {
    DemoWorldTest::SetUp();
    service_ = std::make_unique<Service>(*live_, *store_, *store_, *store_, cache_, clock_);
    clock_.advance(1h);  // decisions happen after the import
  }

  tenancy::Actor actor(std::string_view email = kAmir, std::string_view school = kSchool) {
    return school_admin(email, school);
  }

  store::Connection stored(std::string_view app, std::string_view school = kSchool) {
    return stored_connection(school, app);
  }

  const policy::App& app(std::string_view id) const {
    const auto* a = policy_->find_app(id);
    if (a == nullptr) throw std::logic_error("no app " + std::string(id));
    return *a;
  }

  // Everything a refused call must leave alone.
  std::string state() {
    std::string out;
    for (const auto& site : store_->list_sites()) {
      for (const auto& c : store_->list_connections(site.id, std::nullopt)) {
        out += c.school_id + "/" + c.app_id + "=" + std::string(to_string(c.status)) + "@" +
               std::to_string(c.revision) + "v" + std::to_string(c.permission_set_version) + ";";
        if (auto e = cache_.get(c.school_id, c.app_id)) {
          out += "cache=" + std::to_string(static_cast<int>(e->presence)) + "@" +
                 std::to_string(e->revision) + ";";
        }
      }
    }
    return out + "audit=" + std::to_string(store_->audit_count());
  }

  store::AuditRecord last_audit(std::string_view school = kSchool) {
    auto rows = store_->audit_for_school(school, 1000);
    if (rows.empty()) throw std::logic_error("no audit rows");
    return rows.back();
  }

  void expect_cache_matches(const store::Connection& c) {
    auto entry = cache_.get(c.school_id, c.app_id);
    ASSERT_TRUE(entry.has_value()) << c.school_id << "/" << c.app_id;
    const auto want = cache_entry_for(c);
    EXPECT_EQ(entry->presence, want.presence);
    EXPECT_EQ(entry->permission_set_version, want.permission_set_version);
    EXPECT_EQ(entry->revision, want.revision);
    EXPECT_EQ(entry->revision, c.revision);
  }

  // A decision must write exactly one audit record describing it.
  void expect_decision_audited(const store::Connection& after, std::string_view action,
                               ConnectionStatus from, std::int64_t audit_before,
                               std::string_view request_id) {
    EXPECT_EQ(store_->audit_count(), audit_before + 1);
    const auto row = last_audit(after.school_id);
    EXPECT_EQ(row.app_id, after.app_id);
    EXPECT_EQ(row.actor_kind, store::ActorKind::user);
    EXPECT_EQ(row.actor, kAmir);
    EXPECT_EQ(row.actor_site, kSchool);
    EXPECT_EQ(row.actor_role, "school_administrator");
    EXPECT_FALSE(row.via_trust);
    EXPECT_EQ(row.action, action);
    ASSERT_TRUE(row.from_status.has_value());
    EXPECT_EQ(*row.from_status, from);
    EXPECT_EQ(row.to_status, after.status);
    EXPECT_EQ(row.permission_set_version, after.permission_set_version);
    EXPECT_EQ(row.at, clock_.now());
    EXPECT_EQ(row.request_id, request_id);
  }

  cache::LocalCache cache_;
  std::unique_ptr<Service> service_;
};

TEST_F(ConsentService, ApprovePending) {
  const auto before = stored("parentpay");
  ASSERT_EQ(before.status, ConnectionStatus::pending);
  const auto audit_before = store_->audit_count();
  auto r = service_->decide(actor(), "parentpay", AdminAction::approve, "req-approve-1");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, ConnectionStatus::approved);
  EXPECT_EQ(r->revision, before.revision + 1);
  EXPECT_EQ(r->permission_set_version, app("parentpay").permissions.version());
  ASSERT_TRUE(r->decided_at.has_value());
  EXPECT_EQ(*r->decided_at, clock_.now());
  EXPECT_EQ(r->decided_by, kAmir);
  EXPECT_EQ(stored("parentpay").status, ConnectionStatus::approved);
  expect_decision_audited(*r, "approve", ConnectionStatus::pending, audit_before, "req-approve-1");
  expect_cache_matches(*r);
}

TEST_F(ConsentService, RejectPending) {
  const auto audit_before = store_->audit_count();
  auto r = service_->decide(actor(), "hodder", AdminAction::reject, "req-reject-1");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, ConnectionStatus::rejected);
  EXPECT_EQ(r->revision, 2);
  expect_decision_audited(*r, "reject", ConnectionStatus::pending, audit_before, "req-reject-1");
  expect_cache_matches(*r);
}

TEST_F(ConsentService, RevokeApproved) {
  // A replica had cached the approval; the revocation must replace it.
  cache_.put(kSchool, "cpoms", cache_entry_for(stored("cpoms")));
  const auto audit_before = store_->audit_count();
  auto r = service_->decide(actor(), "cpoms", AdminAction::reject, "req-revoke");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, ConnectionStatus::rejected);
  expect_decision_audited(*r, "reject", ConnectionStatus::approved, audit_before, "req-revoke");
  expect_cache_matches(*r);
  EXPECT_EQ(cache_.get(kSchool, "cpoms")->presence, cache::Presence::rejected);
}

TEST_F(ConsentService, CheckDecisionNamesTheRevisionAndChangesNothing) {
  const auto before = state();
  auto c = service_->check_decision(actor(), "cpoms", AdminAction::reject);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->revision, stored("cpoms").revision);
  auto refused = service_->check_decision(actor(), "studybugs", AdminAction::reject);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::invalid_transition);
  EXPECT_EQ(state(), before);
}

TEST_F(ConsentService, DecisionAtARevisionAppliesOnlyThere) {
  const auto revision = stored("cpoms").revision;
  const auto before = state();
  // The connection is no longer at the revision the caller held: nothing is written.
  auto moved = service_->decide(actor(), "cpoms", AdminAction::reject, "r-old", revision - 1);
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.error().code, Errc::concurrent_change);
  EXPECT_EQ(state(), before);
  auto r = service_->decide(actor(), "cpoms", AdminAction::reject, "r-held", revision);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->revision, revision + 1);
  expect_cache_matches(*r);
}

TEST_F(ConsentService, ReapproveRejected) {
  const auto audit_before = store_->audit_count();
  auto r = service_->decide(actor(), "studybugs", AdminAction::approve, "req-reapprove");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, ConnectionStatus::approved);
  expect_decision_audited(*r, "approve", ConnectionStatus::rejected, audit_before, "req-reapprove");
  expect_cache_matches(*r);
}

TEST_F(ConsentService, EveryChangeInASequenceIsAuditedOnce) {
  const auto start = store_->audit_count();
  auto a = service_->decide(actor(), "parentpay", AdminAction::approve, "r1");
  ASSERT_TRUE(a.ok());
  expect_cache_matches(*a);
  clock_.advance(1min);
  auto b = service_->decide(actor(), "parentpay", AdminAction::reject, "r2");
  ASSERT_TRUE(b.ok());
  expect_decision_audited(*b, "reject", ConnectionStatus::approved, start + 1, "r2");
  expect_cache_matches(*b);
  clock_.advance(1min);
  auto c = service_->decide(actor(), "parentpay", AdminAction::approve, "r3");
  ASSERT_TRUE(c.ok());
  expect_decision_audited(*c, "approve", ConnectionStatus::rejected, start + 2, "r3");
  expect_cache_matches(*c);
  EXPECT_EQ(c->revision, 4);
}

TEST_F(ConsentService, CancelWritesNothing) {
  const auto before = state();
  const auto was = stored("parentpay");
  auto r = service_->decide(actor(), "parentpay", AdminAction::cancel, "req-cancel");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, ConnectionStatus::pending);
  EXPECT_EQ(r->revision, was.revision);
  EXPECT_FALSE(r->decided_at.has_value());
  EXPECT_EQ(state(), before);
}

TEST_F(ConsentService, IllegalTransitionsChangeNothing) {
  struct Case {
    const char* app;
    AdminAction action;
  };
  for (const Case& c :
       {Case{"cpoms", AdminAction::approve}, Case{"cpoms", AdminAction::cancel},
        Case{"studybugs", AdminAction::reject}, Case{"studybugs", AdminAction::cancel}}) {
    SCOPED_TRACE(std::string(c.app) + " " + std::string(to_string(c.action)));
    const auto before = state();
    auto r = service_->decide(actor(), c.app, c.action, "req-illegal");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::invalid_transition);
    EXPECT_EQ(state(), before);
  }
}

TEST_F(ConsentService, ConnectionNotFoundWhenTheAppNeverAsked) {
  const auto before = state();
  for (AdminAction action : {AdminAction::approve, AdminAction::reject, AdminAction::cancel}) {
    auto r = service_->decide(actor(), "lgfl", action, "req");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::connection_not_found);
  }
  EXPECT_EQ(state(), before);
  EXPECT_FALSE(store_->find_connection(kSchool, "lgfl").has_value());
}

TEST_F(ConsentService, UnknownAppWhenDeciding) {
  auto r = service_->decide(actor(), "no-such-app", AdminAction::approve, "req");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::unknown_app);
}

TEST_F(ConsentService, DecisionsStayInTheActorsSchool) {
  // Claire administers hazelwood-primary, where parentpay never asked.
  const auto claire = actor("claire.brennan@hazelwood-primary.example", "hazelwood-primary");
  auto r = service_->decide(claire, "parentpay", AdminAction::approve, "req");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::connection_not_found);
  EXPECT_EQ(stored("parentpay").status, ConnectionStatus::pending);
}

TEST_F(ConsentService, ApprovingANotLiveAppIsRefused) {
  // A pending request from an app that has since gone out of service.
  store::ConnectionChange change{.school_id = kSchool,
                                 .app_id = "lessonloop",
                                 .to = ConnectionStatus::pending,
                                 .permission_set_version = 1,
                                 .at = clock_.now()};
  store::AuditRecord audit{.school_id = kSchool,
                           .app_id = "lessonloop",
                           .actor_kind = store::ActorKind::system,
                           .actor = "test",
                           .actor_site = kSchool,
                           .actor_role = "system",
                           .action = "request",
                           .to_status = ConnectionStatus::pending,
                           .permission_set_version = 1,
                           .at = clock_.now(),
                           .request_id = "seed"};
  ASSERT_TRUE(store_->apply(change, audit).has_value());
  const auto before = state();
  auto r = service_->decide(actor(), "lessonloop", AdminAction::approve, "req");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::application_not_live);
  EXPECT_EQ(state(), before);
  // Rejecting it is still allowed.
  auto rejected = service_->decide(actor(), "lessonloop", AdminAction::reject, "req");
  ASSERT_TRUE(rejected.ok()) << rejected.error().message;
  EXPECT_EQ(rejected->status, ConnectionStatus::rejected);
}

TEST_F(ConsentService, ReconsentApprovesTheCurrentVersion) {
  // cpoms was approved on an older permission set.
  const auto was = stored("cpoms");
  const int current = app("cpoms").permissions.version();
  store::ConnectionChange change{.school_id = kSchool,
                                 .app_id = "cpoms",
                                 .expected_revision = was.revision,
                                 .to = ConnectionStatus::approved,
                                 .permission_set_version = current - 1,
                                 .at = clock_.now()};
  store::AuditRecord audit{.school_id = kSchool,
                           .app_id = "cpoms",
                           .actor_kind = store::ActorKind::system,
                           .actor = "test",
                           .actor_site = kSchool,
                           .actor_role = "system",
                           .action = "import",
                           .from_status = ConnectionStatus::approved,
                           .to_status = ConnectionStatus::approved,
                           .permission_set_version = current - 1,
                           .at = clock_.now(),
                           .request_id = "seed"};
  ASSERT_TRUE(store_->apply(change, audit).has_value());
  const auto audit_before = store_->audit_count();
  auto r = service_->decide(actor(), "cpoms", AdminAction::approve, "req-reconsent");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, ConnectionStatus::approved);
  EXPECT_EQ(r->permission_set_version, current);
  expect_decision_audited(*r, "approve", ConnectionStatus::approved, audit_before, "req-reconsent");
  expect_cache_matches(*r);
}

TEST_F(ConsentService, RejectKeepsTheVersionOnRecord) {
  const auto was = stored("hodder");
  auto r = service_->decide(actor(), "hodder", AdminAction::reject, "req");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->permission_set_version, was.permission_set_version);
}

TEST_F(ConsentService, PartnerRequestCreatesPending) {
  const auto audit_before = store_->audit_count();
  auto r = service_->request(app("lgfl"), kSchool, "req-partner-1");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->created);
  EXPECT_EQ(r->connection.school_id, kSchool);
  EXPECT_EQ(r->connection.app_id, "lgfl");
  EXPECT_EQ(r->connection.status, ConnectionStatus::pending);
  EXPECT_EQ(r->connection.revision, 1);
  EXPECT_EQ(r->connection.permission_set_version, app("lgfl").permissions.version());
  EXPECT_EQ(r->connection.requested_at, clock_.now());
  EXPECT_FALSE(r->connection.decided_at.has_value());
  EXPECT_TRUE(store_->find_connection(kSchool, "lgfl").has_value());

  EXPECT_EQ(store_->audit_count(), audit_before + 1);
  const auto row = last_audit();
  EXPECT_EQ(row.app_id, "lgfl");
  EXPECT_EQ(row.actor_kind, store::ActorKind::partner);
  EXPECT_EQ(row.actor, "lgfl");
  EXPECT_EQ(row.action, "request");
  EXPECT_FALSE(row.from_status.has_value());
  EXPECT_EQ(row.to_status, ConnectionStatus::pending);
  EXPECT_EQ(row.permission_set_version, app("lgfl").permissions.version());
  EXPECT_EQ(row.request_id, "req-partner-1");
  expect_cache_matches(r->connection);
}

TEST_F(ConsentService, PartnerAsksAgainWhilePending) {
  auto first = service_->request(app("lgfl"), kSchool, "req-1");
  ASSERT_TRUE(first.ok()) << first.error().message;
  const auto audit_after_first = store_->audit_count();
  clock_.advance(1min);
  auto again = service_->request(app("lgfl"), kSchool, "req-2");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->connection.status, ConnectionStatus::pending);
  EXPECT_EQ(again->connection.revision, first->connection.revision);
  EXPECT_EQ(again->connection.requested_at, first->connection.requested_at);
  EXPECT_EQ(store_->audit_count(), audit_after_first);
}

TEST_F(ConsentService, PartnerAsksAgainOnceApproved) {
  const auto before = state();
  auto r = service_->request(app("wonde"), kSchool, "req");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->created);
  EXPECT_EQ(r->connection.status, ConnectionStatus::approved);
  EXPECT_EQ(state(), before);
}

TEST_F(ConsentService, PartnerRequestAfterRejection) {
  const auto before = state();
  auto r = service_->request(app("studybugs"), kSchool, "req");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::request_rejected);
  EXPECT_NE(r.error().message.find("Oakfield Primary School"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(state(), before);
}

TEST_F(ConsentService, PartnerRequestFromCompetitor) {
  const auto before = state();
  auto r = service_->request(app("rival-mis"), kSchool, "req");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::competitor_not_connectable);
  EXPECT_EQ(state(), before);
}

TEST_F(ConsentService, PartnerRequestFromNotLiveApp) {
  const auto before = state();
  auto r = service_->request(app("lessonloop"), kSchool, "req");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::application_not_live);
  EXPECT_NE(r.error().message.find("Application Not Live"), std::string::npos) << r.error().message;
  EXPECT_EQ(state(), before);
}

TEST_F(ConsentService, PartnerRequestToUnknownSchool) {
  const auto before = state();
  for (const char* school : {"nowhere-school", "oakfield-trust", ""}) {
    auto r = service_->request(app("lgfl"), school, "req");
    ASSERT_FALSE(r.ok()) << school;
    EXPECT_EQ(r.error().code, Errc::unknown_school) << school;
  }
  EXPECT_EQ(state(), before);
}

TEST_F(ConsentService, SchoolAndAppLookups) {
  auto school = service_->school(kSchool);
  ASSERT_TRUE(school.ok());
  EXPECT_EQ(school->name, "Oakfield Primary School");
  EXPECT_EQ(service_->school("oakfield-trust").error().code, Errc::unknown_school);
  auto a = service_->app("parentpay");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)->id, "parentpay");
  EXPECT_EQ(service_->app("nope").error().code, Errc::unknown_app);
  EXPECT_EQ(service_->connection(kSchool, "lgfl").error().code, Errc::connection_not_found);
}

TEST_F(ConsentService, ListByStatus) {
  const auto ids = [](const std::vector<store::Connection>& list) {
    std::vector<std::string> out;
    for (const auto& c : list)
      out.push_back(c.app_id);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids(service_->list(kSchool, ConnectionStatus::pending)), (V{"hodder", "parentpay"}));
  EXPECT_EQ(ids(service_->list(kSchool, ConnectionStatus::approved)), (V{"cpoms", "wonde"}));
  EXPECT_EQ(ids(service_->list(kSchool, ConnectionStatus::rejected)), (V{"studybugs"}));
  EXPECT_EQ(service_->list(kSchool, std::nullopt).size(), 5u);
}

TEST(ConsentCacheEntry, MirrorsTheConnection) {
  store::Connection c;
  c.permission_set_version = 7;
  c.revision = 12;
  for (auto [status, presence] :
       {std::pair{ConnectionStatus::pending, cache::Presence::pending},
        std::pair{ConnectionStatus::approved, cache::Presence::approved},
        std::pair{ConnectionStatus::rejected, cache::Presence::rejected}}) {
    c.status = status;
    const auto e = cache_entry_for(c);
    EXPECT_EQ(e.presence, presence);
    EXPECT_EQ(e.permission_set_version, 7);
    EXPECT_EQ(e.revision, 12);
  }
}

// ---- Acting via the trust ----

constexpr char kDana[] = "dana.central@oakfield.example";  // trust central team

TEST_F(ConsentService, TrustUserIsRefusedUntilTheTermsAreAccepted) {
  const auto via_trust = actor(kDana);
  ASSERT_TRUE(via_trust.via_trust);
  const auto before = state();
  for (auto action : {AdminAction::approve, AdminAction::reject, AdminAction::cancel}) {
    auto r = service_->decide(via_trust, "parentpay", action, "req");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::terms_not_accepted);
    ASSERT_EQ(r.error().terms.size(), 1u);
    EXPECT_EQ(r.error().terms[0].site, kSchool);
    EXPECT_EQ(r.error().terms[0].version, via_trust.required_terms->version);
    EXPECT_EQ(r.error().terms[0].title, via_trust.required_terms->title);
  }
  // Before anything else: even an unknown app is refused for the terms.
  EXPECT_EQ(service_->decide(via_trust, "no-such-app", AdminAction::approve, "req").error().code,
            Errc::terms_not_accepted);
  EXPECT_EQ(state(), before);
}

TEST_F(ConsentService, TrustUserDecidesAfterAcceptingAndTheAuditSaysViaTrust) {
  const auto via_trust = actor(kDana);
  const int version = via_trust.required_terms->version;
  auto accepted = service_->accept_terms(via_trust, version, "req-terms");
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_TRUE(accepted->created);
  EXPECT_EQ(accepted->acceptance.site_id, kSchool);
  EXPECT_EQ(accepted->acceptance.acting_site, "oakfield-trust");
  EXPECT_EQ(accepted->acceptance.accepted_at, clock_.now());
  EXPECT_EQ(accepted->acceptance.request_id, "req-terms");

  const auto audit_before = store_->audit_count();
  auto r = service_->decide(via_trust, "parentpay", AdminAction::approve, "req-approve");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->decided_by, kDana);
  EXPECT_EQ(store_->audit_count(), audit_before + 1);
  const auto row = last_audit();
  EXPECT_EQ(row.actor, kDana);
  EXPECT_EQ(row.actor_site, "oakfield-trust");
  EXPECT_EQ(row.actor_role, "trust_central_team");
  EXPECT_TRUE(row.via_trust);

  // The acceptance is for this school only.
  auto elsewhere =
      service_->decide(actor(kDana, "hazelwood-primary"), "studybugs", AdminAction::approve, "req");
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.error().code, Errc::terms_not_accepted);
}

TEST_F(ConsentService, AcceptingAgainKeepsTheFirstAcceptance) {
  const auto via_trust = actor(kDana);
  const int version = via_trust.required_terms->version;
  auto first = service_->accept_terms(via_trust, version, "req-1");
  ASSERT_TRUE(first.ok());
  clock_.advance(1h);
  auto again = service_->accept_terms(via_trust, version, "req-2");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->acceptance, first->acceptance);
}

TEST_F(ConsentService, AcceptingAnotherVersionIsRefused) {
  const auto via_trust = actor(kDana);
  const int version = via_trust.required_terms->version;
  auto r = service_->accept_terms(via_trust, version + 1, "req");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::terms_changed);
  EXPECT_TRUE(store_->terms_accepted_by(via_trust.user_id).empty());
}

TEST_F(ConsentService, ANewTermsVersionMustBeAcceptedAgain) {
  auto via_trust = actor(kDana);
  ASSERT_TRUE(service_->accept_terms(via_trust, via_trust.required_terms->version, "r").ok());
  ASSERT_TRUE(service_->terms_accepted(via_trust).ok());
  Site school = store_->find_site(kSchool).value();
  school.terms.version += 1;
  ASSERT_EQ(store_->upsert_site(school), store::Upsert::changed);
  via_trust = actor(kDana);
  auto refused = service_->decide(via_trust, "parentpay", AdminAction::approve, "req");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::terms_not_accepted);
  EXPECT_EQ(refused.error().terms.at(0).version, school.terms.version);
}

TEST_F(ConsentService, SchoolAdminsNeedNoTermsAndAcceptNone) {
  EXPECT_TRUE(service_->terms_accepted(actor()).ok());
  auto r = service_->accept_terms(actor(), 1, "req");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::forbidden);
}

// ---- Notifications ----

TEST_F(ConsentService, APartnerRequestNotifiesTheSchoolOnce) {
  const auto amir = store_->find_user_by_email(kAmir).value();
  const std::vector<std::string> schools{kSchool};
  ASSERT_TRUE(store_->notifications_for(amir.id, schools, 10, std::nullopt).items.empty());
  ASSERT_TRUE(service_->request(app("lgfl"), kSchool, "req-partner").ok());
  auto page = store_->notifications_for(amir.id, schools, 10, std::nullopt);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].app_id, "lgfl");
  EXPECT_EQ(page.items[0].kind, store::NotificationKind::connection_requested);
  EXPECT_EQ(page.items[0].request_id, "req-partner");
  EXPECT_EQ(page.items[0].created_at, clock_.now());
  // Asking again, or asking when approved, tells nobody anything new.
  ASSERT_TRUE(service_->request(app("lgfl"), kSchool, "req-again").ok());
  ASSERT_TRUE(service_->request(app("wonde"), kSchool, "req-wonde").ok());
  EXPECT_EQ(store_->notifications_for(amir.id, schools, 10, std::nullopt).items.size(), 1u);
}

}  // namespace
}  // namespace canopy::consent
