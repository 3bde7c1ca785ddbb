// Building the demo world once, the same way for every test that needs it.
#include "support/demo_world.hpp"

#include <stdexcept>

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

}  // namespace canopy::testing
