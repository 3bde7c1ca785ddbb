// Sign in and out: POST/DELETE /api/v1/session, and GET /api/v1/me.
#include "api/errors.hpp"
#include "api/guards.hpp"
#include "api/json_body.hpp"
#include "api/route_groups.hpp"
#include "api/views.hpp"

namespace canopy::api {
namespace {

// A Set-Cookie value: HttpOnly and SameSite=Strict always, Secure unless told otherwise.
std::string set_cookie(const SessionRoutes& g, std::string_view name, std::string_view value,
                       std::string_view path, long max_age) {
  std::string c = std::string(name) + "=" + std::string(value) + "; Path=" + std::string(path) +
                  "; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (g.secure_cookies) c += "; Secure";
  return c;
}

std::string session_cookie(const SessionRoutes& g, std::string_view token, long max_age) {
  return set_cookie(g, kSessionCookie, token, "/", max_age);
}

// The browser's device cookie: sent only to the sign-in routes, for as long as it is valid.
std::string device_cookie(const SessionRoutes& g, std::string_view value, long max_age) {
  return set_cookie(g, auth::DeviceCookies::kName, value, "/api/v1/session", max_age);
}

http::Response refusal(const auth::SignInOutcome& outcome) {
  auto r = error_response(outcome.result.error());
  if (outcome.retry_after)
    r.headers.emplace_back("Retry-After", std::to_string(outcome.retry_after->count()));
  return r;
}

// A browser gets the session as an HttpOnly cookie only, so no script on the page can read
// it; an API client that asks ("token": true) gets it in the body, as a bearer token, and no
// cookie.
void count(SessionRoutes& g, metrics::SignIn outcome) {
  if (g.metrics != nullptr) g.metrics->sign_in(outcome);
}

asio::awaitable<http::Response> sign_in(http::RequestContext& ctx, SessionRoutes& g) {
  const auto arrived = std::chrono::steady_clock::now();
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
  const std::string address = g.edge.proxies.client_address(ctx);
  // Every device cookie sent, not just the first: one set for a sibling domain must not hide
  // the browser's own.
  const auto devices = cookies(ctx, auth::DeviceCookies::kName, 4);
  const auth::SignInAttempt attempt{.email = email,
                                    .password = password,
                                    .address = address,
                                    .user_agent = ctx.header("user-agent"),
                                    .device_cookies = devices};
  if (auto refused = g.edge.sessions.admit(attempt)) {
    count(g, metrics::SignIn::throttled);
    co_return refusal(*refused);
  }
  std::optional<auth::SignInOutcome> outcome;
  const bool ran =
      co_await g.hashing.try_run([&] { outcome.emplace(g.edge.sessions.sign_in(attempt)); });
  if (!ran) {
    count(g, metrics::SignIn::busy);
    auto r = error_response(
        make_error(Errc::unavailable, "too many sign-ins at once; try again in a moment"));
    r.headers.emplace_back("Retry-After", "1");
    co_return r;
  }
  if (!outcome->result) {
    const auto code = outcome->result.error().code;
    count(g, code == Errc::invalid_credentials ? metrics::SignIn::invalid_credentials
             : code == Errc::too_many_attempts ? metrics::SignIn::throttled
                                               : metrics::SignIn::failed);
    if (code == Errc::invalid_credentials) {
      asio::steady_timer timer(co_await asio::this_coro::executor,
                               arrived + g.edge.sessions.failure_delay());
      co_await timer.async_wait(asio::use_awaitable);
    }
    co_return refusal(*outcome);
  }
  const auto& in = *outcome->result;
  count(g, metrics::SignIn::success);
  ctx.actor = "user:" + std::to_string(in.user.id);
  nlohmann::json answer{{"expires_at", format_rfc3339(in.expires_at)},
                        {"user", user_view(in.user)}};
  if (wants_token) {
    answer["token"] = in.token;
    co_return json_response(201, answer);
  }
  answer["csrf_token"] = in.csrf_token;
  auto r = json_response(201, answer);
  r.headers.emplace_back("Set-Cookie",
                         session_cookie(g, in.token, static_cast<long>(g.session_ttl.count())));
  r.headers.emplace_back("Set-Cookie", device_cookie(g, in.device_cookie,
                                                     static_cast<long>(g.device_lifetime.count())));
  co_return r;
}

asio::awaitable<http::Response> sign_out(http::RequestContext& ctx, SessionRoutes& g) {
  co_return respond(co_await on_pool(g.edge, [&]() -> Result<http::Response> {
    auto who = authenticate_user(ctx, g.edge);
    if (!who) return who.error();
    g.edge.sessions.sign_out(session_token(ctx)->token);
    http::Response r{204, "", "", {}};
    r.headers.emplace_back("Set-Cookie", session_cookie(g, "", 0));
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
