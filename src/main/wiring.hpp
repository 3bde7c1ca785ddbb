// Shared start-up steps for the subcommands: load policies, open and migrate the store.
#pragma once

#include <memory>

#include "core/time.hpp"
#include "main/commands.hpp"
#include "policy/snapshot.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace canopy::cli {

// Null (with every problem printed) when the policies do not validate.
std::shared_ptr<const policy::PolicySnapshot> load_policies_or_report(const std::filesystem::path& dir);
// Null (with the reason printed) when the database cannot be opened or migrated.
std::unique_ptr<store::SqliteStore> open_store(const std::filesystem::path& db, const Clock& clock);

}  // namespace canopy::cli
