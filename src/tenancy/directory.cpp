#include "tenancy/directory.hpp"

#include <map>

#include "tenancy/actor.hpp"

namespace canopy::tenancy {

Result<Site> Directory::site(std::string_view id) {
  auto site = directory_.find_site(id);
  if (!site) return make_error(Errc::unknown_site, "no site '" + std::string(id) + "'");
  return std::move(*site);
}

Result<Site> Directory::trust(std::string_view id) {
  auto trust = directory_.find_site(id);
  if (!trust || trust->kind != SiteKind::trust)
    return make_error(Errc::unknown_trust, "no trust '" + std::string(id) + "'");
  return std::move(*trust);
}

std::vector<Site> Directory::schools_of_trust(std::string_view trust_id) {
  return trusts_.schools_of_trust(trust_id);
}

std::vector<Site> Directory::schools_in_reach(const User& user) {
  return tenancy::schools_in_reach(user, directory_, trusts_, policy_.current());
}

std::optional<User> Directory::user_by_email(std::string_view email) {
  return directory_.find_user_by_email(email);
}

std::vector<SiteUser> Directory::users_of_site(std::string_view site_id) {
  auto users = directory_.users_of_site(site_id);
  std::vector<std::int64_t> ids;
  ids.reserve(users.size());
  for (const auto& u : users)
    ids.push_back(u.id);
  std::map<std::int64_t, store::LoginAttempt> latest;
  for (auto& attempt : logins_.latest_logins(ids)) {
    if (attempt.user_id) latest.emplace(*attempt.user_id, std::move(attempt));
  }
  std::vector<SiteUser> out;
  out.reserve(users.size());
  for (auto& u : users) {
    const auto it = latest.find(u.id);
    std::optional<store::LoginAttempt> last;
    if (it != latest.end()) last = std::move(it->second);
    out.push_back({std::move(u), std::move(last)});
  }
  return out;
}

Result<SignIns> Directory::sign_ins(const Site& site, std::string_view email, std::size_t limit,
                                    std::optional<std::int64_t> before) {
  auto user = directory_.find_user_by_email(email);
  if (!user || user->home_site != site.id) {
    return make_error(Errc::unknown_user, "no user '" + std::string(email) + "' at " + site.name);
  }
  auto attempts = logins_.logins_for_user(user->id, limit + 1, before);
  const bool more = attempts.size() > limit;
  if (more) attempts.resize(limit);
  return SignIns{std::move(*user), std::move(attempts), more};
}

}  // namespace canopy::tenancy
