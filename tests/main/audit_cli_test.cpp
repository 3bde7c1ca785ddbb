// `canopy audit verify` through the real executable, on the database a running Canopy wrote:
// an intact trail passes quietly; a row edited or deleted behind Canopy's back is named by
// school and record, with exit code 1. Built for SQLite and, labelled mysql, for MariaDB.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "api/backend.hpp"
#include "main/commands.hpp"
#include "support/command.hpp"

namespace canopy::testing {
namespace {

class AuditCli : public ::testing::Test {
 protected:
  TestApp t{kBackend};
  TempDir dir;

  // Runs canopy `args` against the app's database, stdout and stderr to files (not terminals).
  CommandResult canopy(const std::string& args) {
    return run_command("cd " + quote(CANOPY_SOURCE_DIR) + " && " + env() + quote(CANOPY_BINARY) +
                           " " + args + " </dev/null",
                       dir.path());
  }
  // The app's store as environment assignments for a shell command.
  std::string env() {
    std::string out;
    for (const auto& [k, v] : t.store_env())
      out += k + "=" + quote(v) + " ";
    return out;
  }

  // A few changes through Canopy's API, so the chain holds more than the import.
  void write_changes() {
    const auto amir = t.sign_in(kAmir);
    for (const auto* action : {"approve", "reject", "approve"}) {
      t.clock().advance(std::chrono::seconds(1));
      auto r = t.client().request(
          "POST", "/api/v1/schools/oakfield-primary/apps/parentpay/" + std::string(action), {},
          bearer(amir));
      ASSERT_EQ(r.status, 200u) << r.body;
    }
  }

  // oakfield-primary's record at `seq`.
  store::AuditRecord record(std::int64_t seq) {
    for (const auto& r : t.store().audit_for_school("oakfield-primary", 1000)) {
      if (r.seq == seq) return r;
    }
    ADD_FAILURE() << "no seq " << seq;
    return {};
  }
};

TEST_F(AuditCli, AnIntactTrailPassesQuietlyOffATerminal) {
  write_changes();
  auto r = canopy("audit verify");
  EXPECT_EQ(r.exit_code, cli::kOk) << r.out << r.err;
  EXPECT_NE(r.out.find("every chain intact"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(std::to_string(t.store().audit_count()) + " records"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.err, "") << "no progress when stderr is not a terminal";
}

TEST_F(AuditCli, AnEditedRowIsNamedBySchoolAndRecord) {
  write_changes();
  const auto records = t.store().audit_for_school("oakfield-primary", 1000);
  const auto edited = *std::find_if(records.begin(), records.end(),
                                    [](const auto& r) { return r.action == "approve"; });
  t.exec_sql("UPDATE audit_log SET actor = 'mallory@example.org' WHERE id = " +
             std::to_string(edited.id));
  auto r = canopy("audit verify");
  EXPECT_EQ(r.exit_code, cli::kBroken) << r.out << r.err;
  const std::string expected = "school oakfield-primary: record " + std::to_string(edited.id) +
                               " (seq " + std::to_string(edited.seq) + "): hash mismatch";
  EXPECT_NE(r.out.find(expected), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 chain broken"), std::string::npos) << r.out;
  // Other schools' chains are untouched.
  EXPECT_EQ(canopy("audit verify --school hazelwood-primary").exit_code, cli::kOk);
  auto nowhere = canopy("audit verify --school no-such-school");
  EXPECT_EQ(nowhere.exit_code, cli::kInvalid);
  EXPECT_NE(nowhere.err.find("no school 'no-such-school'"), std::string::npos) << nowhere.err;
}

TEST_F(AuditCli, ADeletedRowIsCaughtAsAGap) {
  write_changes();
  const auto deleted = record(3);
  t.exec_sql("DELETE FROM audit_log WHERE id = " + std::to_string(deleted.id));
  auto r = canopy("audit verify --school oakfield-primary");
  EXPECT_EQ(r.exit_code, cli::kBroken) << r.out << r.err;
  EXPECT_NE(r.out.find("school oakfield-primary: record " + std::to_string(record(4).id) +
                       " (seq 4): gap in seq: expected 3"),
            std::string::npos)
      << r.out;
}

TEST_F(AuditCli, ARowAddedBehindCanopysBackIsCaught) {
  t.exec_sql(
      "INSERT INTO audit_log (school_id, app_id, actor_kind, actor, actor_site, actor_role,"
      " via_trust, action, from_status, to_status, permission_set_version, at_ms, request_id)"
      " VALUES ('oakfield-primary', 'cpoms', 'user', 'mallory@example.org', 'oakfield-primary',"
      " 'school_administrator', 0, 'approve', 'pending', 'approved', 1, 5, 'forged')");
  auto r = canopy("audit verify");
  EXPECT_EQ(r.exit_code, cli::kBroken) << r.out << r.err;
  EXPECT_NE(r.out.find("school oakfield-primary: record"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not in the chain"), std::string::npos) << r.out;
}

// Under `script`, stderr is a pseudo-terminal: the progress line is drawn there.
TEST_F(AuditCli, LongCommandsShowProgressOnATerminal) {
  if (!std::filesystem::exists("/usr/bin/script")) GTEST_SKIP() << "no script(1) for a terminal";
  const auto on_a_terminal = [&](const std::string& args) {
    const auto out = dir.path() / "terminal.txt";
    const std::string inner = env() + quote(CANOPY_BINARY) + " " + args;
    const std::string cmd = "cd " + quote(CANOPY_SOURCE_DIR) + " && script -qec " + quote(inner) +
                            " /dev/null </dev/null >" + quote(out.string()) + " 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << args;
    return slurp(out);
  };
  const auto records = std::to_string(t.store().audit_count());
  const auto verified = on_a_terminal("audit verify");
  EXPECT_NE(verified.find("\r  verified " + records + " / " + records + " records (100%)"),
            std::string::npos)
      << verified;
  const auto imported = on_a_terminal("tenants import tenants");
  EXPECT_NE(imported.find("\r  imported "), std::string::npos) << imported;
  EXPECT_NE(imported.find("sites, users and connections (100%)"), std::string::npos) << imported;
}

}  // namespace
}  // namespace canopy::testing
