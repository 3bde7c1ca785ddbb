// Partner apps: ask a school for a connection, and read its status.
#include "api/edge.hpp"
#include "api/errors.hpp"
#include "api/guards.hpp"
#include "api/json_body.hpp"
#include "api/route_groups.hpp"
#include "api/views.hpp"

namespace canopy::api {
namespace {

constexpr std::string_view kPartnerChallenge = "Basic realm=\"canopy-partner\"";

nlohmann::json partner_view(const store::Connection& c) {
  return {{"school", c.school_id},
          {"app", c.app_id},
          {"status", to_string(c.status)},
          {"permission_set_version", c.permission_set_version},
          {"requested_at", format_rfc3339(c.requested_at)},
          {"decided_at",
           c.decided_at ? nlohmann::json(format_rfc3339(*c.decided_at)) : nlohmann::json(nullptr)}};
}

// Partner failures carry the Basic challenge, so a client knows which credentials to send.
asio::awaitable<http::Response> as_partner(
    http::RequestContext& ctx, PartnerRoutes& g,
    std::function<Result<http::Response>(const policy::App&)> work) {
  auto out = co_await on_pool(g.blocking, [&]() -> Result<http::Response> {
    auto app = authenticate_partner(ctx, g.partners);
    if (!app) return app.error();
    return work(**app);
  });
  co_return challenge(respond(std::move(out)), kPartnerChallenge);
}

asio::awaitable<http::Response> request_connection(http::RequestContext& ctx, PartnerRoutes& g) {
  auto body = parse_body(ctx, {{"school", JsonType::string}});
  if (body) {
    if (auto id = check_id("school", (*body)["school"].get_ref<const std::string&>()); !id)
      body = id.error();
  }
  const policy::App* app = nullptr;
  auto who = co_await as_partner(ctx, g, [&](const policy::App& a) -> Result<http::Response> {
    if (!body) return body.error();
    app = &a;
    return http::Response{};
  });
  if (app == nullptr) co_return who;
  // The connection-change use case (consent/changes.hpp) commits and publishes.
  auto outcome = co_await g.changes.request(*app, (*body)["school"].get<std::string>(),
                                            {ctx.request_id, ctx.client_request_id});
  if (!outcome) co_return challenge(error_response(outcome.error()), kPartnerChallenge);
  co_return json_response(outcome->created ? 201 : 200, partner_view(outcome->connection));
}

asio::awaitable<http::Response> connection_status(http::RequestContext& ctx, PartnerRoutes& g) {
  co_return co_await as_partner(ctx, g, [&](const policy::App& app) -> Result<http::Response> {
    auto school = g.consent.school(ctx.param("school"));
    if (!school) return school.error();
    auto c = g.consent.connection(school->id, app.id);
    if (!c) return c.error();
    return json_response(200, partner_view(*c));
  });
}

}  // namespace

void add_partner_routes(http::Router& router, PartnerRoutes& g) {
  router.add(http::Method::post, "/partner/v1/connection-requests",
             [&g](auto& ctx) { return request_connection(ctx, g); });
  router.add(http::Method::get, "/partner/v1/connection-requests/{school}",
             [&g](auto& ctx) { return connection_status(ctx, g); });
}

}  // namespace canopy::api
