// Actor resolution: may this signed-in user act in this school (administer its partner apps),
// or for this trust, and by which role? The answer is recorded with every change the actor
// makes. These functions are the one place that decides who may act where.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/site.hpp"
#include "policy/snapshot.hpp"
#include "store/store.hpp"

namespace canopy::tenancy {

struct Actor {
  std::int64_t user_id = 0;
  std::string email;
  std::string school_id;    // the school acted in
  std::string acting_site;  // the site the authority comes from (the school, or its trust)
  std::string role;         // the business role holding the permission
  bool via_trust = false;
  // Via a trust: the school's terms, which the user must have accepted before changing
  // anything there. Reads need no acceptance.
  std::optional<SiteTerms> required_terms;
};

// Whether `site` is one of the user's own: their home site, or a school of their home trust.
// Only then may a refusal say anything about the site; see not_in_reach.
bool within_reach(const User& user, const Site& site);

// The refusal for a site id that is not within the user's reach, or names no site at all
// (`requested` as the caller sent it): 403 forbidden, in the same words either way, so that
// nobody learns whether another tenant's site exists or what it is called.
Error not_in_reach(std::string_view requested);

// A user may administer a school's apps when
// - a business role they hold on that school, as their home site, grants
//   "School: User Accounts: Administer"; or
// - their home site is the school's trust and a trust role they hold grants
//   "User Details: Manage All Users" (acting via the trust: acting_site is the trust).
Result<Actor> resolve_school_admin(const User& user, const Site& school,
                                   const policy::PolicySnapshot& policy);

// What Canopy knows of a trust user at a school of their trust, for the alternative connection:
// whether they have opened the school from their trust (the MIS's "signed in to the school")
// and accepted its current terms.
struct TrustUserAtSchool {
  bool signed_in = false;
  bool terms_accepted = false;
};

// May `user`, who signed in with a password on an alternative connection's link made for
// `school`, approve there? The help article's requirements, each refused in its own words:
// - the school's own user needs the permission to administer its apps
//   (not_authorised_for_school);
// - a trust user needs the trust permission, to have signed in to the school at least once and
//   to have accepted its current terms (trust_requirements_not_met, listing what is missing in
//   Error::missing); `at_school` is asked only for a user of the school's trust;
// - a user who signs in to the MIS only by single sign-on or two-step verification approves
//   from Partner Apps instead (approve_from_partner_apps), once permitted;
// - anyone else: the link was made for another school (connect_link_other_school).
Result<Actor> resolve_link_approver(const User& user, const Site& school,
                                    const policy::PolicySnapshot& policy,
                                    const std::function<TrustUserAtSchool()>& at_school);

struct TrustActor {
  std::int64_t user_id = 0;
  std::string email;
  std::string trust_id;
  std::string role;  // the trust role granting "User Details: Manage All Users"
};

// A user may use a trust's routes when the trust is their home site and a role they hold
// there grants "User Details: Manage All Users".
Result<TrustActor> resolve_trust_admin(const User& user, const Site& trust,
                                       const policy::PolicySnapshot& policy);

// May `caller` manage the users of `site` (see their login history)? School sites: whoever
// may administer the school (resolve_school_admin). Trust sites: the trust's admins.
Status may_manage_users_of(const User& caller, const Site& site,
                           const policy::PolicySnapshot& policy);

// The schools `user` may act in, by id: their own school, or every school of their trust.
// Blocking (store).
std::vector<Site> schools_in_reach(const User& user, store::DirectoryStore& directory,
                                   store::TrustStore& trusts, const policy::PolicySnapshot& policy);

}  // namespace canopy::tenancy
