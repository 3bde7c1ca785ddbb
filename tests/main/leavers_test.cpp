// Leavers lose access, through the real command line against the database a running Canopy
// uses: `canopy users disable`, `canopy tenants import --prune` and `canopy users set-password`
// each end the user's sessions at once (the same token then gets 401), and a disabled user's
// sign-in fails exactly like any other failed sign-in. Built for SQLite and, labelled mysql,
// for MariaDB.
#include <gtest/gtest.h>

#include <fstream>

#include "api/backend.hpp"
#include "main/commands.hpp"
#include "support/command.hpp"

namespace canopy::testing {
namespace {

const std::string kOakApps = "/api/v1/schools/oakfield-primary/apps";

class Leavers : public ::testing::Test {
 protected:
  CommandResult canopy(const std::string& args, const std::string& input = "") {
    std::string env;
    for (const auto& [k, v] : t.store_env())
      env += k + "=" + quote(v) + " ";
    const auto in = dir.write("stdin.txt", input);
    return run_command("cd " + quote(CANOPY_SOURCE_DIR) + " && " + env + quote(CANOPY_BINARY) +
                           " " + args + " <" + quote(in.string()),
                       dir.path());
  }

  unsigned me(const std::string& token) {
    return t.client().get("/api/v1/me", bearer(token)).status;
  }
  HttpResult sign_in(const std::string& email, const std::string& password = kPassword) {
    return t.client().post_json("/api/v1/session",
                                nlohmann::json{{"email", email}, {"password", password}}.dump());
  }
  // A failed sign-in must not tell a disabled account from a wrong password or an unknown
  // email: same status, same body.
  void expect_refused_like_a_stranger(const std::string& email) {
    const auto refused = sign_in(email);
    const auto stranger = sign_in("nobody-" + std::to_string(++strangers_) + "@example.org");
    EXPECT_EQ(refused.status, 401u) << refused.body;
    EXPECT_EQ(refused.status, stranger.status);
    EXPECT_EQ(refused.body, stranger.body);
    EXPECT_TRUE(refused.header("set-cookie").empty());
  }

  // A copy of tenants/ without Joanne (oakfield-primary's office).
  std::filesystem::path tenants_without_joanne() {
    const auto out = dir.path() / "tenants";
    std::filesystem::copy(std::string(CANOPY_SOURCE_DIR) + "/tenants", out,
                          std::filesystem::copy_options::recursive);
    const auto file = out / "oakfield-learning-trust.yaml";
    std::string text = slurp(file);
    const std::string joanne =
        "      - email: joanne.hughes@oakfield-primary.example\n"
        "        name: Joanne Hughes\n"
        "        roles: [school_office]\n";
    const auto at = text.find(joanne);
    EXPECT_NE(at, std::string::npos);
    if (at != std::string::npos) text.erase(at, joanne.size());
    std::ofstream(file) << text;
    return out;
  }

  TestApp t{kBackend};
  TempDir dir;
  int strangers_ = 0;
};

TEST_F(Leavers, DisableEndsEverySessionAtOnceAndRefusesSignIn) {
  const auto first = t.sign_in(kAmir);
  const auto second = t.sign_in(kAmir);
  const auto colleague = t.sign_in(kJoanne);
  ASSERT_EQ(me(first), 200u);
  ASSERT_EQ(me(second), 200u);

  auto r = canopy("users disable AMIR.ADMIN@oakfield-primary.example");
  ASSERT_EQ(r.exit_code, cli::kOk) << r.out << r.err;
  EXPECT_NE(r.out.find("disabled " + std::string(kAmir) + "; ended 2 sessions"), std::string::npos)
      << r.out;
  // Both tokens are refused at once: by the API and by a state-changing route alike.
  EXPECT_EQ(me(first), 401u);
  EXPECT_EQ(me(second), 401u);
  EXPECT_EQ(t.client().request("POST", kOakApps + "/parentpay/approve", {}, bearer(first)).status,
            401u);
  expect_refused_like_a_stranger(kAmir);
  // Nobody else is touched.
  EXPECT_EQ(me(colleague), 200u);

  // Again: nothing left to end, and it says so.
  auto again = canopy("users disable " + std::string(kAmir));
  EXPECT_EQ(again.exit_code, cli::kOk) << again.err;
  EXPECT_NE(again.out.find("already disabled"), std::string::npos) << again.out;

  auto enabled = canopy("users enable " + std::string(kAmir));
  ASSERT_EQ(enabled.exit_code, cli::kOk) << enabled.out << enabled.err;
  EXPECT_NE(enabled.out.find("enabled " + std::string(kAmir)), std::string::npos) << enabled.out;
  // Back with the password they had; the old tokens stay dead.
  const auto back = t.sign_in(kAmir);
  EXPECT_EQ(me(back), 200u);
  EXPECT_EQ(me(first), 401u);

  auto unknown = canopy("users disable nobody@example.org");
  EXPECT_EQ(unknown.exit_code, cli::kInvalid);
  EXPECT_NE(unknown.err.find("no user with email"), std::string::npos) << unknown.err;
}

TEST_F(Leavers, ImportWithoutPruneOnlyReportsWhoWouldGo) {
  const auto joanne = t.sign_in(kJoanne);
  const auto tenants = tenants_without_joanne();
  auto r = canopy("tenants import " + quote(tenants.string()));
  ASSERT_EQ(r.exit_code, cli::kOk) << r.out << r.err;
  EXPECT_NE(r.out.find("1 user no longer listed (run with --prune to disable):\n  " +
                       std::string(kJoanne)),
            std::string::npos)
      << r.out;
  EXPECT_EQ(me(joanne), 200u);
  EXPECT_EQ(sign_in(kJoanne).status, 201u);
}

TEST_F(Leavers, ImportWithPruneDisablesUnlistedUsersAndEndsTheirSessions) {
  const auto joanne = t.sign_in(kJoanne);
  const auto joanne_again = t.sign_in(kJoanne);
  const auto amir = t.sign_in(kAmir);
  ASSERT_EQ(me(joanne), 200u);
  const auto tenants = tenants_without_joanne();

  auto r = canopy("tenants import --prune " + quote(tenants.string()));
  ASSERT_EQ(r.exit_code, cli::kOk) << r.out << r.err;
  EXPECT_NE(r.out.find("pruned 1 user no longer listed (disabled, 2 sessions ended):\n  " +
                       std::string(kJoanne)),
            std::string::npos)
      << r.out;
  EXPECT_EQ(me(joanne), 401u);
  EXPECT_EQ(me(joanne_again), 401u);
  expect_refused_like_a_stranger(kJoanne);
  EXPECT_EQ(me(amir), 200u) << "a listed user keeps their session";
  // Disabled, not deleted: the account (and the audit trail naming it) stays.
  EXPECT_TRUE(t.store().find_user_by_email(kJoanne).has_value());

  // A second run has nobody left to prune, and does not re-enable Joanne.
  auto again = canopy("tenants import --prune " + quote(tenants.string()));
  ASSERT_EQ(again.exit_code, cli::kOk) << again.out << again.err;
  EXPECT_NE(again.out.find("pruned 0 users"), std::string::npos) << again.out;
  expect_refused_like_a_stranger(kJoanne);
}

TEST_F(Leavers, PruneRefusesTenantFilesThatListNobody) {
  const auto amir = t.sign_in(kAmir);
  const auto empty = dir.path() / "empty-tenants";
  std::filesystem::create_directories(empty);
  auto r = canopy("tenants import --prune " + quote(empty.string()));
  EXPECT_EQ(r.exit_code, cli::kInvalid) << r.out << r.err;
  EXPECT_NE(r.err.find("list no users"), std::string::npos) << r.err;
  EXPECT_EQ(me(amir), 200u);
}

TEST_F(Leavers, SetPasswordEndsEverySessionOfTheUser) {
  const auto amir = t.sign_in(kAmir);
  const auto colleague = t.sign_in(kJoanne);
  ASSERT_EQ(me(amir), 200u);
  auto r = canopy("users set-password " + std::string(kAmir) + " --cost minimum",
                  "a brand new password\n");
  ASSERT_EQ(r.exit_code, cli::kOk) << r.out << r.err;
  EXPECT_NE(r.out.find("password set for " + std::string(kAmir) + "; ended 1 session"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(me(amir), 401u);
  EXPECT_EQ(sign_in(kAmir).status, 401u) << "the old password no longer works";
  EXPECT_EQ(me(t.sign_in(kAmir, "a brand new password")), 200u);
  EXPECT_EQ(me(colleague), 200u);
}

}  // namespace
}  // namespace canopy::testing
