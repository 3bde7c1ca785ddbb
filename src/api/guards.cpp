// Credential extraction and checks.
#include "api/guards.hpp"

#include "api/errors.hpp"
#include "auth/crypto.hpp"
#include "tenancy/actor.hpp"

namespace canopy::api {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ')
    s.remove_suffix(1);
  return s;
}

bool is_state_change(http::Method m) {
  return m != http::Method::get && m != http::Method::head && m != http::Method::options;
}

}  // namespace

std::optional<std::string_view> bearer_token(const http::RequestContext& ctx) {
  const auto auth = ctx.header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.size() <= kBearer.size() || auth.substr(0, kBearer.size()) != kBearer)
    return std::nullopt;
  return trim(auth.substr(kBearer.size()));
}

std::vector<std::string_view> cookies(const http::RequestContext& ctx, std::string_view name,
                                      std::size_t max) {
  std::vector<std::string_view> out;
  std::string_view header = ctx.header("cookie");
  while (!header.empty() && out.size() < max) {
    const auto semi = header.find(';');
    const auto pair = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name)
      out.push_back(pair.substr(eq + 1));
  }
  return out;
}

std::optional<std::string_view> cookie(const http::RequestContext& ctx, std::string_view name) {
  const auto found = cookies(ctx, name, 1);
  if (found.empty()) return std::nullopt;
  return found.front();
}

std::optional<SessionToken> session_token(const http::RequestContext& ctx) {
  if (auto bearer = bearer_token(ctx)) return SessionToken{std::string(*bearer), false};
  if (auto token = cookie(ctx, kSessionCookie)) return SessionToken{std::string(*token), true};
  return std::nullopt;
}

Result<auth::Authenticated> authenticate_user(http::RequestContext& ctx, const Edge& edge) {
  const auto token = session_token(ctx);
  if (!token) return make_error(Errc::unauthenticated, "sign in first: POST /api/v1/session");
  auto who = edge.sessions.authenticate(token->token);
  if (!who) return who.error();
  // A cookie is sent by the browser on its own; a state change must also prove it came from
  // Canopy's page by echoing the CSRF token. Bearer tokens are never sent implicitly.
  if (token->from_cookie && is_state_change(ctx.method) &&
      !auth::constant_time_equal(ctx.header("x-csrf-token"), who->csrf_token)) {
    return make_error(Errc::csrf_token_invalid,
                      "send the X-CSRF-Token header given at sign-in with every change");
  }
  ctx.actor = "user:" + std::to_string(who->user.id);
  return who;
}

Result<Site> school_in_reach(const Edge& edge, const User& user, std::string_view id) {
  auto site = edge.directory.site(id);
  if (!site || !tenancy::within_reach(user, *site)) return tenancy::not_in_reach(id);
  if (site->kind != SiteKind::school)
    return make_error(Errc::unknown_school, "'" + site->id + "' is a trust, not a school");
  return site;
}

Result<TrustCaller> authenticate_trust_admin(http::RequestContext& ctx, const Edge& edge) {
  auto who = authenticate_user(ctx, edge);
  if (!who) return who.error();
  auto trust = edge.directory.site(ctx.param("trust"));
  if (!trust || !tenancy::within_reach(who->user, *trust))
    return tenancy::not_in_reach(ctx.param("trust"));
  if (trust->kind != SiteKind::trust)
    return make_error(Errc::unknown_trust, "'" + trust->id + "' is a school, not a trust");
  if (auto actor = tenancy::resolve_trust_admin(who->user, *trust, edge.policy.current()); !actor) {
    return actor.error();
  }
  return TrustCaller{std::move(who->user), std::move(*trust)};
}

Result<const policy::App*> authenticate_partner(http::RequestContext& ctx,
                                                auth::PartnerAuthenticator& partners) {
  const auto header = ctx.header("authorization");
  constexpr std::string_view kBasic = "Basic ";
  const auto missing =
      make_error(Errc::unauthenticated, "authenticate with your client id and secret (HTTP Basic)");
  if (header.size() <= kBasic.size() || header.substr(0, kBasic.size()) != kBasic) return missing;
  const auto decoded = auth::base64_decode(trim(header.substr(kBasic.size())));
  if (!decoded) return missing;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return missing;
  auto app = partners.authenticate(std::string_view(*decoded).substr(0, colon),
                                   std::string_view(*decoded).substr(colon + 1));
  if (app) ctx.actor = "app:" + (*app)->id;
  return app;
}

std::optional<http::Response> refuse_without_service_token(http::RequestContext& ctx,
                                                           const auth::ServiceToken& token,
                                                           std::string_view actor) {
  const auto bearer = bearer_token(ctx);
  if (!bearer || !token.matches(*bearer)) {
    return challenge(error_response(make_error(Errc::unauthenticated,
                                               "send the service token as a bearer token")),
                     "Bearer realm=\"canopy-internal\"");
  }
  ctx.actor = actor;
  return std::nullopt;
}

http::Response challenge(http::Response response, std::string_view scheme) {
  if (response.status != 401) return response;
  std::erase_if(response.headers, [](const auto& h) { return h.first == "WWW-Authenticate"; });
  response.headers.emplace_back("WWW-Authenticate", std::string(scheme));
  return response;
}

}  // namespace canopy::api
