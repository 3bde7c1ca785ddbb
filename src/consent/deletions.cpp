#include "consent/deletions.hpp"

namespace canopy::consent {

std::string_view to_string(AttestationState state) {
  switch (state) {
    case AttestationState::pending:
      return "pending";
    case AttestationState::overdue:
      return "overdue";
    case AttestationState::attested:
      return "attested";
  }
  return "pending";
}

Result<store::DeletionRequest> Deletions::attest(std::string_view app_id,
                                                 std::string_view school_id,
                                                 std::string_view note) {
  const auto school = directory_.find_site(school_id);
  if (!school || school->kind != SiteKind::school)
    return make_error(Errc::unknown_school, "no school '" + std::string(school_id) + "'");
  auto attested = deletions_.attest_deletion(school->id, app_id, clock_.now(), note);
  if (!attested) {
    return make_error(Errc::not_found, school->name + " has not asked '" + std::string(app_id) +
                                           "' to delete its data: it never revoked the app");
  }
  return std::move(*attested);
}

std::vector<store::DeletionRequest> Deletions::for_school(const Site& school) {
  const std::string ids[] = {school.id};
  return deletions_.deletion_requests(ids, false);
}

std::vector<store::DeletionRequest> Deletions::for_trust(const Site& trust) {
  std::vector<std::string> ids;
  for (const auto& school : trusts_.schools_of_trust(trust.id))
    ids.push_back(school.id);
  if (ids.empty()) return {};
  return deletions_.deletion_requests(ids, false);
}

AttestationState Deletions::state(const store::DeletionRequest& request) const {
  if (request.attested_at) return AttestationState::attested;
  return clock_.now() > request.due_at ? AttestationState::overdue : AttestationState::pending;
}

}  // namespace canopy::consent
