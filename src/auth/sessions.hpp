// Signing people in and out: argon2id verification behind in-memory throttles (auth/throttle),
// login history for every checked attempt at a known account, and sessions stored only as
// digests of their tokens. Blocking (store and argon2id): sign_in runs on the hashing pool,
// the rest on the blocking pool.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "auth/crypto.hpp"
#include "auth/device_cookies.hpp"
#include "auth/throttle.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "store/store.hpp"

namespace canopy::auth {

struct SignInPolicy {
  std::chrono::seconds session_ttl{std::chrono::hours(8)};
  // A failed sign-in is answered no sooner than this after it arrived, whatever the work took
  // (a stored hash or the dummy one, a login-history row or none): the time it takes does not
  // tell a known email from an unknown one.
  std::chrono::milliseconds failure_delay{250};
  PasswordCost dummy_cost = PasswordCost::interactive;  // match the cost real hashes use
  ThrottlePolicy throttle;
  // While an account is under a distributed attack, an address that signed into it within
  // this long still gets to try (the login history says so).
  std::chrono::hours proven_address_window{24 * 90};
  // Secrets every replica shares, from which device cookies' keys are derived (the first
  // signs, all verify); empty: a key of this process's own. How long a device cookie lasts.
  std::vector<std::string> device_secrets;
  std::chrono::seconds device_lifetime{std::chrono::hours(24 * 90)};
};

// One sign-in attempt as it arrived, with the device cookies it carried (often none).
struct SignInAttempt {
  std::string_view email;
  std::string_view password;
  std::string_view address;  // the client's (http::TrustedProxies), not necessarily the peer's
  std::string_view user_agent;
  std::span<const std::string_view> device_cookies;
};

struct SignedIn {
  std::string token;
  std::string csrf_token;
  User user;
  TimePoint expires_at;
  std::string device_cookie;  // for the browser: its budget at this account from now on
};

struct SignInOutcome {
  Result<SignedIn> result;
  std::optional<std::chrono::seconds> retry_after;  // with Errc::too_many_attempts
};

struct Authenticated {
  User user;
  std::string csrf_token;
};

// The CSRF token for a session: derived from its token, so it needs no storage and cannot be
// computed by anyone who does not hold the session.
std::string csrf_token_for(std::string_view session_token);

// At most `max_bytes` of `text`, cut before a character that would not fit whole.
std::string cut_utf8(std::string_view text, std::size_t max_bytes);

class SessionService {
 public:
  SessionService(store::DirectoryStore& directory, store::CredentialStore& credentials,
                 store::SessionStore& sessions, store::LoginHistoryStore& history,
                 const Clock& clock, SignInPolicy policy);

  // In memory, cheap: call for every attempt before it takes a place on the hashing pool.
  // The refusal (Errc::too_many_attempts, with the wait) when the attempt's device (if it
  // holds a device cookie for the account) or else its address is over its rate.
  std::optional<SignInOutcome> admit(const SignInAttempt& attempt);
  // Blocking (argon2id, store), after admit. Without a device cookie for the account, the
  // throttles by (address, account) and by account come first; a refused attempt checks no
  // password and writes nothing.
  SignInOutcome sign_in(const SignInAttempt& attempt);
  // sign_in() without the session: the same throttles, password check, login history and
  // device cookie, for a page that asks for credentials to do one thing (the alternative
  // connection's). The outcome's token, csrf_token and expires_at are left empty.
  SignInOutcome check_credentials(const SignInAttempt& attempt);
  Result<Authenticated> authenticate(std::string_view token);
  std::chrono::milliseconds failure_delay() const { return policy_.failure_delay; }
  bool sign_out(std::string_view token);

 private:
  void record(std::string_view email, std::int64_t user_id, std::string_view address,
              std::string_view user_agent, std::string_view outcome);

  store::DirectoryStore& directory_;
  store::CredentialStore& credentials_;
  store::SessionStore& sessions_;
  store::LoginHistoryStore& history_;
  const Clock& clock_;
  SignInPolicy policy_;
  // The device's id when the attempt holds a device cookie issued for its (lower-cased) email.
  std::optional<std::string> device_of(const SignInAttempt& attempt, std::string_view email) const;

  SignInThrottle throttle_;
  DeviceCookies devices_;
  std::string dummy_hash_;  // verified against for unknown emails, so timing reveals nothing
};

}  // namespace canopy::auth
