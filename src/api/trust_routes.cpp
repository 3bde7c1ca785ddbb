// A trust's central team: the schools of their trust with each school's terms, and accepting a
// school site's terms before acting in it. Only the trust's own "Manage All Users" holders may
// use these routes.
#include <algorithm>
#include <limits>

#include "api/errors.hpp"
#include "api/guards.hpp"
#include "api/json_body.hpp"
#include "api/route_groups.hpp"
#include "api/views.hpp"
#include "tenancy/actor.hpp"

namespace canopy::api {
namespace {

using TrustWork = std::function<Result<http::Response>(const User&, const Site& trust)>;

// Authenticates, finds the trust, checks the caller acts for it, then runs `work`; all on the
// blocking pool in one hop. Failures come back in a fixed order: 401, 404 trust, 403.
asio::awaitable<http::Response> as_trust_admin(http::RequestContext& ctx, Services& s,
                                               TrustWork work) {
  co_return respond(co_await on_pool(s, [&]() -> Result<http::Response> {
    auto who = authenticate_user(ctx, s);
    if (!who) return who.error();
    const auto trust = s.directory.find_site(ctx.param("trust"));
    if (!trust || trust->kind != SiteKind::trust) {
      return make_error(Errc::unknown_trust, "no trust '" + std::string(ctx.param("trust")) + "'");
    }
    if (auto actor = tenancy::resolve_trust_admin(who->user, *trust, s.policy); !actor) {
      return actor.error();
    }
    return work(who->user, *trust);
  }));
}

asio::awaitable<http::Response> list_schools(http::RequestContext& ctx, Services& s) {
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  co_return co_await as_trust_admin(
      ctx, s, [&](const User& user, const Site& trust) -> Result<http::Response> {
        const auto accepted = s.trusts.terms_accepted_by(user.id);
        nlohmann::json items = nlohmann::json::array();
        for (const auto& school : s.trusts.schools_of_trust(trust.id)) {
          const auto it = std::find_if(accepted.begin(), accepted.end(), [&](const auto& a) {
            return a.site_id == school.id && a.version == school.terms.version;
          });
          items.push_back({{"id", school.id},
                           {"name", school.name},
                           {"dummy", school.dummy},
                           {"terms", terms_view(school, it == accepted.end() ? nullptr : &*it)}});
        }
        return json_response(200, {{"trust", trust.id}, {"items", std::move(items)}});
      });
}

asio::awaitable<http::Response> accept_terms(http::RequestContext& ctx, Services& s) {
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  auto body = parse_body(ctx, {{"version", JsonType::integer}});
  if (!body) co_return error_response(body.error());
  const auto version = (*body)["version"].get<std::int64_t>();
  if (version < 1 || version > std::numeric_limits<int>::max()) {
    co_return error_response(
        make_error(Errc::invalid_value, "version must be a positive whole number"));
  }
  co_return co_await as_trust_admin(
      ctx, s, [&](const User& user, const Site& trust) -> Result<http::Response> {
        auto school = s.consent.school(ctx.param("school"));
        if (!school || school->trust_id != trust.id) {
          return make_error(Errc::unknown_school, "no school '" + std::string(ctx.param("school")) +
                                                      "' in " + trust.name);
        }
        auto actor = tenancy::resolve_school_admin(user, *school, s.policy);
        if (!actor) return actor.error();
        auto outcome = s.consent.accept_terms(*actor, static_cast<int>(version), ctx.request_id);
        if (!outcome) return outcome.error();
        return json_response(outcome->created ? 201 : 200,
                             terms_acceptance_view(outcome->acceptance));
      });
}

}  // namespace

void add_trust_routes(http::Router& router, Services& s) {
  using M = http::Method;
  router.add(M::get, "/api/v1/trusts/{trust}/schools",
             [&s](auto& ctx) { return list_schools(ctx, s); });
  router.add(M::post, "/api/v1/trusts/{trust}/schools/{school}/terms-acceptance",
             [&s](auto& ctx) { return accept_terms(ctx, s); });
}

}  // namespace canopy::api
