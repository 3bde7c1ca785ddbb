// Sign in and out: POST/DELETE /api/v1/session, and GET /api/v1/me.
#include "api/errors.hpp"
#include "api/guards.hpp"
#include "api/json_body.hpp"
#include "api/route_groups.hpp"
#include "api/views.hpp"

namespace canopy::api {
namespace {

std::string session_cookie(const Services& s, std::string_view token, long max_age) {
  std::string c = std::string(kSessionCookie) + "=" + std::string(token) +
                  "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (s.secure_cookies) c += "; Secure";
  return c;
}

asio::awaitable<http::Response> sign_in(http::RequestContext& ctx, Services& s) {
  auto body = parse_body(ctx, {{"email", JsonType::string}, {"password", JsonType::string}});
  if (!body) co_return error_response(body.error());
  const std::string email = (*body)["email"];
  const std::string password = (*body)["password"];
  if (email.size() > 254 || password.size() > 1024) {
    co_return error_response(make_error(Errc::invalid_value, "email or password is too long"));
  }
  std::optional<auth::SignInOutcome> outcome;
  co_await s.blocking.run([&] {
    outcome.emplace(
        s.sessions.sign_in(email, password, ctx.remote_address, ctx.header("user-agent")));
  });
  if (outcome->delay.count() > 0) {
    asio::steady_timer timer(co_await asio::this_coro::executor, outcome->delay);
    co_await timer.async_wait(asio::use_awaitable);
  }
  if (!outcome->result) {
    auto r = error_response(outcome->result.error());
    if (outcome->retry_after)
      r.headers.emplace_back("Retry-After", std::to_string(outcome->retry_after->count()));
    co_return r;
  }
  const auto& in = *outcome->result;
  auto r = json_response(201, {{"token", in.token},
                               {"csrf_token", in.csrf_token},
                               {"expires_at", format_rfc3339(in.expires_at)},
                               {"user", user_view(in.user)}});
  r.headers.emplace_back("Set-Cookie",
                         session_cookie(s, in.token, static_cast<long>(s.session_ttl.count())));
  co_return r;
}

asio::awaitable<http::Response> sign_out(http::RequestContext& ctx, Services& s) {
  co_return respond(co_await on_pool(s, [&]() -> Result<http::Response> {
    auto who = authenticate_user(ctx, s);
    if (!who) return who.error();
    s.sessions.sign_out(session_token(ctx)->token);
    http::Response r{204, "", "", {}};
    r.headers.emplace_back("Set-Cookie", session_cookie(s, "", 0));
    return r;
  }));
}

asio::awaitable<http::Response> me(http::RequestContext& ctx, Services& s) {
  co_return respond(co_await on_pool(s, [&]() -> Result<http::Response> {
    auto who = authenticate_user(ctx, s);
    if (!who) return who.error();
    auto body = user_view(who->user);
    body["csrf_token"] = who->csrf_token;
    return json_response(200, body);
  }));
}

}  // namespace

void add_session_routes(http::Router& router, Services& s) {
  router.add(http::Method::post, "/api/v1/session", [&s](auto& ctx) { return sign_in(ctx, s); });
  router.add(http::Method::del, "/api/v1/session", [&s](auto& ctx) { return sign_out(ctx, s); });
  router.add(http::Method::get, "/api/v1/me", [&s](auto& ctx) { return me(ctx, s); });
}

}  // namespace canopy::api
