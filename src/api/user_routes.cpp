// The users of a site: who they are and their sign-in history, for whoever may manage that
// site's users (its school admins; for a school in a trust, or the trust itself, the trust's
// central team).
#include <map>

#include "api/errors.hpp"
#include "api/guards.hpp"
#include "api/json_body.hpp"
#include "api/route_groups.hpp"
#include "api/views.hpp"
#include "tenancy/actor.hpp"

namespace canopy::api {
namespace {

constexpr std::size_t kDefaultLimit = 50;

using SiteWork = std::function<Result<http::Response>(const Site& site)>;

// Authenticates, finds the site, checks the caller may manage its users, then runs `work`; all
// on the blocking pool in one hop. Failures come back in a fixed order: 401, 404 site, 403.
asio::awaitable<http::Response> as_user_manager(http::RequestContext& ctx, Services& s,
                                                SiteWork work) {
  co_return respond(co_await on_pool(s, [&]() -> Result<http::Response> {
    auto who = authenticate_user(ctx, s);
    if (!who) return who.error();
    const auto site = s.directory.find_site(ctx.param("site"));
    if (!site)
      return make_error(Errc::unknown_site, "no site '" + std::string(ctx.param("site")) + "'");
    if (auto may = tenancy::may_manage_users_of(who->user, *site, s.policy.current()); !may) {
      return may.error();
    }
    return work(*site);
  }));
}

// Every user whose home site this is, by name, then email, each with their newest sign-in
// attempt. Not paged: a site's users are its staff (or a trust's central team), a list the
// screen shows whole, like a trust's schools.
asio::awaitable<http::Response> list_users(http::RequestContext& ctx, Services& s) {
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  co_return co_await as_user_manager(ctx, s, [&](const Site& site) -> Result<http::Response> {
    const auto users = s.directory.users_of_site(site.id);
    std::vector<std::int64_t> ids;
    ids.reserve(users.size());
    for (const auto& u : users)
      ids.push_back(u.id);
    const auto latest = s.logins.latest_logins(ids);
    std::map<std::int64_t, const store::LoginAttempt*> latest_of;
    for (const auto& a : latest) {
      if (a.user_id) latest_of.emplace(*a.user_id, &a);
    }
    nlohmann::json items = nlohmann::json::array();
    for (const auto& u : users) {
      const auto it = latest_of.find(u.id);
      items.push_back(site_user_view(u, it == latest_of.end() ? nullptr : it->second));
    }
    return json_response(
        200, {{"site", site.id}, {"site_name", site.name}, {"items", std::move(items)}});
  });
}

asio::awaitable<http::Response> logins(http::RequestContext& ctx, Services& s) {
  if (auto q = check_query(ctx, {}, {"limit", "before"}); !q) co_return error_response(q.error());
  auto page = page_query(ctx, kDefaultLimit);
  if (!page) co_return error_response(page.error());
  // Failures come back in a fixed order: as_user_manager's, then 404 user.
  co_return co_await as_user_manager(ctx, s, [&](const Site& site) -> Result<http::Response> {
    // The {user} rule (api/edge.cpp) has lower-cased and checked it.
    const std::string email(ctx.param("user"));
    const auto user = s.directory.find_user_by_email(email);
    if (!user || user->home_site != site.id) {
      return make_error(Errc::unknown_user, "no user '" + email + "' at " + site.name);
    }
    auto attempts = s.logins.logins_for_user(user->id, page->limit + 1, page->before);
    const bool more = attempts.size() > page->limit;
    if (more) attempts.resize(page->limit);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& a : attempts)
      items.push_back(login_view(a));
    return json_response(
        200, {{"site", site.id},
              {"user", {{"email", user->email}, {"name", user->name}}},
              {"items", std::move(items)},
              {"next_before", next_before(more, attempts.empty() ? 0 : attempts.back().id)}});
  });
}

}  // namespace

void add_user_routes(http::Router& router, Services& s) {
  router.add(http::Method::get, "/api/v1/sites/{site}/users",
             [&s](auto& ctx) { return list_users(ctx, s); });
  router.add(http::Method::get, "/api/v1/sites/{site}/users/{user}/logins",
             [&s](auto& ctx) { return logins(ctx, s); });
}

}  // namespace canopy::api
