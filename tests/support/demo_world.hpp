// The demo catalogue and tenants imported into a fresh SQLite store: the starting point of
// tests that exercise use cases below the HTTP layer.
#pragma once

#include <filesystem>
#include <memory>

#include "core/time.hpp"
#include "policy/snapshot.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace canopy::testing {

struct DemoWorld {
  std::shared_ptr<const policy::PolicySnapshot> policy;
  std::unique_ptr<store::SqliteStore> store;
};

// Loads policies/ and tenants/ from the repository and imports them into dir/canopy.db;
// throws when any of it fails (the calling test then fails).
DemoWorld load_demo_world(const std::filesystem::path& dir, const Clock& clock);

}  // namespace canopy::testing
