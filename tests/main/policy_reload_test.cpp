// Safe policy rollout across two `canopy serve` replicas, on SQLite (two
// processes on one file, each with its own cache) and, built with CANOPY_TEST_ON_MARIADB, on
// MariaDB and Redis. The policies change on disk and each replica reloads them without a
// restart, one by SIGHUP, the other by `canopy policies reload`:
//   - a grown set: every approved school is still allowed what it approved, and denied the
//     addition until it approves again;
//   - a shrunk set: what it dropped is denied on both replicas as soon as they have reloaded;
//   - files that do not validate: both keep the policies in force, and say where the problem is.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <random>
#include <thread>

#include "support/command.hpp"
#include "support/http_client.hpp"
#include "support/serve_process.hpp"
#include "support/servers.hpp"
#include "support/temp_dir.hpp"

namespace canopy::testing {
namespace {

constexpr char kToken[] = "policy-reload-token-0123456789abcdef";
constexpr char kAdmin[] = "amir.admin@oakfield-primary.example";
constexpr char kPassword[] = "policy reload password";
constexpr char kMacKey[] = "policy-reload-mac-key-0123456789abcdef";

// cpoms's sets. Version 2 is the repository's (what the demo schools approved at import).
constexpr char kHead[] = R"(app:
  id: cpoms
  name: CPOMS
  vendor: CPOMS Systems Ltd
  kind: partner
  live: true
  competitor: false
)";
constexpr char kV2[] = R"(
    data_types:
      - {type: Student, fields: all, operations: [read]}
      - {type: Staff, fields: [title, firstName, lastName, workEmail, jobTitle], operations: [read]}
      - {type: BehaviouralIncident, fields: all, operations: [read, write, update]}
      - {type: MedicalCondition, fields: all, operations: [read]}
)";
// Version 3 adds AttendanceMark.
constexpr char kV3[] = R"(
    data_types:
      - {type: Student, fields: all, operations: [read]}
      - {type: Staff, fields: [title, firstName, lastName, workEmail, jobTitle], operations: [read]}
      - {type: BehaviouralIncident, fields: all, operations: [read, write, update]}
      - {type: MedicalCondition, fields: all, operations: [read]}
      - {type: AttendanceMark, fields: all, operations: [read]}
)";
// Version 4 drops MedicalCondition.
constexpr char kV4[] = R"(
    data_types:
      - {type: Student, fields: all, operations: [read]}
      - {type: Staff, fields: [title, firstName, lastName, workEmail, jobTitle], operations: [read]}
      - {type: BehaviouralIncident, fields: all, operations: [read, write, update]}
      - {type: AttendanceMark, fields: all, operations: [read]}
)";

// A permission_set at `version` with `sets`, and earlier ones as history, newest first.
std::string cpoms(int version, const char* current,
                  std::vector<std::pair<int, const char*>> history = {}) {
  // The data type lists above are indented for history entries; the current one is one level up.
  std::string body = current;
  std::string dedented;
  for (std::size_t at = 0; at < body.size();) {
    const auto end = body.find('\n', at);
    std::string line = body.substr(at, end - at);
    if (line.rfind("  ", 0) == 0) line = line.substr(2);
    dedented += line + "\n";
    at = end == std::string::npos ? body.size() : end + 1;
  }
  std::string out =
      std::string(kHead) + "permission_set:\n  version: " + std::to_string(version) + dedented;
  if (!history.empty()) out += "history:\n";
  for (const auto& [v, sets] : history)
    out += "  - version: " + std::to_string(v) + sets;
  return out;
}

class PolicyReloadReplicas : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::copy(std::string(CANOPY_SOURCE_DIR) + "/policies", policies(),
                          std::filesystem::copy_options::recursive);
    env_ = {{"CANOPY_SERVICE_TOKEN", kToken}};
    std::vector<std::string> args = {
        "--no-access-log",   "--password-cost", "minimum", "--policies",
        policies().string(), "--log-format",    "text"};
#ifdef CANOPY_TEST_ON_MARIADB
    const auto& servers = TestServers::get();
    std::mt19937_64 rng(std::random_device{}());
    const std::string database = "canopy_p_" + std::to_string(rng() % 1000000000);
    const std::string mysql = "mariadb --no-defaults -h127.0.0.1 -P" +
                              std::to_string(servers.mysql_port) + " -u" + servers.mysql_user +
                              " -p" + servers.mysql_password;
    ASSERT_EQ(std::system((mysql + " -e 'CREATE DATABASE " + database + "'").c_str()), 0);
    env_.insert({{"CANOPY_STORE", "mysql"},
                 {"CANOPY_MYSQL_HOST", "127.0.0.1"},
                 {"CANOPY_MYSQL_PORT", std::to_string(servers.mysql_port)},
                 {"CANOPY_MYSQL_USER", servers.mysql_user},
                 {"CANOPY_MYSQL_PASSWORD", servers.mysql_password},
                 {"CANOPY_MYSQL_DATABASE", database},
                 {"CANOPY_REDIS_PASSWORD", servers.redis_password},
                 { "CANOPY_REDIS_MAC_KEY",
                   kMacKey }});
    args.insert(args.end(),
                {"--cache", "redis", "--redis", "127.0.0.1:" + std::to_string(servers.redis_port),
                 "--redis-prefix", "canopy-p-" + std::to_string(rng() % 1000000000), "--lease-ms",
                 "1000", "--redis-user", servers.redis_user});
#else
    env_["CANOPY_DB"] = (dir_.path() / "canopy.db").string();
#endif
    // Imported under the repository's policies: the approvals are of cpoms version 2.
    ASSERT_EQ(canopy("tenants import tenants").exit_code, 0);
    const auto password = dir_.write("password.txt", std::string(kPassword) + "\n");
    ASSERT_EQ(canopy(std::string("users set-password ") + kAdmin + " --cost minimum <" +
                     quote(password.string()))
                  .exit_code,
              0);
    a_ = std::make_unique<ServeProcess>(args, env_, (dir_.path() / "a.log").string());
    b_ = std::make_unique<ServeProcess>(args, env_, (dir_.path() / "b.log").string());
  }

  std::filesystem::path policies() const {
    return dir_.path() / "policies";
  }
  void write_cpoms(const std::string& text) const {
    std::ofstream(policies() / "apps" / "cpoms.yaml") << text;
  }
  CommandResult canopy(const std::string& args) const {
    std::string command = "cd " + quote(CANOPY_SOURCE_DIR) + " &&";
    for (const auto& [k, v] : env_)
      command += " " + k + "=" + quote(v);
    return run_command(command + " " + quote(CANOPY_BINARY) + " " + args, dir_.path());
  }

  static std::string decide(const ServeProcess& replica, const std::string& data_type) {
    const auto r =
        HttpClient(replica.port())
            .get("/internal/v1/decisions?app=cpoms&school=oakfield-primary&data_type=" + data_type +
                     "&operation=read",
                 bearer(kToken));
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json()["allow"] ? "allow" : r.json()["reason"].get<std::string>();
  }
  // Reloads run on their own after SIGHUP: wait until the replica has applied `n` of them.
  static bool reloaded(const ServeProcess& replica, int n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    const std::string series =
        "canopy_policy_reloads_total{result=\"applied\"} " + std::to_string(n);
    while (std::chrono::steady_clock::now() < deadline) {
      if (HttpClient(replica.port()).get("/metrics").body.find(series) != std::string::npos)
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  // A by SIGHUP, B by `canopy policies reload`; true when both applied reload number `n`.
  bool reload_both(int n) {
    a_->signal(SIGHUP);
    const auto cli = canopy("policies reload --url http://127.0.0.1:" + std::to_string(b_->port()));
    EXPECT_EQ(cli.exit_code, 0) << cli.out << cli.err;
    EXPECT_NE(cli.out.find("reloaded: policies "), std::string::npos) << cli.out;
    return reloaded(*a_, n) && reloaded(*b_, n);
  }

  TempDir dir_;
  std::map<std::string, std::string> env_;
  std::unique_ptr<ServeProcess> a_;
  std::unique_ptr<ServeProcess> b_;
};

TEST_F(PolicyReloadReplicas, GrowKeepsApprovalsShrinkDeniesAtOnceBadFilesAreKeptOut) {
  for (const auto* replica : {a_.get(), b_.get()}) {
    EXPECT_EQ(decide(*replica, "MedicalCondition"), "allow");
    EXPECT_EQ(decide(*replica, "AttendanceMark"), "data_type_not_granted");
  }

  // Grown: version 3 adds AttendanceMark. Oakfield Primary keeps what it approved at 2.
  write_cpoms(cpoms(3, kV3, {{2, kV2}}));
  ASSERT_TRUE(reload_both(1));
  for (const auto* replica : {a_.get(), b_.get()}) {
    EXPECT_EQ(decide(*replica, "Student"), "allow");
    EXPECT_EQ(decide(*replica, "MedicalCondition"), "allow");
    EXPECT_EQ(decide(*replica, "AttendanceMark"), "reconsent_required");
  }
  // Approving again (on A) grants version 3.
  HttpClient api(a_->port());
  const auto token =
      api.post_json(
             "/api/v1/session",
             nlohmann::json{{"email", kAdmin}, {"password", kPassword}, {"token", true}}.dump())
          .json()["token"]
          .get<std::string>();
  const auto approved =
      api.request("POST", "/api/v1/schools/oakfield-primary/apps/cpoms/approve", {}, bearer(token));
  ASSERT_EQ(approved.status, 200u) << approved.body;
  EXPECT_EQ(approved.json()["permission_set_version"], 3);
  EXPECT_EQ(decide(*a_, "AttendanceMark"), "allow");
#ifdef CANOPY_TEST_ON_MARIADB
  // Replicas share the change through Redis (with SQLite each process keeps its own cache, and
  // B goes on answering from what it read before: the narrower grant).
  EXPECT_EQ(decide(*b_, "AttendanceMark"), "allow");
#endif

  // Shrunk: version 4 drops MedicalCondition. Denied on both as soon as they have reloaded,
  // whatever they cached, for the school approved at 3 and for one still at 2.
  write_cpoms(cpoms(4, kV4, {{3, kV3}, {2, kV2}}));
  ASSERT_TRUE(reload_both(2));
  for (const auto* replica : {a_.get(), b_.get()}) {
    EXPECT_EQ(decide(*replica, "MedicalCondition"), "data_type_not_granted");
    EXPECT_EQ(decide(*replica, "Student"), "allow");
    const auto meadowbank = HttpClient(replica->port())
                                .get(
                                    "/internal/v1/decisions?app=cpoms&school=meadowbank-infant&"
                                    "data_type=MedicalCondition&operation=read",
                                    bearer(kToken));
    EXPECT_EQ(meadowbank.json()["reason"], "data_type_not_granted") << meadowbank.body;
  }

  // Files that do not validate: both keep version 4, and the problem is named with its line.
  write_cpoms(cpoms(5, kV4, {{5, kV3}}));  // a history version not below the current one
  a_->signal(SIGHUP);
  const auto cli = canopy("policies reload --url http://127.0.0.1:" + std::to_string(b_->port()));
  EXPECT_EQ(cli.exit_code, 1) << cli.out << cli.err;
  EXPECT_NE(cli.err.find("cpoms.yaml:16: history lists earlier versions, newest first"),
            std::string::npos)
      << cli.err;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (slurp(dir_.path() / "a.log").find("policy reload refused") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // The log is flushed at once on an error.
  EXPECT_NE(slurp(dir_.path() / "a.log").find("cpoms.yaml:16: history lists"), std::string::npos);
  for (const auto* replica : {a_.get(), b_.get()}) {
    EXPECT_TRUE(reloaded(*replica, 2));
    EXPECT_EQ(decide(*replica, "MedicalCondition"), "data_type_not_granted");
    EXPECT_EQ(decide(*replica, "Student"), "allow");
    EXPECT_NE(HttpClient(replica->port())
                  .get("/metrics")
                  .body.find("canopy_policy_reloads_total{result=\"refused\"} 1"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace canopy::testing
