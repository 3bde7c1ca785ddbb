// A real Canopy on port 0 with the demo policies and tenants, for end-to-end tests.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "main/application.hpp"
#include "support/http_client.hpp"
#include "support/manual_clock.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"

namespace canopy::testing {

inline constexpr char kServiceToken[] = "test-service-token";
inline constexpr char kPassword[] = "correct horse battery";
inline constexpr char kPartnerSecret[] = "partner-secret-for-tests";

// Demo users (tenants/) the tests sign in as.
inline constexpr char kAmir[] = "amir.admin@oakfield-primary.example";  // admin, oakfield-primary
inline constexpr char kJoanne[] =
    "joanne.hughes@oakfield-primary.example";  // office, oakfield-primary
inline constexpr char kClaire[] =
    "claire.brennan@hazelwood-primary.example";  // admin, hazelwood-primary

inline constexpr char kDana[] = "dana.central@oakfield.example";  // trust central team
inline constexpr char kRhys[] = "rhys.morgan@oakfield.example";   // trust reporting, no admin

std::string source_path(const std::string& relative);
// A copy of the repository's policies/ at `dir`/policies, for a test that changes them.
std::filesystem::path copy_of_policies(const std::filesystem::path& dir);

// Which store the app runs on. MariaDB needs the servers fixture (tests labelled mysql).
enum class TestBackend { sqlite, mysql };

class TestApp {
 public:
  // Imports tenants/, gives every demo user kPassword and every app kPartnerSecret.
  explicit TestApp(cli::AppConfig overrides = {}, TestBackend backend = TestBackend::sqlite,
                   const std::function<void(cli::AppConfig&)>& configure = {});
  explicit TestApp(TestBackend backend) : TestApp(cli::AppConfig{}, backend) {}
  // `configure` runs after the fixture's own test settings, so it can change any of them.
  explicit TestApp(const std::function<void(cli::AppConfig&)>& configure,
                   TestBackend backend = TestBackend::sqlite)
      : TestApp(cli::AppConfig{}, backend, configure) {}
  ~TestApp();

  HttpClient& client() { return client_; }
  std::uint16_t port() const { return port_; }
  cli::Application& app() { return *app_; }
  store::Store& store() { return app_->store(); }
  ManualClock& clock() { return clock_; }

  // Signs in; returns the bearer token (fails the test when sign-in fails).
  std::string sign_in(const std::string& email, const std::string& password = kPassword);
  // Adds a user with kPassword (for sites and people the demo tenants do not have).
  void add_user(const std::string& email, const std::string& home_site,
                std::vector<std::string> roles);
  // A fingerprint of every connection row, the audit count, and each demo user's terms
  // acceptances and notification read state: equal before and after a refused request
  // means the request changed nothing.
  std::string state();

  // The environment that points the `canopy` executable at this app's database.
  std::map<std::string, std::string> store_env() const;
  // Runs one statement on the database behind Canopy's back (to tamper with it).
  void exec_sql(const std::string& statement);

 private:
  std::unique_ptr<TestDatabase> database_;  // with TestBackend::mysql; outlives the app
  std::vector<std::string> emails_;         // every user the app knows, for state()
  TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<cli::Application> app_;
  std::uint16_t port_ = 0;
  HttpClient client_{0};
};

}  // namespace canopy::testing
