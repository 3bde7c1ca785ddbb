// Imports tenant files into a store as `canopy tenants import` does: sites and users into the
// directory, demo connections through a consent::Service (its own level-1 cache, shared with
// nobody) under `policy`.
#pragma once

#include "core/time.hpp"
#include "policy/snapshot.hpp"
#include "store/store.hpp"
#include "tenancy/importer.hpp"

namespace canopy::testing {

tenancy::ImportReport import_tenants(const tenancy::TenantSet& tenants,
                                     const policy::PolicySnapshot& policy, store::Store& store,
                                     const Clock& clock, const tenancy::Progress& progress = {});

}  // namespace canopy::testing
