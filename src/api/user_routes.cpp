// The users of a site: who they are and their sign-in history, for whoever may manage that
// site's users (its school admins; for a school in a trust, or the trust itself, the trust's
// central team).
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
// on the blocking pool in one hop. Failures come back in a fixed order: 401, then 403 (for a
// site out of reach in the same words whether it exists or not: tenancy::not_in_reach).
asio::awaitable<http::Response> as_user_manager(http::RequestContext& ctx, UserRoutes& g,
                                                SiteWork work) {
  co_return respond(co_await on_pool(g.edge, [&]() -> Result<http::Response> {
    auto who = authenticate_user(ctx, g.edge);
    if (!who) return who.error();
    const auto site = g.edge.directory.site(ctx.param("site"));
    if (!site || !tenancy::within_reach(who->user, *site))
      return tenancy::not_in_reach(ctx.param("site"));
    if (auto may = tenancy::may_manage_users_of(who->user, *site, g.edge.policy.current()); !may) {
      return may.error();
    }
    return work(*site);
  }));
}

// Every user whose home site this is, by name, then email, each with their newest sign-in
// attempt. Not paged: a site's users are its staff (or a trust's central team), a list the
// screen shows whole, like a trust's schools.
asio::awaitable<http::Response> list_users(http::RequestContext& ctx, UserRoutes& g) {
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  co_return co_await as_user_manager(ctx, g, [&](const Site& site) -> Result<http::Response> {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& u : g.edge.directory.users_of_site(site.id))
      items.push_back(site_user_view(u.user, u.last_sign_in ? &*u.last_sign_in : nullptr));
    return json_response(
        200, {{"site", site.id}, {"site_name", site.name}, {"items", std::move(items)}});
  });
}

asio::awaitable<http::Response> logins(http::RequestContext& ctx, UserRoutes& g) {
  if (auto q = check_query(ctx, {}, {"limit", "before"}); !q) co_return error_response(q.error());
  auto page = page_query(ctx, kDefaultLimit);
  if (!page) co_return error_response(page.error());
  // Failures come back in a fixed order: as_user_manager's, then 404 user.
  co_return co_await as_user_manager(ctx, g, [&](const Site& site) -> Result<http::Response> {
    // The {user} rule (api/edge.cpp) has lower-cased and checked it.
    const auto found =
        g.edge.directory.sign_ins(site, ctx.param("user"), page->limit, page->before);
    if (!found) return found.error();
    const auto& attempts = found->attempts;
    nlohmann::json items = nlohmann::json::array();
    for (const auto& a : attempts)
      items.push_back(login_view(a));
    return json_response(
        200,
        {{"site", site.id},
         {"user", {{"email", found->user.email}, {"name", found->user.name}}},
         {"items", std::move(items)},
         {"next_before", next_before(found->more, attempts.empty() ? 0 : attempts.back().id)}});
  });
}

}  // namespace

void add_user_routes(http::Router& router, UserRoutes& g) {
  router.add(http::Method::get, "/api/v1/sites/{site}/users",
             [&g](auto& ctx) { return list_users(ctx, g); });
  router.add(http::Method::get, "/api/v1/sites/{site}/users/{user}/logins",
             [&g](auto& ctx) { return logins(ctx, g); });
}

}  // namespace canopy::api
