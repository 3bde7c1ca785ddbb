// Actor resolution: may this signed-in user act in this school (administer its partner apps),
// or for this trust, and by which role? The answer is recorded with every change the actor
// makes. These functions are the one place that decides who may act where.
#pragma once

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
