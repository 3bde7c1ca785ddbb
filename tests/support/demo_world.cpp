// Building the demo world once, the same way for every test that needs it.
#include "support/demo_world.hpp"

#include <stdexcept>
#include <string>

#include "support/import.hpp"
#include "tenancy/importer.hpp"

namespace canopy::testing {

DemoWorld load_demo_world(const std::filesystem::path& dir, const Clock& clock) {
  auto loaded = policy::load_policies(std::filesystem::path(CANOPY_SOURCE_DIR) / "policies");
  if (!loaded.snapshot) throw std::runtime_error(loaded.errors.front());
  DemoWorld world{loaded.snapshot, std::make_unique<store::SqliteStore>(dir / "canopy.db")};
  if (auto migrated = world.store->migrate(clock); !migrated) {
    throw std::runtime_error(migrated.error().message);
  }
  auto tenants =
      tenancy::load_tenants(std::filesystem::path(CANOPY_SOURCE_DIR) / "tenants", *world.policy);
  if (!tenants.errors.empty()) throw std::runtime_error(tenants.errors.front());
  import_tenants(tenants.tenants, *world.policy, *world.store, clock);
  return world;
}

void DemoWorldTest::SetUp() {
  auto world = load_demo_world(dir_.path(), clock_);
  policy_ = std::move(world.policy);
  store_ = std::move(world.store);
  live_ = std::make_unique<policy::LivePolicies>(policy_);
}

tenancy::Actor DemoWorldTest::school_admin(std::string_view email, std::string_view school) {
  auto user = store_->find_user_by_email(email);
  auto site = store_->find_site(school);
  if (!user || !site) throw std::logic_error("demo user or site missing");
  auto a = tenancy::resolve_school_admin(*user, *site, *policy_);
  if (!a) throw std::logic_error(a.error().message);
  return *a;
}

store::Connection DemoWorldTest::stored_connection(std::string_view school, std::string_view app) {
  auto c = store_->find_connection(school, app);
  if (!c) throw std::logic_error("no connection " + std::string(app));
  return *c;
}

void DemoWorldTest::touch_connection(std::string_view school, std::string_view app,
                                     std::string_view request_id, std::optional<int> version) {
  auto c = store_->find_connection(school, app);
  ASSERT_TRUE(c.has_value());
  const int to_version = version.value_or(c->permission_set_version);
  store::ConnectionChange change{.school_id = std::string(school),
                                 .app_id = std::string(app),
                                 .expected_revision = c->revision,
                                 .to = c->status,
                                 .permission_set_version = to_version,
                                 .at = clock_.now()};
  store::AuditRecord audit{.school_id = std::string(school),
                           .app_id = std::string(app),
                           .actor_kind = store::ActorKind::system,
                           .actor = "test",
                           .actor_site = std::string(school),
                           .actor_role = "system",
                           .action = "import",
                           .from_status = c->status,
                           .to_status = c->status,
                           .permission_set_version = to_version,
                           .at = clock_.now(),
                           .request_id = std::string(request_id)};
  ASSERT_TRUE(store_->apply(change, audit).has_value());
}

}  // namespace canopy::testing
