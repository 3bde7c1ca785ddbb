// Sign-in, lockout and session checks.
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

// Login history keeps what the client sent, bounded, so a hostile header cannot bloat it.
std::string bounded(std::string_view s) {
  return std::string(s.substr(0, 512));
}

}  // namespace

std::string csrf_token_for(std::string_view session_token) {
  return digest_hex(std::string("canopy-csrf-v1:") + std::string(session_token));
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
      dummy_hash_(hash_password(random_token(), policy.dummy_cost)) {}

void SessionService::record(std::string_view email, std::optional<std::int64_t> user_id,
                            std::string_view address, std::string_view user_agent,
                            std::string_view outcome) {
  history_.record_login({0, bounded(email), user_id, clock_.now(), bounded(address),
                         bounded(user_agent), std::string(outcome)});
}

SignInOutcome SessionService::fail(std::int64_t user_id, std::string_view email,
                                   std::string_view address, std::string_view user_agent) {
  const int attempts = credentials_.register_failure(user_id, policy_.max_failures,
                                                     clock_.now() + policy_.lock_duration);
  record(email, user_id, address, user_agent, "invalid_credentials");
  auto delay = policy_.failure_delay * (1LL << std::clamp(attempts - 1, 0, 16));
  return {make_error(Errc::invalid_credentials, "the email or password is not right"),
          std::min<std::chrono::milliseconds>(delay, policy_.max_failure_delay), std::nullopt};
}

SignInOutcome SessionService::sign_in(std::string_view email_in, std::string_view password,
                                      std::string_view address, std::string_view user_agent) {
  const std::string email = lower(email_in);
  const auto user = directory_.find_user_by_email(email);
  const auto hash = user ? credentials_.password_hash(user->id) : std::nullopt;
  // A disabled user (a leaver) fails exactly like an unknown email: same work, same answer.
  if (!user || !hash || user->disabled) {
    verify_password(dummy_hash_, password);
    record(email, user ? std::optional(user->id) : std::nullopt, address, user_agent,
           "invalid_credentials");
    return {make_error(Errc::invalid_credentials, "the email or password is not right"),
            policy_.failure_delay, std::nullopt};
  }
  const TimePoint now = clock_.now();
  const store::Lockout lock = credentials_.lockout(user->id);
  if (lock.locked_until && *lock.locked_until > now) {
    record(email, user->id, address, user_agent, "account_locked");
    const auto left = std::chrono::ceil<std::chrono::seconds>(*lock.locked_until - now);
    return {make_error(Errc::account_locked, "too many failed sign-ins; try again in " +
                                                 std::to_string(left.count()) + " seconds"),
            std::chrono::milliseconds(0), left};
  }
  if (!verify_password(*hash, password)) return fail(user->id, email, address, user_agent);

  if (lock.failed_attempts != 0 || lock.locked_until) credentials_.clear_lockout(user->id);
  sessions_.delete_expired_sessions(now);
  record(email, user->id, address, user_agent, "success");
  SignedIn out{random_token(), {}, *user, now + policy_.session_ttl};
  out.csrf_token = csrf_token_for(out.token);
  sessions_.create_session({digest_hex(out.token), user->id, now, out.expires_at});
  return {std::move(out)};
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
