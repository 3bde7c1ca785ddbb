// The demo catalogue and tenants imported into a fresh SQLite store: the starting point of
// tests that exercise use cases below the HTTP layer, and DemoWorldTest, their fixture.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>

#include "core/time.hpp"
#include "policy/live.hpp"
#include "policy/snapshot.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/manual_clock.hpp"
#include "support/temp_dir.hpp"
#include "tenancy/actor.hpp"

namespace canopy::testing {

struct DemoWorld {
  std::shared_ptr<const policy::PolicySnapshot> policy;
  std::unique_ptr<store::SqliteStore> store;
};

// Loads policies/ and tenants/ from the repository and imports them into dir/canopy.db;
// throws when any of it fails (the calling test then fails).
DemoWorld load_demo_world(const std::filesystem::path& dir, const Clock& clock);

// A test over the demo world: the store in a directory of its own, the policies in force
// (`live_`, over `policy_`), a clock the test moves, and the demo's people and connections by
// name. A fixture that overrides SetUp calls DemoWorldTest::SetUp() first.
class DemoWorldTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // `email` acting as an administrator of `school` (their own school, or through its trust);
  // throws when the user or the school is missing, or the user may not act there.
  tenancy::Actor school_admin(std::string_view email, std::string_view school);
  // The connection as stored; throws when there is none.
  store::Connection stored_connection(std::string_view school, std::string_view app);
  // A change made behind the use cases' back, as an import makes it: it keeps the connection's
  // status, moves its revision and, with a `version`, moves it to that permission set.
  void touch_connection(std::string_view school, std::string_view app, std::string_view request_id,
                        std::optional<int> version = std::nullopt);

  TempDir dir_;
  ManualClock clock_;
  std::shared_ptr<const policy::PolicySnapshot> policy_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<policy::LivePolicies> live_;
};

}  // namespace canopy::testing
