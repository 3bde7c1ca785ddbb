// Who may act in a school.
#include "tenancy/actor.hpp"

namespace canopy::tenancy {

Result<Actor> resolve_school_admin(const User& user, const Site& school,
                                   const policy::PolicySnapshot& policy) {
  if (school.kind != SiteKind::school) {
    return make_error(Errc::unknown_school, "no school '" + school.id + "'");
  }
  if (user.home_site == school.id) {
    for (const auto& role_id : user.roles) {
      const auto* role = policy.find_role(role_id);
      if (role && role->site_kind == SiteKind::school &&
          role->holds(policy::kAdministerSchoolUsers)) {
        return Actor{user.id, user.email, school.id, school.id, role->id, false};
      }
    }
  }
  return make_error(Errc::forbidden,
                    "you need the '" + std::string(policy::kAdministerSchoolUsers) +
                        "' permission on " + school.name + " to manage its partner apps");
}

}  // namespace canopy::tenancy
