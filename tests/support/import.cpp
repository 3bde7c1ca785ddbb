#include "support/import.hpp"

#include "cache/local_cache.hpp"
#include "consent/service.hpp"
#include "policy/live.hpp"

namespace canopy::testing {

tenancy::ImportReport import_tenants(const tenancy::TenantSet& tenants,
                                     const policy::PolicySnapshot& policy, store::Store& store,
                                     const Clock& clock, const tenancy::Progress& progress) {
  // The caller keeps `policy` alive for the call; the live view only borrows it.
  const policy::LivePolicies live(
      std::shared_ptr<const policy::PolicySnapshot>(&policy, [](const policy::PolicySnapshot*) {}));
  cache::LocalCache cache;
  consent::Service consent(live, store, store, store, cache, clock);
  return tenancy::import_tenants(tenants, store, consent, progress);
}

}  // namespace canopy::testing
