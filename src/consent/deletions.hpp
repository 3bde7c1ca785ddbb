// After a revocation: the partner is asked to delete the school's data and to attest that it
// did by a deadline (written with the reject: consent/service.cpp). The partner attests; the
// school and its trust see which attestations are pending, overdue or given. Blocking (store):
// run on the blocking pool.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/site.hpp"
#include "core/time.hpp"
#include "store/store.hpp"

namespace canopy::consent {

enum class AttestationState { pending, overdue, attested };
std::string_view to_string(AttestationState state);

class Deletions {
 public:
  Deletions(store::DeletionStore& deletions, store::DirectoryStore& directory,
            store::TrustStore& trusts, const Clock& clock)
      : deletions_(deletions), directory_(directory), trusts_(trusts), clock_(clock) {}

  // The partner `app_id` attests it deleted `school_id`'s data: the newest request, attested
  // now (or as attested before). unknown_school for no such school; not_found when the school
  // never revoked the app.
  Result<store::DeletionRequest> attest(std::string_view app_id, std::string_view school_id,
                                        std::string_view note);
  std::vector<store::DeletionRequest> for_school(const Site& school);
  std::vector<store::DeletionRequest> for_trust(const Site& trust);
  AttestationState state(const store::DeletionRequest& request) const;

 private:
  store::DeletionStore& deletions_;
  store::DirectoryStore& directory_;
  store::TrustStore& trusts_;
  const Clock& clock_;
};

}  // namespace canopy::consent
