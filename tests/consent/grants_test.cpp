// The permission sets schools approved, kept in the store: recorded on every load, checked
// against the files, and restored when the files drop a version (issue 11, point 8).
#include <gtest/gtest.h>

#include <algorithm>

#include "consent/grants.hpp"
#include "decision/checker.hpp"

#include "support/grants.hpp"

namespace canopy::consent {
namespace {

// The store's side, in memory, with its rule: a recorded (app, version) never changes.
class MemoryGrants : public store::GrantStore {
 public:
  std::vector<store::RecordedGrant> record_grants(
      const std::vector<store::RecordedGrant>& sets) override {
    for (const auto& s : sets) {
      const bool known = std::any_of(rows.begin(), rows.end(), [&](const auto& r) {
        return r.app_id == s.app_id && r.version == s.version;
      });
      if (!known) rows.push_back(s);
    }
    auto out = rows;
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return std::tie(a.app_id, a.version) < std::tie(b.app_id, b.version);
    });
    return out;
  }
  std::vector<store::RecordedGrant> rows;
};

using testing::grant;

std::shared_ptr<const policy::PolicySnapshot> catalogue(PermissionSet current,
                                                        std::vector<PermissionSet> history = {}) {
  policy::App app;
  app.id = "grower";
  app.live = true;
  app.permissions = std::move(current);
  app.history = std::move(history);
  return std::make_shared<const policy::PolicySnapshot>(
      std::vector<policy::App>{std::move(app)}, std::vector<policy::DataTypeDef>{},
      std::vector<policy::PermissionDef>{}, std::vector<policy::BusinessRole>{});
}

const PermissionSet kV1(1, {grant("Student", {"firstName", "lastName"}, {Operation::read})});
const PermissionSet kV2(2, {grant("Student", {"firstName", "lastName", "upn"},
                                  {Operation::read, Operation::update})});

TEST(Grants, JsonRoundTripsASet) {
  const auto json = grants_json(kV2);
  const auto back = parse_grants(2, json);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(grants_json(*back), json);
  EXPECT_EQ(back->check("Student", "upn", Operation::update), GrantVerdict::granted);
  EXPECT_EQ(back->check("Student", "upn", Operation::del), GrantVerdict::operation_not_granted);
  EXPECT_FALSE(parse_grants(1, "not json").has_value());
  EXPECT_FALSE(parse_grants(1, R"([{"type":"Student","fields":[],"operations":["fly"]}])"));
}

TEST(Grants, EverySetIsRecordedOnTheFirstLoad) {
  MemoryGrants store;
  const auto loaded = catalogue(kV2, {kV1});
  const auto r = reconcile_grants(loaded, store, TimePoint{});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->restored, 0u);
  EXPECT_EQ(r->snapshot, loaded);
  ASSERT_EQ(store.rows.size(), 2u);
  EXPECT_EQ(store.rows[0].grants, grants_json(kV2));
  EXPECT_EQ(store.rows[1].grants, grants_json(kV1));
}

TEST(Grants, AVersionWhoseGrantsChangedIsRefused) {
  MemoryGrants store;
  ASSERT_TRUE(reconcile_grants(catalogue(kV1), store, TimePoint{}).ok());
  // Version 1 edited in place to grant upn too.
  const PermissionSet edited(
      1, {grant("Student", {"firstName", "lastName", "upn"}, {Operation::read})});
  const auto r = reconcile_grants(catalogue(edited), store, TimePoint{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind("apps/grower.yaml: version 1 grants other than the set "
                                    "recorded on ",
                                    0),
            0u)
      << r.error().message;
  EXPECT_EQ(store.rows.size(), 1u);
  EXPECT_EQ(store.rows[0].grants, grants_json(kV1));  // unchanged
}

TEST(Grants, AVersionTheFilesDroppedComesBackFromTheStore) {
  MemoryGrants store;
  ASSERT_TRUE(reconcile_grants(catalogue(kV1), store, TimePoint{}).ok());
  // Version 2 ships without version 1 under history: the store still knows what 1 granted.
  const auto r = reconcile_grants(catalogue(kV2), store, TimePoint{});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->restored, 1u);
  const policy::App& app = *r->snapshot->find_app("grower");
  ASSERT_NE(app.permissions_at(1), nullptr);
  // A school approved at 1 keeps what it approved, and waits for the addition.
  const cache::Entry at_v1{cache::Presence::approved, 1, 3};
  const auto ask = [&](std::optional<std::string_view> field, Operation op) {
    return decision::Checker::evaluate(app, at_v1,
                                       {.app = "grower",
                                        .school = "oak",
                                        .data_type = "Student",
                                        .operation = op,
                                        .field = field});
  };
  EXPECT_TRUE(ask("firstName", Operation::read).allow);
  EXPECT_EQ(ask("upn", Operation::read).reason, "reconsent_required");
  EXPECT_EQ(ask("firstName", Operation::update).reason, "reconsent_required");
}

TEST(Grants, ANewerVersionAnotherReplicaRecordedIsNotUsed) {
  MemoryGrants store;
  ASSERT_TRUE(reconcile_grants(catalogue(kV2), store, TimePoint{}).ok());
  // A replica still on version 1 (a rolling update) fails closed for approvals of 2.
  const auto r = reconcile_grants(catalogue(kV1), store, TimePoint{});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->restored, 0u);
  EXPECT_EQ(r->snapshot->find_app("grower")->permissions_at(2), nullptr);
}

}  // namespace
}  // namespace canopy::consent
