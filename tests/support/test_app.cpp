// End-to-end fixture wiring.
#include "support/test_app.hpp"

#include "support/import.hpp"
#include "support/spec_statuses.hpp"

#include <cppconn/connection.h>
#include <cppconn/statement.h>

#include "auth/crypto.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "tenancy/importer.hpp"

namespace canopy::testing {

std::string source_path(const std::string& relative) {
  return std::string(CANOPY_SOURCE_DIR) + "/" + relative;
}

std::filesystem::path copy_of_policies(const std::filesystem::path& dir) {
  const auto root = dir / "policies";
  std::filesystem::copy(source_path("policies"), root, std::filesystem::copy_options::recursive);
  return root;
}

TestApp::TestApp(cli::AppConfig config, TestBackend backend,
                 const std::function<void(cli::AppConfig&)>& configure) {
  if (backend == TestBackend::mysql) {
    database_ = std::make_unique<TestDatabase>();
    config.store.kind = cli::StoreConfig::Kind::mysql;
    config.store.mysql = database_->config();
  } else {
    config.store.sqlite_path = dir_.path() / "canopy.db";
  }
  config.policies = source_path("policies");
  config.address = "127.0.0.1";
  config.port = 0;
  config.service_token = kServiceToken;
  config.sign_in.dummy_cost = auth::PasswordCost::minimum;
  config.sign_in.failure_delay = std::chrono::milliseconds(1);
  config.limits.access_log = false;
  if (configure) configure(config);
  auto created = cli::Application::create(config, clock_);
  if (!created) throw std::runtime_error(created.error().message);
  app_ = std::move(*created);

  auto tenants = tenancy::load_tenants(source_path("tenants"), app_->policy());
  if (!tenants.errors.empty()) throw std::runtime_error(tenants.errors.front());
  import_tenants(tenants.tenants, app_->policy(), store(), clock_);
  const auto hash = auth::hash_password(kPassword, auth::PasswordCost::minimum);
  for (const auto& user : tenants.tenants.users) {
    store().set_password_hash(store().find_user_by_email(user.email)->id, hash);
    emails_.push_back(user.email);
  }
  for (const auto& app : app_->policy().apps()) {
    store().set_partner_secret_hash(app.id, auth::digest_hex(kPartnerSecret), clock_.now());
  }
  port_ = app_->listen().port();
  client_ = HttpClient(port_);
  app_->start();
}

TestApp::~TestApp() {
  record_statuses(app_->metrics_text());
  app_->stop(std::chrono::milliseconds(2000));
  app_->wait();
}

std::string TestApp::sign_in(const std::string& email, const std::string& password) {
  auto r = client_.post_json(
      "/api/v1/session",
      nlohmann::json{{"email", email}, {"password", password}, {"token", true}}.dump());
  EXPECT_EQ(r.status, 201u) << r.body;
  return r.status == 201 ? r.json()["token"].get<std::string>() : std::string();
}

void TestApp::add_user(const std::string& email, const std::string& home_site,
                       std::vector<std::string> roles) {
  User user;
  user.email = email;
  user.name = "Test user " + email;
  user.home_site = home_site;
  user.roles = std::move(roles);
  ASSERT_EQ(store().upsert_user(user), store::Upsert::created) << email;
  store().set_password_hash(store().find_user_by_email(email)->id,
                            auth::hash_password(kPassword, auth::PasswordCost::minimum));
  emails_.push_back(email);
}

std::string TestApp::state() {
  std::string out;
  std::vector<std::string> sites;
  for (const auto& site : store().list_sites()) {
    sites.push_back(site.id);
    for (const auto& c : store().list_connections(site.id, std::nullopt)) {
      out += c.school_id + "/" + c.app_id + "=" + std::string(to_string(c.status)) + "@" +
             std::to_string(c.revision) + ";";
    }
  }
  out += "audit=" + std::to_string(store().audit_count()) + ";";
  for (const auto& email : emails_) {
    const auto user = store().find_user_by_email(email);
    for (const auto& a : store().terms_accepted_by(user->id))
      out += email + " accepted " + a.site_id + "@" + std::to_string(a.version) + ";";
    const auto page = store().notifications_for(user->id, sites, 1000, std::nullopt);
    out += email + " notifications=" + std::to_string(page.items.size()) +
           " unread=" + std::to_string(page.unread) + ";";
  }
  return out;
}

std::map<std::string, std::string> TestApp::store_env() const {
  if (!database_) return {{"CANOPY_DB", (dir_.path() / "canopy.db").string()}};
  const auto c = database_->config();
  return {{"CANOPY_STORE", "mysql"},
          {"CANOPY_MYSQL_HOST", c.host},
          {"CANOPY_MYSQL_PORT", std::to_string(c.port)},
          {"CANOPY_MYSQL_USER", c.user},
          {"CANOPY_MYSQL_PASSWORD", c.password},
          {"CANOPY_MYSQL_DATABASE", c.database}};
}

void TestApp::exec_sql(const std::string& statement) {
  if (!database_) {
    store::sqlite::Database(dir_.path() / "canopy.db").exec(statement);
    return;
  }
  auto connection = store::mysql::open_connection(database_->config());
  std::unique_ptr<sql::Statement> s(connection->createStatement());
  s->execute(statement);
}

}  // namespace canopy::testing
