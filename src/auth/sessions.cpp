// Sign-in behind throttles, and session checks.
#include "auth/sessions.hpp"

#include <algorithm>
#include <cctype>

namespace canopy::auth {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// One answer for every wrong email or password, known account or not.
Error invalid_credentials() {
  return make_error(Errc::invalid_credentials, "the email or password is not right");
}

SignInOutcome too_many(std::chrono::seconds wait) {
  // The same words for an address and for an account, and never "locked": the caller may be
  // the account's owner, who has proved nothing yet but must not learn the account exists.
  return {make_error(Errc::too_many_attempts, "too many sign-in attempts; try again in " +
                                                  std::to_string(wait.count()) + " seconds"),
          wait};
}

// What login history keeps of what the client sent: bounded, so a hostile header cannot
// bloat it or fill an admin's screen. 160 bytes of a user agent name a browser and its
// platform; what it says is the browser's claim, and the screen says so.
constexpr std::size_t kMaxUserAgent = 160;
constexpr std::size_t kMaxAddress = 64;

}  // namespace

std::string csrf_token_for(std::string_view session_token) {
  return digest_hex(std::string("canopy-csrf-v1:") + std::string(session_token));
}

std::string cut_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t end = max_bytes;
  // Back to the first byte of the character that would be cut (continuation bytes: 10xxxxxx).
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;
  return std::string(text.substr(0, end));
}

SessionService::SessionService(store::DirectoryStore& directory,
                               store::CredentialStore& credentials, store::SessionStore& sessions,
                               store::LoginHistoryStore& history, const Clock& clock,
                               SignInPolicy policy)
    : directory_(directory),
      credentials_(credentials),
      sessions_(sessions),
      history_(history),
      clock_(clock),
      policy_(policy),
      throttle_(policy.throttle),
      devices_(policy.device_secrets, policy.device_lifetime),
      dummy_hash_(hash_password(random_token(), policy.dummy_cost)) {}

void SessionService::record(std::string_view email, std::int64_t user_id, std::string_view address,
                            std::string_view user_agent, std::string_view outcome) {
  history_.record_login({0, std::string(email), user_id, clock_.now(),
                         cut_utf8(address, kMaxAddress), cut_utf8(user_agent, kMaxUserAgent),
                         std::string(outcome)});
}

std::optional<std::string> SessionService::device_of(const SignInAttempt& attempt,
                                                     std::string_view email) const {
  const TimePoint now = clock_.now();
  for (const auto cookie : attempt.device_cookies)
    if (auto device = devices_.verify(cookie, email, now)) return device;
  return std::nullopt;
}

std::optional<SignInOutcome> SessionService::admit(const SignInAttempt& attempt) {
  const TimePoint now = clock_.now();
  const std::string email = lower(attempt.email);
  if (const auto device = device_of(attempt, email)) {
    if (const auto wait = throttle_.admit_device(*device, email, now)) return too_many(*wait);
    return std::nullopt;
  }
  if (const auto wait = throttle_.admit_address(attempt.address, now)) return too_many(*wait);
  return std::nullopt;
}

SignInOutcome SessionService::sign_in(const SignInAttempt& attempt) {
  auto outcome = check_credentials(attempt);
  if (!outcome.result) return outcome;
  SignedIn& in = *outcome.result;
  const TimePoint now = clock_.now();
  sessions_.delete_expired_sessions(now);
  in.token = random_token();
  in.csrf_token = csrf_token_for(in.token);
  in.expires_at = now + policy_.session_ttl;
  sessions_.create_session({digest_hex(in.token), in.user.id, now, in.expires_at});
  return outcome;
}

SignInOutcome SessionService::check_credentials(const SignInAttempt& attempt) {
  const std::string email = lower(attempt.email);
  const std::string_view address = attempt.address;
  const TimePoint now = clock_.now();
  // A browser that signed into this account before answers to its own budget, taken in admit.
  const auto device = device_of(attempt, email);
  bool account_charged = false;
  if (!device) {
    auto gate = throttle_.check(address, email, now);
    account_charged = gate.verdict == SignInThrottle::Verdict::go;
    if (gate.verdict == SignInThrottle::Verdict::needs_proof) {
      // Keyed by the email as given, so an unknown email costs the same query as a known one.
      if (!history_.login_succeeded_from(email, cut_utf8(address, kMaxAddress),
                                         now - policy_.proven_address_window)) {
        return too_many(gate.retry_after);
      }
      gate = throttle_.admit_proven(address, email, now);
    }
    if (gate.verdict == SignInThrottle::Verdict::refused) return too_many(gate.retry_after);
  }

  const auto user = directory_.find_user_by_email(email);
  const auto hash = user ? credentials_.password_hash(user->id) : std::nullopt;
  // Unknown emails cost a hash check too, and leave no login history: there is no account
  // whose admins would read it, and throttling them needs nothing stored. A disabled user (a
  // leaver) fails like a wrong password: the same work and the same answer as any failure.
  const bool right = verify_password(hash ? *hash : dummy_hash_, attempt.password) &&
                     hash.has_value() && !user->disabled;
  if (!right) {
    if (user) record(email, user->id, address, attempt.user_agent, "invalid_credentials");
    return {invalid_credentials()};
  }
  // A device's success refills only its own budget: the (address, account) pair it did not
  // use may be a guesser's, sharing the address.
  if (device)
    throttle_.device_succeeded(*device);
  else
    throttle_.succeeded(address, email, account_charged, clock_.now());
  record(email, user->id, address, attempt.user_agent, "success");
  return {SignedIn{{}, {}, *user, {}, devices_.issue(email, now)}};
}

Result<Authenticated> SessionService::authenticate(std::string_view token) {
  const auto unauthenticated = make_error(Errc::unauthenticated, "sign in first");
  if (token.empty() || token.size() > 128) return unauthenticated;
  const auto session = sessions_.find_session(digest_hex(token));
  if (!session) return unauthenticated;
  if (session->expires_at <= clock_.now()) {
    sessions_.delete_session(session->token_hash);
    return make_error(Errc::unauthenticated, "your session has expired; sign in again");
  }
  auto user = directory_.find_user(session->user_id);
  // Disabling ends the user's sessions, but a sign-in that raced it may have added one since.
  if (!user || user->disabled) return unauthenticated;
  return Authenticated{std::move(*user), csrf_token_for(token)};
}

bool SessionService::sign_out(std::string_view token) {
  return sessions_.delete_session(digest_hex(token));
}

}  // namespace canopy::auth
