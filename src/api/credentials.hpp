// Email and password from a person's browser, for sign-in and for the alternative connection's
// page alike: the session service's admission, the bounded hashing pool (or its busy refusal),
// the failure delay, the counting, and the device cookies a success sets.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <variant>

#include "api/services.hpp"

namespace canopy::api {

// The routes a device cookie is sent to: the credential checks, and nothing else.
inline constexpr std::string_view kDeviceCookiePaths[] = {"/api/v1/session", "/api/v1/connect"};

// What a credential check needs beyond the request.
struct CredentialChecks {
  const Edge& edge;
  exec::BlockingPool& hashing;  // argon2id: see exec/blocking_pool.hpp
  metrics::ServiceMetrics* metrics = nullptr;
};

// How a credential check ends: the person, or the response that refuses them (429 with
// Retry-After, 401 after the failure delay, 503 when the hashing pool is full).
using CredentialOutcome = std::variant<http::Response, auth::SignedIn>;

// Checks `email` and `password` from `ctx`'s client (its address behind trusted proxies, its
// user agent and device cookies). `open_session`: sign in (auth::SessionService::sign_in), or
// only check (check_credentials).
asio::awaitable<CredentialOutcome> check_credentials(http::RequestContext& ctx,
                                                     const CredentialChecks& checks,
                                                     std::string_view email,
                                                     std::string_view password, bool open_session);

// A Set-Cookie value: HttpOnly and SameSite=Strict always, Secure when `secure`.
std::string set_cookie(bool secure, std::string_view name, std::string_view value,
                       std::string_view path, std::chrono::seconds max_age);

// Adds the browser's device cookie, one per path of kDeviceCookiePaths, to `r`.
void add_device_cookies(http::Response& r, bool secure, std::string_view value,
                        std::chrono::seconds max_age);

}  // namespace canopy::api
