// Schools for the operator, by the service token (internal listener): a dummy (migration)
// site's go-live, the same use case as `canopy schools go-live`.
#include "api/errors.hpp"
#include "api/guards.hpp"
#include "api/json_body.hpp"
#include "api/route_groups.hpp"

namespace canopy::api {
namespace {

asio::awaitable<http::Response> go_live(http::RequestContext& ctx, SiteRoutes& g) {
  if (auto refused = refuse_without_service_token(ctx, g.service_token, "service"))
    co_return std::move(*refused);
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  if (auto body = parse_body(ctx, {}); !body) co_return error_response(body.error());
  ctx.school = std::string(ctx.param("school"));
  auto done = co_await on_pool(g.blocking, [&]() -> Result<http::Response> {
    auto live = g.consent.go_live(ctx.param("school"), {ctx.request_id, ctx.client_request_id});
    if (!live) return live.error();
    nlohmann::json told = nlohmann::json::array();
    for (const auto& c : live->told)
      told.push_back({{"app", c.app_id},
                      {"permission_set_version", c.permission_set_version},
                      {"revision", c.revision}});
    return json_response(
        200,
        {{"school",
          {{"id", live->school.id}, {"name", live->school.name}, {"dummy", live->school.dummy}}},
         {"told", std::move(told)}});
  });
  co_return respond(std::move(done));
}

}  // namespace

void add_site_routes(http::Router& router, SiteRoutes& g) {
  router.add(http::Method::post, "/internal/v1/schools/{school}/go-live",
             [&g](auto& ctx) { return go_live(ctx, g); });
}

}  // namespace canopy::api
