// Who is where, for the handlers: sites and trusts by id (with the error to answer when there is
// none), the schools a user may act in, a site's people with their newest sign-in, and one
// person's sign-in history. Reads only, all blocking (store): run on the blocking pool.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/site.hpp"
#include "policy/live.hpp"
#include "store/store.hpp"

namespace canopy::tenancy {

// A user whose home site is the site asked about, and their newest sign-in attempt, if any.
struct SiteUser {
  User user;
  std::optional<store::LoginAttempt> last_sign_in;
};

// One page of a user's sign-in attempts, newest first.
struct SignIns {
  User user;
  std::vector<store::LoginAttempt> attempts;
  bool more = false;  // older attempts follow
};

class Directory {
 public:
  Directory(const policy::LivePolicies& policy, store::DirectoryStore& directory,
            store::TrustStore& trusts, store::LoginHistoryStore& logins)
      : policy_(policy), directory_(directory), trusts_(trusts), logins_(logins) {}

  // unknown_site when there is no site with that id.
  Result<Site> site(std::string_view id);
  // unknown_trust when there is no site with that id or it is not a trust.
  Result<Site> trust(std::string_view id);
  // The schools whose trust is `trust_id`, by id.
  std::vector<Site> schools_of_trust(std::string_view trust_id);
  // The schools `user` may act in (tenancy::schools_in_reach, under the policies in force).
  std::vector<Site> schools_in_reach(const User& user);
  std::optional<User> user_by_email(std::string_view email);

  // Every user whose home site is `site_id`, disabled ones included, by name, then email, each
  // with their newest sign-in attempt: one read for the users, one for their attempts.
  std::vector<SiteUser> users_of_site(std::string_view site_id);
  // Up to `limit` sign-in attempts of the user with `email`, older than `before` when given.
  // unknown_user when no such user has `site` as their home site: a manager of one site learns
  // nothing of another's people.
  Result<SignIns> sign_ins(const Site& site, std::string_view email, std::size_t limit,
                           std::optional<std::int64_t> before);

 private:
  const policy::LivePolicies& policy_;
  store::DirectoryStore& directory_;
  store::TrustStore& trusts_;
  store::LoginHistoryStore& logins_;
};

}  // namespace canopy::tenancy
