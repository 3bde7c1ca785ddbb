// Actor resolution: may this signed-in user administer this school's partner apps, and by
// which role? The answer is recorded with every change the actor makes.
#pragma once

#include <string>

#include "core/result.hpp"
#include "core/site.hpp"
#include "policy/snapshot.hpp"

namespace canopy::tenancy {

struct Actor {
  std::int64_t user_id = 0;
  std::string email;
  std::string school_id;    // the school acted in
  std::string acting_site;  // the site the authority comes from (the school, or its trust)
  std::string role;         // the business role holding the permission
  bool via_trust = false;
};

// A user may administer a school's apps when a business role they hold on that school grants
// "School: User Accounts: Administer".
Result<Actor> resolve_school_admin(const User& user, const Site& school,
                                   const policy::PolicySnapshot& policy);

}  // namespace canopy::tenancy
