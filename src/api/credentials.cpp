// Credential checks from a browser: admission, hashing, failure delay, device cookies.
#include "api/credentials.hpp"

#include "api/errors.hpp"
#include "api/guards.hpp"

namespace canopy::api {
namespace {

void count(const CredentialChecks& checks, metrics::SignIn outcome) {
  if (checks.metrics != nullptr) checks.metrics->sign_in(outcome);
}

http::Response refusal(const auth::SignInOutcome& outcome) {
  auto r = error_response(outcome.result.error());
  if (outcome.retry_after)
    r.headers.emplace_back("Retry-After", std::to_string(outcome.retry_after->count()));
  return r;
}

}  // namespace

asio::awaitable<CredentialOutcome> check_credentials(http::RequestContext& ctx,
                                                     const CredentialChecks& checks,
                                                     std::string_view email,
                                                     std::string_view password, bool open_session) {
  const auto arrived = std::chrono::steady_clock::now();
  auth::SessionService& sessions = checks.edge.sessions;
  const std::string address = checks.edge.proxies.client_address(ctx);
  // Every device cookie sent, not just the first: one set for a sibling domain must not hide
  // the browser's own.
  const auto devices = cookies(ctx, auth::DeviceCookies::kName, 4);
  const auth::SignInAttempt attempt{.email = email,
                                    .password = password,
                                    .address = address,
                                    .user_agent = ctx.header("user-agent"),
                                    .device_cookies = devices};
  if (auto refused = sessions.admit(attempt)) {
    count(checks, metrics::SignIn::throttled);
    co_return refusal(*refused);
  }
  std::optional<auth::SignInOutcome> outcome;
  const bool ran = co_await checks.hashing.try_run([&] {
    outcome.emplace(open_session ? sessions.sign_in(attempt) : sessions.check_credentials(attempt));
  });
  if (!ran) {
    count(checks, metrics::SignIn::busy);
    auto r = error_response(
        make_error(Errc::unavailable, "too many sign-ins at once; try again in a moment"));
    r.headers.emplace_back("Retry-After", "1");
    co_return r;
  }
  if (!outcome->result) {
    const auto code = outcome->result.error().code;
    count(checks, code == Errc::invalid_credentials ? metrics::SignIn::invalid_credentials
                  : code == Errc::too_many_attempts ? metrics::SignIn::throttled
                                                    : metrics::SignIn::failed);
    // The same time whether the email exists or not.
    if (code == Errc::invalid_credentials) {
      asio::steady_timer timer(co_await asio::this_coro::executor,
                               arrived + sessions.failure_delay());
      co_await timer.async_wait(asio::use_awaitable);
    }
    co_return refusal(*outcome);
  }
  count(checks, metrics::SignIn::success);
  ctx.actor = "user:" + std::to_string(outcome->result->user.id);
  co_return std::move(*outcome->result);
}

std::string set_cookie(bool secure, std::string_view name, std::string_view value,
                       std::string_view path, std::chrono::seconds max_age) {
  std::string c = std::string(name) + "=" + std::string(value) + "; Path=" + std::string(path) +
                  "; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age.count());
  if (secure) c += "; Secure";
  return c;
}

void add_device_cookies(http::Response& r, bool secure, std::string_view value,
                        std::chrono::seconds max_age) {
  for (const auto path : kDeviceCookiePaths)
    r.headers.emplace_back("Set-Cookie",
                           set_cookie(secure, auth::DeviceCookies::kName, value, path, max_age));
}

}  // namespace canopy::api
