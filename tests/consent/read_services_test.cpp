// Tests what the handlers read through instead of the store: a person's notifications
// (consent::Inbox), the audit trail's pages (consent::AuditLog), idempotency keys
// (consent::IdempotencyKeys) and who is where (tenancy::Directory).
#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <string>

#include "cache/local_cache.hpp"
#include "consent/audit_log.hpp"
#include "consent/idempotency_keys.hpp"
#include "consent/inbox.hpp"
#include "consent/service.hpp"
#include "support/demo_world.hpp"
#include "tenancy/directory.hpp"

namespace canopy::consent {
namespace {

using namespace std::chrono_literals;

constexpr char kAmir[] = "amir.admin@oakfield-primary.example";         // admin, oakfield-primary
constexpr char kJoanne[] = "joanne.hughes@oakfield-primary.example";    // no admin role there
constexpr char kClaire[] = "claire.brennan@hazelwood-primary.example";  // admin, hazelwood
constexpr char kDana[] = "dana.central@oakfield.example";               // the trust's central team
constexpr char kOakfield[] = "oakfield-primary";
constexpr char kHazelwood[] = "hazelwood-primary";

class ReadServices : public testing::DemoWorldTest {
 protected:
  void SetUp() override {
    DemoWorldTest::SetUp();
    directory_ = std::make_unique<tenancy::Directory>(*live_, *store_, *store_, *store_);
    consent_ = std::make_unique<Service>(*live_, *store_, *store_, *store_, cache_, clock_);
    inbox_ = std::make_unique<Inbox>(*store_, *directory_, clock_);
    audit_ = std::make_unique<AuditLog>(*store_, *directory_);
    keys_ = std::make_unique<IdempotencyKeys>(*store_, clock_);
    clock_.advance(1h);
  }

  User user(std::string_view email) {
    auto u = store_->find_user_by_email(email);
    if (!u) throw std::logic_error("no user " + std::string(email));
    return *u;
  }

  // A partner's request, which notifies the school's people.
  void request(std::string_view app, std::string_view school) {
    const auto* a = policy_->find_app(app);
    ASSERT_NE(a, nullptr);
    ASSERT_TRUE(consent_->request(*a, school, "req-" + std::string(app)).ok());
  }

  void sign_in_attempt(std::string_view email, std::string outcome) {
    clock_.advance(1s);
    store_->record_login({.email = std::string(email),
                          .user_id = user(email).id,
                          .at = clock_.now(),
                          .address = "192.0.2.1",
                          .user_agent = "test",
                          .outcome = std::move(outcome)});
  }

  cache::LocalCache cache_;
  std::unique_ptr<tenancy::Directory> directory_;
  std::unique_ptr<Service> consent_;
  std::unique_ptr<Inbox> inbox_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<IdempotencyKeys> keys_;
};

TEST_F(ReadServices, TheDirectoryNamesTheErrorToAnswer) {
  EXPECT_EQ(directory_->site("no-such-site").error().code, Errc::unknown_site);
  EXPECT_EQ(directory_->trust(kOakfield).error().code, Errc::unknown_trust);  // a school
  EXPECT_EQ(directory_->trust("no-such-trust").error().code, Errc::unknown_trust);
  ASSERT_TRUE(directory_->trust("oakfield-trust").ok());
  EXPECT_EQ(directory_->site(kOakfield)->kind, SiteKind::school);
}

TEST_F(ReadServices, ASitesPeopleCarryTheirNewestSignIn) {
  sign_in_attempt(kAmir, "invalid_credentials");
  sign_in_attempt(kAmir, "success");
  const auto people = directory_->users_of_site(kOakfield);
  ASSERT_EQ(people.size(), 2u);
  for (const auto& p : people) {
    if (p.user.email == kAmir) {
      ASSERT_TRUE(p.last_sign_in.has_value());
      EXPECT_EQ(p.last_sign_in->outcome, "success");
    } else {
      EXPECT_EQ(p.user.email, kJoanne);
      EXPECT_FALSE(p.last_sign_in.has_value());
    }
  }
}

TEST_F(ReadServices, SignInsComeInPagesAndOnlyForTheSitesOwnPeople) {
  for (int i = 0; i < 3; ++i)
    sign_in_attempt(kAmir, "success");
  const auto oakfield = *directory_->site(kOakfield);
  const auto first = directory_->sign_ins(oakfield, kAmir, 2, std::nullopt);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->attempts.size(), 2u);
  EXPECT_TRUE(first->more);
  const auto rest = directory_->sign_ins(oakfield, kAmir, 2, first->attempts.back().id);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->attempts.size(), 1u);
  EXPECT_FALSE(rest->more);
  // Amir is not one of Hazelwood's people: a manager there learns nothing of him.
  const auto hazelwood = *directory_->site(kHazelwood);
  EXPECT_EQ(directory_->sign_ins(hazelwood, kAmir, 2, std::nullopt).error().code,
            Errc::unknown_user);
}

TEST_F(ReadServices, TheInboxShowsOnlyTheSchoolsInReach) {
  request("groupcall", kOakfield);
  request("wonde", kHazelwood);
  const auto amir = inbox_->list(user(kAmir), 10, std::nullopt);
  ASSERT_EQ(amir.page.items.size(), 1u);
  EXPECT_EQ(amir.page.items[0].app_id, "groupcall");
  EXPECT_NE(amir.reach.find(kOakfield), nullptr);
  EXPECT_EQ(amir.reach.find(kHazelwood), nullptr);
  // The trust's central team sees both schools' together.
  EXPECT_EQ(inbox_->list(user(kDana), 10, std::nullopt).page.items.size(), 2u);
  // Someone with no admin role in the school sees none of it.
  EXPECT_TRUE(inbox_->list(user(kJoanne), 10, std::nullopt).page.items.empty());
}

TEST_F(ReadServices, MarkingReadKeepsTheFirstTimeAndRefusesOtherSchools) {
  request("groupcall", kOakfield);
  const auto id = inbox_->list(user(kAmir), 10, std::nullopt).page.items.at(0).id;
  EXPECT_FALSE(inbox_->mark_read(user(kClaire), id).has_value());
  const auto first = inbox_->mark_read(user(kAmir), id);
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(first->notification.read_at.has_value());
  EXPECT_EQ(*first->notification.read_at, clock_.now());
  clock_.advance(1min);
  const auto again = inbox_->mark_read(user(kAmir), id);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->notification.read_at, first->notification.read_at);
  // Read state is per person: the trust's central team still has it unread.
  EXPECT_EQ(inbox_->list(user(kDana), 10, std::nullopt).page.unread, 1);
}

TEST_F(ReadServices, MarkingAllReadCountsWhatWasUnread) {
  request("groupcall", kOakfield);
  request("evolve", kOakfield);
  const auto done = inbox_->mark_all_read(user(kAmir), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(done.marked, 2u);
  EXPECT_EQ(done.unread, 0);
  EXPECT_EQ(inbox_->mark_all_read(user(kAmir), std::numeric_limits<std::int64_t>::max()).marked,
            0u);
}

TEST_F(ReadServices, AnAuditPageCursorMustBeARecordOfTheReadersSchools) {
  request("groupcall", kOakfield);
  request("wonde", kHazelwood);
  store::AuditQuery query;
  query.schools = {kOakfield};
  query.limit = 1;
  const auto first = audit_->page(query, std::nullopt);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->page.items.size(), 1u);
  EXPECT_TRUE(first->page.more);
  EXPECT_TRUE(audit_->page(query, first->page.items.back().id).ok());
  // A record of Hazelwood's is no cursor for a reader of Oakfield's.
  store::AuditQuery hazelwood;
  hazelwood.schools = {kHazelwood};
  const auto theirs = audit_->page(hazelwood, std::nullopt);
  ASSERT_TRUE(theirs.ok());
  ASSERT_FALSE(theirs->page.items.empty());
  EXPECT_EQ(audit_->page(query, theirs->page.items.front().id).error().code, Errc::invalid_value);
  EXPECT_EQ(audit_->page(query, 999'999).error().code, Errc::invalid_value);
}

TEST_F(ReadServices, AnAuditPageNamesTheUsersWhoActed) {
  auto actor = school_admin(kAmir, kOakfield);
  ASSERT_TRUE(consent_->decide(actor, "parentpay", AdminAction::approve, "req-approve"));
  store::AuditQuery query;
  query.schools = {kOakfield};
  const auto entries = audit_->page(query, std::nullopt);
  ASSERT_TRUE(entries.ok());
  const auto& newest = entries->page.items.front();
  EXPECT_EQ(newest.action, "approve");
  const User* who = entries->actor_of(newest);
  ASSERT_NE(who, nullptr);
  EXPECT_EQ(who->email, kAmir);
  // The import's records name the system, no user.
  EXPECT_EQ(entries->actor_of(entries->page.items.back()), nullptr);
}

TEST_F(ReadServices, AnIdempotencyKeyRunsOnceAndReplaysItsAnswer) {
  const auto amir = user(kAmir).id;
  auto claim = keys_->claim(amir, "scope", "key-1", R"({"items":[]})");
  ASSERT_EQ(claim.claim, store::IdempotencyClaim::claimed);
  EXPECT_EQ(keys_->claim(amir, "scope", "key-1", R"({"items":[]})").claim,
            store::IdempotencyClaim::in_progress);
  EXPECT_EQ(keys_->claim(amir, "scope", "key-1", R"({"items":[1]})").claim,
            store::IdempotencyClaim::reused);
  // The same key in another scope, or of another user, is another key.
  EXPECT_EQ(keys_->claim(amir, "other", "key-1", "{}").claim, store::IdempotencyClaim::claimed);
  keys_->finish(claim.record, 200, R"({"applied":0})");
  const auto replay = keys_->claim(amir, "scope", "key-1", R"({"items":[]})");
  ASSERT_EQ(replay.claim, store::IdempotencyClaim::replay);
  EXPECT_EQ(replay.record.response_status, 200);
  EXPECT_EQ(replay.record.response_body, R"({"applied":0})");
}

TEST_F(ReadServices, AReleasedOrStaleClaimCanBeTakenAgain) {
  const auto amir = user(kAmir).id;
  auto first = keys_->claim(amir, "scope", "key-2", "{}");
  ASSERT_EQ(first.claim, store::IdempotencyClaim::claimed);
  keys_->release(first.record);
  auto second = keys_->claim(amir, "scope", "key-2", "{}");
  ASSERT_EQ(second.claim, store::IdempotencyClaim::claimed);
  clock_.advance(IdempotencyKeys::kTakeover - 1s);
  EXPECT_EQ(keys_->claim(amir, "scope", "key-2", "{}").claim, store::IdempotencyClaim::in_progress);
  clock_.advance(2s);
  const auto taken = keys_->claim(amir, "scope", "key-2", "{}");
  ASSERT_EQ(taken.claim, store::IdempotencyClaim::claimed);
  EXPECT_NE(taken.record.claim_token, second.record.claim_token);
  // The claim taken over can no longer keep its answer: nothing is written for it.
  keys_->finish(second.record, 200, "stale");
  EXPECT_EQ(keys_->claim(amir, "scope", "key-2", "{}").claim, store::IdempotencyClaim::in_progress);
}

}  // namespace
}  // namespace canopy::consent
