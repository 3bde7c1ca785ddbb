// `canopy serve` as deployed: session cookies are Secure unless it serves on a loopback address
// (or is told --insecure-cookies), and a service token it generates goes to a 0600 file, never
// to the log.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "support/command.hpp"
#include "support/http_client.hpp"
#include "support/serve_process.hpp"
#include "support/temp_dir.hpp"

namespace canopy::testing {
namespace {

constexpr char kEmail[] = "amir.admin@oakfield-primary.example";
constexpr char kPassword[] = "serve-security-password";
constexpr char kDecision[] =
    "/internal/v1/decisions?app=wonde&school=oakfield-primary&data_type=Student&operation=read";

class ServeSecurity : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto in = dir.write("password.txt", std::string(kPassword) + "\n");
    const std::string env = "cd " + quote(CANOPY_SOURCE_DIR) +
                            " && CANOPY_DB=" + quote(db().string()) + " " + quote(CANOPY_BINARY);
    ASSERT_EQ(run_command(env + " tenants import tenants", dir.path()).exit_code, 0);
    ASSERT_EQ(run_command(
                  env + " users set-password " + kEmail + " --cost minimum <" + quote(in.string()),
                  dir.path())
                  .exit_code,
              0);
  }
  std::filesystem::path db() const { return dir.path() / "canopy.db"; }
  std::map<std::string, std::string> env() const {
    return {{"CANOPY_DB", db().string()},
            {"CANOPY_SERVICE_TOKEN", "serve-security-token-0123456789abcdef"}};
  }
  // The Set-Cookie of a browser sign-in.
  static std::string cookie(const ServeProcess& serve) {
    const auto r =
        HttpClient(serve.port())
            .post_json("/api/v1/session",
                       nlohmann::json{{"email", kEmail}, {"password", kPassword}}.dump());
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.header("set-cookie");
  }
  static bool secure(const std::string& set_cookie) {
    return set_cookie.find("; Secure") != std::string::npos;
  }

  TempDir dir;
};

TEST_F(ServeSecurity, CookiesAreSecureUnlessServedOnLoopback) {
  {
    ServeProcess serve({"--no-access-log", "--listen", "0.0.0.0:0"}, env());
    const auto c = cookie(serve);
    EXPECT_TRUE(secure(c)) << c;
  }
  {
    ServeProcess serve({"--no-access-log"}, env());  // 127.0.0.1
    const auto c = cookie(serve);
    EXPECT_FALSE(secure(c)) << c;
  }
  {
    ServeProcess serve({"--no-access-log", "--listen", "0.0.0.0:0", "--insecure-cookies"}, env());
    const auto c = cookie(serve);
    EXPECT_FALSE(secure(c)) << c;
  }
  {
    // Behind a TLS proxy on the same host: loopback, but the browser speaks HTTPS.
    ServeProcess serve({"--no-access-log", "--secure-cookies"}, env());
    const auto c = cookie(serve);
    EXPECT_TRUE(secure(c)) << c;
  }
}

// A service token short enough to guess is refused before anything listens; the message says
// how long, never the token.
TEST_F(ServeSecurity, AShortServiceTokenIsRefusedAtStart) {
  // `tokens`: the environment's assignments, given to the server itself.
  const auto serve = [&](const std::string& tokens) {
    return run_command("cd " + quote(CANOPY_SOURCE_DIR) + " && " + tokens +
                           " CANOPY_DB=" + quote(db().string()) + " timeout 20 " +
                           quote(CANOPY_BINARY) + " serve --listen 127.0.0.1:0 --no-access-log",
                       dir.path());
  };
  const std::string short_token(31, 'x');
  const auto refused = serve("CANOPY_SERVICE_TOKEN=" + short_token);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("the service token is 31 bytes; it must be at least 32"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(refused.err.find(short_token), std::string::npos) << refused.err;
  const auto previous = serve("CANOPY_SERVICE_TOKEN=" + std::string(32, 'y') +
                              " CANOPY_SERVICE_TOKEN_PREVIOUS=short");
  EXPECT_EQ(previous.exit_code, 1);
  EXPECT_NE(previous.err.find("the previous service token is 5 bytes"), std::string::npos)
      << previous.err;
  // The device-cookie key, likewise: whoever has it skips sign-in's shared throttles.
  const std::string token = "CANOPY_SERVICE_TOKEN=" + std::string(32, 'y');
  const auto key = serve(token + " CANOPY_DEVICE_COOKIE_KEY=" + std::string(20, 'k'));
  EXPECT_EQ(key.exit_code, 1);
  EXPECT_NE(key.err.find("the device-cookie key is 20 bytes; it must be at least 32"),
            std::string::npos)
      << key.err;
  const auto alone = serve(token + " CANOPY_DEVICE_COOKIE_KEY_PREVIOUS=" + std::string(32, 'k'));
  EXPECT_EQ(alone.exit_code, 1);
  EXPECT_NE(alone.err.find("a previous device-cookie key needs a current one"), std::string::npos)
      << alone.err;
}

TEST_F(ServeSecurity, GeneratedServiceTokenGoesToAPrivateFileNotTheLog) {
  const auto log = dir.path() / "serve.log";
  const auto token_file = dir.path() / "service-token";  // the default: beside the database
  std::string token;
  {
    ServeProcess serve({"--no-access-log"}, {{"CANOPY_DB", db().string()}}, log.string());
    ASSERT_TRUE(std::filesystem::exists(token_file));
    struct stat st {};
    ASSERT_EQ(::stat(token_file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    token = slurp(token_file);
    while (!token.empty() && token.back() == '\n')
      token.pop_back();
    ASSERT_EQ(token.size(), 43u);
    EXPECT_EQ(HttpClient(serve.port()).get(kDecision, bearer(token)).status, 200u);
    EXPECT_EQ(HttpClient(serve.port()).get(kDecision, bearer("something else")).status, 401u);
    serve.terminate();
  }
  const auto logged = slurp(log);
  EXPECT_EQ(logged.find(token), std::string::npos) << logged;
  EXPECT_NE(logged.find(token_file.string()), std::string::npos) << logged;

  // Written once: the next start uses the same token (the gateway's copy keeps working).
  ServeProcess again({"--no-access-log"}, {{"CANOPY_DB", db().string()}}, log.string());
  EXPECT_EQ(HttpClient(again.port()).get(kDecision, bearer(token)).status, 200u);
  EXPECT_EQ(slurp(log).find(token), std::string::npos);

  // Elsewhere when asked.
  const auto other = dir.path() / "elsewhere" / "token";
  std::filesystem::create_directories(other.parent_path());
  ServeProcess third({"--no-access-log", "--generated-service-token-file", other.string()},
                     {{"CANOPY_DB", db().string()}}, log.string());
  EXPECT_TRUE(std::filesystem::exists(other));
}

}  // namespace
}  // namespace canopy::testing
