// POST /internal/v1/policies/reload: the operator's `canopy policies reload`. The policies
// directory is read again and put in force; one that does not validate changes nothing, and the
// answer lists every problem as "file:line: message". Service token only (internal listener).
#include "api/errors.hpp"
#include "api/guards.hpp"
#include "api/json_body.hpp"
#include "api/route_groups.hpp"
#include "api/views.hpp"

namespace canopy::api {
namespace {

asio::awaitable<http::Response> reload(http::RequestContext& ctx, PolicyRoutes& g) {
  if (auto refused = refuse_without_service_token(ctx, g.service_token, "service"))
    co_return std::move(*refused);
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  if (!ctx.body.empty()) {
    if (auto body = parse_body(ctx, {}); !body) co_return error_response(body.error());
  }
  if (!g.reload) {
    co_return error_response(make_error(Errc::unavailable, "this server cannot reload policies"));
  }
  PolicyReload reload;
  co_await g.blocking.run([&] { reload = g.reload(); });
  const auto& loaded = reload.loaded;
  if (!loaded) {
    co_return json_response(422, {{"code", "invalid_policies"},
                                  {"message",
                                   "the policies did not validate; the ones in force "
                                   "stay: " +
                                       g.policy.loaded().digest},
                                  {"errors", reload.problems}});
  }
  co_return json_response(200, {{"digest", loaded->digest},
                                {"loaded_at", format_rfc3339(loaded->at)},
                                {"reloads", loaded->generation},
                                {"apps", g.policy.apps().size()}});
}

}  // namespace

void add_policy_routes(http::Router& router, PolicyRoutes& g) {
  router.add(http::Method::post, "/internal/v1/policies/reload",
             [&g](auto& ctx) { return reload(ctx, g); });
}

}  // namespace canopy::api
