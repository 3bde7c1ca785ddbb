// The permission sets schools approved, kept in the store (issue 11, point 8). Each (app,
// version) a replica loads is recorded once, as canonical JSON, and never changed: a school's
// connection names the version it approved, so the row is exactly what it approved.
// reconcile_grants runs on every load of the policies (start and reload):
//   - a file that gives a recorded version other grants is refused: changed grants need a new
//     version, or schools would get what they never approved;
//   - a version the store recorded and the files no longer keep (dropped from history:) comes
//     back from the store, so its schools go on deciding on what they approved.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/permission_set.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "policy/snapshot.hpp"
#include "store/store.hpp"

namespace canopy::consent {

// [{"type":"Student","all_fields":true,"fields":[...],"operations":["read"]}, ...], by type.
std::string grants_json(const PermissionSet& set);
// The set `grants_json` wrote; nullopt when `json` is not such a document.
std::optional<PermissionSet> parse_grants(int version, std::string_view json);

struct Reconciled {
  std::shared_ptr<const policy::PolicySnapshot> snapshot;  // with versions restored from the store
  std::size_t restored = 0;                                // versions added back to history:
};

// Records every set `loaded` holds (current and history) that the store has not recorded, and
// checks the others against the store. Errors: "apps/APP.yaml: version N grants other than
// the set recorded on DATE; give changed grants a new version", one line per version.
Result<Reconciled> reconcile_grants(const std::shared_ptr<const policy::PolicySnapshot>& loaded,
                                    store::GrantStore& store, TimePoint now);

}  // namespace canopy::consent
