// Who is calling: a signed-in person (bearer token or cookie + CSRF header), a partner app
// (HTTP Basic client credentials) or the gateway (service bearer token).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "api/services.hpp"
#include "auth/sessions.hpp"
#include "core/result.hpp"
#include "http/request.hpp"

namespace canopy::api {

inline constexpr std::string_view kSessionCookie = "canopy_session";

struct SessionToken {
  std::string token;
  bool from_cookie = false;
};

// The cookies called `name` in the Cookie header, in order, at most `max` (a browser sends
// one per Domain and Path it holds, a sibling domain's too).
std::vector<std::string_view> cookies(const http::RequestContext& ctx, std::string_view name,
                                      std::size_t max);
// The first cookie called `name` in the Cookie header.
std::optional<std::string_view> cookie(const http::RequestContext& ctx, std::string_view name);
std::optional<SessionToken> session_token(const http::RequestContext& ctx);
std::optional<std::string_view> bearer_token(const http::RequestContext& ctx);

// Blocking: run on the pool. Checks the session and, for cookie-authenticated state changes,
// the X-CSRF-Token header.
Result<auth::Authenticated> authenticate_user(http::RequestContext& ctx, const Edge& edge);

// Blocking. The school `id` names, when it is within the user's reach (tenancy::within_reach);
// 403 in the same words whether another tenant's site exists or not; unknown_school for the
// user's own trust.
Result<Site> school_in_reach(const Edge& edge, const User& user, std::string_view id);

// A trust's central user on one of the trust's routes.
struct TrustCaller {
  User user;
  Site trust;
};

// Blocking: run on the pool. The signed-in user, if they may act for the trust named by the
// route's {trust} (tenancy::resolve_trust_admin). Failures in a fixed order: 401, then 403 (a
// trust that is not the user's, or none: tenancy::not_in_reach).
Result<TrustCaller> authenticate_trust_admin(http::RequestContext& ctx, const Edge& edge);

// Blocking: run on the pool.
Result<const policy::App*> authenticate_partner(http::RequestContext& ctx,
                                                auth::PartnerAuthenticator& partners);

// The gateway's routes: nullopt when the request carries the service token as its bearer
// token (and then names "gateway" as its actor, or `actor`), else the 401 to answer.
std::optional<http::Response> refuse_without_service_token(http::RequestContext& ctx,
                                                           const auth::ServiceToken& token,
                                                           std::string_view actor = "gateway");

// Sets the WWW-Authenticate challenge of a 401 to `scheme`.
http::Response challenge(http::Response response, std::string_view scheme);

}  // namespace canopy::api
