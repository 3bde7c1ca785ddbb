// The `canopy` executable through its real command line: help, exit codes, validation with
// file:line, idempotent import, passwords from stdin, migrations, and serve with SIGTERM.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <boost/asio/ip/tcp.hpp>

#include "support/command.hpp"
#include "support/http_client.hpp"
#include "support/serve_process.hpp"
#include "support/temp_dir.hpp"

namespace canopy::testing {
namespace {

class Cli : public ::testing::Test {
 protected:
  // Runs canopy with `args` (already shell-quoted where needed) and `input` on stdin.
  CommandResult canopy(const std::string& args, const std::string& input = "") {
    const auto in = dir.write("stdin.txt", input);
    return run_command(std::string("cd ") + quote(CANOPY_SOURCE_DIR) +
                           " && CANOPY_DB=" + quote(db().string()) + " " + quote(CANOPY_BINARY) +
                           " " + args + " <" + quote(in.string()),
                       dir.path());
  }
  std::filesystem::path db() const { return dir.path() / "canopy.db"; }

  TempDir dir;
  boost::asio::io_context io_;
  std::vector<std::unique_ptr<boost::asio::ip::tcp::socket>> asio_holders_;
};

TEST_F(Cli, HelpListsEverySubcommand) {
  auto r = canopy("--help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* sub :
       {"serve", "migrate", "policies", "tenants", "users", "partners", "audit", "housekeeping"}) {
    EXPECT_NE(r.out.find(sub), std::string::npos) << sub;
  }
  for (const char* sub :
       {"serve --help", "migrate --help", "policies check --help", "tenants import --help",
        "users set-password --help", "users disable --help", "users enable --help",
        "partners set-secret --help", "audit verify --help", "housekeeping --help"}) {
    auto h = canopy(sub);
    EXPECT_EQ(h.exit_code, 0) << sub;
    EXPECT_NE(h.out.find("Usage"), std::string::npos) << sub;
  }
  EXPECT_NE(canopy("serve --help").out.find("--listen"), std::string::npos);
}

TEST_F(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(canopy("").exit_code, 2);
  EXPECT_EQ(canopy("frobnicate").exit_code, 2);
  EXPECT_EQ(canopy("serve --threads 0").exit_code, 2);
}

TEST_F(Cli, PoliciesCheckAcceptsTheCatalogue) {
  auto r = canopy("policies check policies");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("ok:"), std::string::npos);
}

TEST_F(Cli, PoliciesCheckRefusesADataProviderThatUpdates) {
  const auto policies = dir.path() / "policies";
  std::filesystem::copy(std::string(CANOPY_SOURCE_DIR) + "/policies", policies,
                        std::filesystem::copy_options::recursive);
  const auto wonde = policies / "apps" / "wonde.yaml";
  std::string text = slurp(wonde);
  const auto at = text.find("operations: [read]");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, std::string("operations: [read]").size(), "operations: [read, update]");
  std::ofstream(wonde) << text;
  const int line =
      1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));

  auto r = canopy("policies check " + quote(policies.string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(wonde.string() + ":" + std::to_string(line) +
                       ": data provider 'wonde' may only read"),
            std::string::npos)
      << r.err;
  // serve refuses to start on the same catalogue.
  auto serve = canopy("serve --listen 127.0.0.1:0 --policies " + quote(policies.string()));
  EXPECT_EQ(serve.exit_code, 1);
  EXPECT_NE(serve.err.find("may only read"), std::string::npos);
}

TEST_F(Cli, TenantsImportIsIdempotent) {
  auto first = canopy("tenants import tenants");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("sites: 7 created"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("connections: 27 created"), std::string::npos) << first.out;
  auto second = canopy("tenants import tenants");
  ASSERT_EQ(second.exit_code, 0);
  EXPECT_NE(second.out.find("sites: 0 created, 0 changed, 7 unchanged"), std::string::npos)
      << second.out;
  EXPECT_NE(second.out.find("users: 0 created, 0 changed"), std::string::npos);
  EXPECT_NE(second.out.find("connections: 0 created, 27 already present"), std::string::npos);
  EXPECT_EQ(second.err, "") << "no progress output when stderr is not a terminal";
}

TEST_F(Cli, TenantsImportReportsBadFiles) {
  dir.write(
      "tenants/bad.yaml",
      "school:\n  id: bad-school\n  name: Bad\n  urn: 123456\n  phase: primary\n  colour: red\n");
  auto r = canopy("tenants import " + quote((dir.path() / "tenants").string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bad.yaml:6: unknown key 'colour'"), std::string::npos) << r.err;
}

TEST_F(Cli, SetPasswordReadsStandardInput) {
  ASSERT_EQ(canopy("tenants import tenants").exit_code, 0);
  auto ok = canopy("users set-password amir.admin@oakfield-primary.example --cost minimum",
                   "a long password\n");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  auto short_one = canopy("users set-password amir.admin@oakfield-primary.example", "short\n");
  EXPECT_EQ(short_one.exit_code, 1);
  auto nobody = canopy("users set-password nobody@nowhere.example", "a long password\n");
  EXPECT_EQ(nobody.exit_code, 1);
  EXPECT_NE(nobody.err.find("no user"), std::string::npos);
}

TEST_F(Cli, PartnerSecrets) {
  auto generated = canopy("partners set-secret wonde --generate");
  EXPECT_EQ(generated.exit_code, 0) << generated.err;
  EXPECT_NE(generated.out.find("client secret: "), std::string::npos);
  EXPECT_EQ(canopy("partners set-secret wonde", "a-secret-of-enough-length\n").exit_code, 0);
  EXPECT_EQ(canopy("partners set-secret wonde", "short\n").exit_code, 1);
  EXPECT_EQ(canopy("partners set-secret no-such-app", "a-secret-of-enough-length\n").exit_code, 1);
}

TEST_F(Cli, MigrateAndRefuseANewerDatabase) {
  auto first = canopy("migrate");
  EXPECT_EQ(first.exit_code, 0);
  EXPECT_NE(first.out.find("from version 0 to"), std::string::npos) << first.out;
  EXPECT_NE(canopy("migrate").out.find("up to date"), std::string::npos);
  ASSERT_EQ(std::system(("sqlite3 " + quote(db().string()) +
                         " \"INSERT INTO schema_migrations VALUES (999, 'future', 0)\"")
                            .c_str()),
            0);
  auto newer = canopy("migrate");
  EXPECT_EQ(newer.exit_code, 3);
  EXPECT_NE(newer.err.find("newer"), std::string::npos) << newer.err;
  auto serve = canopy("serve --listen 127.0.0.1:0");
  EXPECT_NE(serve.exit_code, 0);
  EXPECT_NE(serve.err.find("newer"), std::string::npos);
}

TEST_F(Cli, ServeAnswersAndStopsOnSigterm) {
  ServeProcess serve({"--no-access-log"},
                     {{"CANOPY_DB", db().string()},
                      {"CANOPY_SERVICE_TOKEN", "cli-test-token-0123456789abcdef0123"}});
  HttpClient client(serve.port());
  EXPECT_EQ(client.get("/healthz").status, 200u);
  EXPECT_EQ(client
                .get("/internal/v1/"
                     "decisions?app=wonde&school=oakfield-primary&data_type=Student&operation=read",
                     bearer("cli-test-token-0123456789abcdef0123"))
                .status,
            200u);
  const int status = serve.terminate();
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(Cli, ServeGivesTheGatewayItsOwnListener) {
  ServeProcess serve(
      {"--no-access-log", "--internal-listen", "127.0.0.1:0", "--max-connections-per-address", "1"},
      {{"CANOPY_DB", db().string()},
       {"CANOPY_SERVICE_TOKEN", "cli-test-token-0123456789abcdef0123"}});
  const std::string marker = ", internal routes on http://127.0.0.1:";
  const auto at = serve.banner().find(marker);
  ASSERT_NE(at, std::string::npos) << serve.banner();
  const auto internal =
      static_cast<std::uint16_t>(std::stoi(serve.banner().substr(at + marker.size())));
  const std::string decision =
      "/internal/v1/decisions?app=wonde&school=oakfield-primary&data_type=Student&operation=read";
  EXPECT_EQ(
      HttpClient(internal).get(decision, bearer("cli-test-token-0123456789abcdef0123")).status,
      200u);
  EXPECT_EQ(
      HttpClient(serve.port()).get(decision, bearer("cli-test-token-0123456789abcdef0123")).status,
      404u);
  // --max-connections-per-address 1: a second connection from the same address is refused.
  asio_holders_.push_back(std::make_unique<boost::asio::ip::tcp::socket>(io_));
  asio_holders_.back()->connect({boost::asio::ip::make_address("127.0.0.1"), serve.port()});
  HttpResult refused;
  for (int i = 0; i < 200 && refused.status != 503; ++i)
    refused = HttpClient(serve.port()).get("/healthz");
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(HttpClient(serve.port(), "127.0.0.2").get("/healthz").status, 200u);
  EXPECT_EQ(
      run_command(quote(CANOPY_BINARY) + " serve --internal-listen 8081", dir.path()).exit_code, 2);
}

TEST_F(Cli, ConfigFileRefusesUnknownKeysSecretsAndLists) {
  const auto file =
      dir.write("canopy.yaml",
                "listen: 127.0.0.1:0\nmysql-password: hunter2\ncolour: red\nthreads: [1, 2]\n"
                "secure-cookies: maybe\nlisten: 127.0.0.1:1\n");
  auto r = canopy("serve --config " + quote(file.string()));
  EXPECT_EQ(r.exit_code, 1);
  const auto f = file.string();
  EXPECT_NE(r.err.find(f + ":2: 'mysql-password' is a secret"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(f + ":3: unknown key 'colour'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(f + ":4: 'threads' takes a single value"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(f + ":5: 'secure-cookies' is a flag"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(f + ":6: key 'listen' is given twice"), std::string::npos) << r.err;
  auto bad_yaml = canopy("serve --config " + quote(dir.write("bad.yaml", "listen: [\n").string()));
  EXPECT_EQ(bad_yaml.exit_code, 1);
  EXPECT_NE(bad_yaml.err.find("bad.yaml:"), std::string::npos);
}

TEST_F(Cli, ConfigFileIsOverriddenByEnvironmentAndCommandLine) {
  // The file's listen address and database are both unusable; the command line (listen) and the
  // environment (CANOPY_DB) replace them, and the file's other settings still apply.
  const auto file =
      dir.write("canopy.yaml",
                "listen: 256.0.0.1:99999\ndb: /nonexistent/dir/canopy.db\nno-access-log: true\n"
                "max-connections: 3\n");
  ServeProcess serve({"--config", file.string()},
                     {{"CANOPY_DB", db().string()},
                      {"CANOPY_SERVICE_TOKEN", "cli-test-token-0123456789abcdef0123"}});
  HttpClient client(serve.port());
  EXPECT_EQ(client.get("/healthz").status, 200u);
  EXPECT_TRUE(std::filesystem::exists(db()));
  // max-connections 3 from the file: a fourth concurrent connection is refused.
  asio_holders_.resize(3);
  for (auto& h : asio_holders_) {
    h = std::make_unique<boost::asio::ip::tcp::socket>(io_);
    h->connect({boost::asio::ip::make_address("127.0.0.1"), serve.port()});
  }
  HttpResult refused;
  for (int i = 0; i < 200 && refused.status != 503; ++i)
    refused = client.get("/healthz");
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(refused.code(), "too_many_connections");
}

}  // namespace
}  // namespace canopy::testing
