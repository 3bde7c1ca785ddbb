// Sign in and out: POST/DELETE /api/v1/session, and GET /api/v1/me.
#include "api/credentials.hpp"
#include "api/errors.hpp"
#include "api/guards.hpp"
#include "api/json_body.hpp"
#include "api/route_groups.hpp"
#include "api/views.hpp"

namespace canopy::api {
namespace {

std::string session_cookie(const SessionRoutes& g, std::string_view token,
                           std::chrono::seconds max_age) {
  return set_cookie(g.secure_cookies, kSessionCookie, token, "/", max_age);
}

// A browser gets the session as an HttpOnly cookie only, so no script on the page can read
// it; an API client that asks ("token": true) gets it in the body, as a bearer token, and no
// cookie.
asio::awaitable<http::Response> sign_in(http::RequestContext& ctx, SessionRoutes& g) {
  auto body = parse_body(ctx, {{"email", JsonType::string},
                               {"password", JsonType::string},
                               {"token", JsonType::boolean, false}});
  if (!body) co_return error_response(body.error());
  const std::string email = (*body)["email"];
  const std::string password = (*body)["password"];
  const bool wants_token = body->value("token", false);
  if (email.size() > 254 || password.size() > 1024) {
    co_return error_response(make_error(Errc::invalid_value, "email or password is too long"));
  }
  auto checked = co_await check_credentials(ctx, {g.edge, g.hashing, g.metrics}, email, password,
                                            /*open_session=*/true);
  if (auto* refused = std::get_if<http::Response>(&checked)) co_return std::move(*refused);
  const auto& in = std::get<auth::SignedIn>(checked);
  nlohmann::json answer{{"expires_at", format_rfc3339(in.expires_at)},
                        {"user", user_view(in.user)}};
  if (wants_token) {
    answer["token"] = in.token;
    co_return json_response(201, answer);
  }
  answer["csrf_token"] = in.csrf_token;
  auto r = json_response(201, answer);
  r.headers.emplace_back("Set-Cookie", session_cookie(g, in.token, g.session_ttl));
  add_device_cookies(r, g.secure_cookies, in.device_cookie, g.device_lifetime);
  co_return r;
}

asio::awaitable<http::Response> sign_out(http::RequestContext& ctx, SessionRoutes& g) {
  co_return respond(co_await on_pool(g.edge, [&]() -> Result<http::Response> {
    auto who = authenticate_user(ctx, g.edge);
    if (!who) return who.error();
    g.edge.sessions.sign_out(session_token(ctx)->token);
    http::Response r{204, "", "", {}};
    r.headers.emplace_back("Set-Cookie", session_cookie(g, "", std::chrono::seconds(0)));
    return r;
  }));
}

asio::awaitable<http::Response> me(http::RequestContext& ctx, SessionRoutes& g) {
  co_return respond(co_await on_pool(g.edge, [&]() -> Result<http::Response> {
    auto who = authenticate_user(ctx, g.edge);
    if (!who) return who.error();
    auto body = user_view(who->user);
    body["csrf_token"] = who->csrf_token;
    return json_response(200, body);
  }));
}

}  // namespace

void add_session_routes(http::Router& router, SessionRoutes& g) {
  router.add(http::Method::post, "/api/v1/session", [&g](auto& ctx) { return sign_in(ctx, g); });
  router.add(http::Method::del, "/api/v1/session", [&g](auto& ctx) { return sign_out(ctx, g); });
  router.add(http::Method::get, "/api/v1/me", [&g](auto& ctx) { return me(ctx, g); });
}

}  // namespace canopy::api
