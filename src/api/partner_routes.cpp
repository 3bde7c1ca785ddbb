// Partner apps: ask a school for a connection, and read its status.
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
          {"decided_at", c.decided_at ? nlohmann::json(format_rfc3339(*c.decided_at)) : nlohmann::json(nullptr)}};
}

asio::awaitable<http::Response> request_connection(http::RequestContext& ctx, Services& s) {
  auto body = parse_body(ctx, {{"school", JsonType::string}});
  Result<http::Response> out = make_error(Errc::internal, "");
  co_await s.blocking.run([&] {
    auto app = authenticate_partner(ctx, s);
    if (!app) {
      out = app.error();
      return;
    }
    if (!body) {
      out = body.error();
      return;
    }
    auto outcome = s.consent.request(**app, (*body)["school"].get<std::string>(), ctx.request_id);
    if (!outcome) {
      out = outcome.error();
      return;
    }
    out = json_response(outcome->created ? 201 : 200, partner_view(outcome->connection));
  });
  co_return out ? std::move(*out) : challenge(error_response(out.error()), kPartnerChallenge);
}

asio::awaitable<http::Response> connection_status(http::RequestContext& ctx, Services& s) {
  Result<http::Response> out = make_error(Errc::internal, "");
  co_await s.blocking.run([&] {
    auto app = authenticate_partner(ctx, s);
    if (!app) {
      out = app.error();
      return;
    }
    if (auto school = s.consent.school(ctx.param("school")); !school) {
      out = school.error();
      return;
    }
    auto c = s.consent.connection(ctx.param("school"), (*app)->id);
    if (!c) {
      out = c.error();
      return;
    }
    out = json_response(200, partner_view(*c));
  });
  co_return out ? std::move(*out) : challenge(error_response(out.error()), kPartnerChallenge);
}

}  // namespace

void add_partner_routes(http::Router& router, Services& s) {
  router.add(http::Method::post, "/partner/v1/connection-requests",
             [&s](auto& ctx) { return request_connection(ctx, s); });
  router.add(http::Method::get, "/partner/v1/connection-requests/{school}",
             [&s](auto& ctx) { return connection_status(ctx, s); });
}

}  // namespace canopy::api
