// Retention through its two real interfaces: `canopy housekeeping` on the database a running
// Canopy wrote, and `canopy serve`'s own hourly pass (here every 50 ms). Old sign-in attempts
// and day-old idempotency keys go; recent ones, and everything with retention 0, stay. Built
// for SQLite and, labelled mysql, for MariaDB.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "api/backend.hpp"
#include "main/commands.hpp"
#include "support/command.hpp"

namespace canopy::testing {
namespace {

using namespace std::chrono_literals;

class Housekeeping : public ::testing::Test {
 protected:
  explicit Housekeeping(cli::AppConfig config = {}) : t(std::move(config), kBackend) {}

  CommandResult canopy(const std::string& args) {
    std::string env;
    for (const auto& [k, v] : t.store_env())
      env += k + "=" + quote(v) + " ";
    return run_command("cd " + quote(CANOPY_SOURCE_DIR) + " && " + env + quote(CANOPY_BINARY) +
                           " " + args + " </dev/null",
                       dir.path());
  }

  std::int64_t amir() { return t.store().find_user_by_email(kAmir)->id; }

  void login_at(TimePoint at, const std::string& agent) {
    t.store().record_login({.email = kAmir,
                            .user_id = amir(),
                            .at = at,
                            .address = "192.0.2.7",
                            .user_agent = agent,
                            .outcome = "success"});
  }
  std::vector<std::string> agents() {
    std::vector<std::string> out;
    for (const auto& l : t.store().logins_for_user(amir(), 100, std::nullopt))
      out.push_back(l.user_agent);
    return out;
  }

  store::IdempotencyRecord key_at(TimePoint at, const std::string& key) {
    return {.user_id = amir(),
            .scope = "trust:oakfield",
            .key = key,
            .request_digest = "d",
            .claim_token = "c-" + key,
            .created_at = at,
            .started_at = at};
  }
  // Whether the store still holds `key` (claiming a held, running key reports in_progress).
  bool key_held(TimePoint at, const std::string& key) {
    const auto probe = key_at(at, key);
    const auto outcome = t.store().claim_idempotency_key(probe, at - 2h);
    if (outcome.claim == store::IdempotencyClaim::claimed) {
      t.store().release_idempotency_key(probe);
      return false;
    }
    return true;
  }

  TestApp t;
  TempDir dir;
};

TEST_F(Housekeeping, TheCommandDeletesOnlyWhatIsOlderThanTheRetention) {
  // The command runs on the real clock.
  const TimePoint now = SystemClock().now();
  login_at(now - std::chrono::days(40), "forty days ago");
  login_at(now - std::chrono::days(10), "ten days ago");
  ASSERT_EQ(t.store().claim_idempotency_key(key_at(now - 30h, "old"), now).claim,
            store::IdempotencyClaim::claimed);
  ASSERT_EQ(t.store().claim_idempotency_key(key_at(now - 1h, "new"), now - 2h).claim,
            store::IdempotencyClaim::claimed);

  auto kept = canopy("housekeeping --login-history-days 0");
  EXPECT_EQ(kept.exit_code, cli::kOk) << kept.out << kept.err;
  EXPECT_NE(kept.out.find("0 sign-in attempts (kept for good), 1 idempotency keys older than 24 "
                          "hours"),
            std::string::npos)
      << kept.out;
  EXPECT_EQ(agents(), (std::vector<std::string>{"ten days ago", "forty days ago"}));
  EXPECT_FALSE(key_held(now, "old"));
  EXPECT_TRUE(key_held(now, "new"));

  auto r = canopy("housekeeping --login-history-days 30");
  EXPECT_EQ(r.exit_code, cli::kOk) << r.out << r.err;
  EXPECT_NE(r.out.find("1 sign-in attempts older than 30 days, 0 idempotency keys"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.err, "") << "no progress when stderr is not a terminal";
  EXPECT_EQ(agents(), (std::vector<std::string>{"ten days ago"}));

  // Nothing left to delete: a second run deletes nothing.
  auto again = canopy("housekeeping --login-history-days 30");
  EXPECT_NE(again.out.find("deleted 0 expired sessions, 0 sign-in attempts"), std::string::npos)
      << again.out;
  EXPECT_EQ(canopy("housekeeping --login-history-days -1").exit_code, cli::kUsage);
}

class ServeHousekeeping : public Housekeeping {
 protected:
  static cli::AppConfig every_50ms() {
    cli::AppConfig c;
    c.housekeeping_interval = 50ms;
    c.retention.login_history = std::chrono::days(30);
    return c;
  }
  ServeHousekeeping() : Housekeeping(every_50ms()) {}
};

TEST_F(ServeHousekeeping, ServeDeletesOldRowsOnItsOwn) {
  // The app runs on the test's manual clock.
  const TimePoint now = t.clock().now();
  login_at(now - std::chrono::days(31), "a month ago");
  login_at(now - std::chrono::days(29), "within the month");
  ASSERT_EQ(t.store().claim_idempotency_key(key_at(now - 25h, "old"), now).claim,
            store::IdempotencyClaim::claimed);
  for (int i = 0; i < 200 && agents().size() > 1; ++i)
    std::this_thread::sleep_for(25ms);
  EXPECT_EQ(agents(), (std::vector<std::string>{"within the month"}));
  EXPECT_FALSE(key_held(now, "old"));
  // The service still answers while and after it cleans up.
  EXPECT_EQ(t.client().get("/readyz").status, 200u);
}

}  // namespace
}  // namespace canopy::testing
