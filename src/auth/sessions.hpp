// Signing people in and out: argon2id verification, lockout after repeated failures, login
// history for every attempt, and sessions stored only as digests of their tokens.
// Blocking (store and argon2id): run on the blocking pool.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "auth/crypto.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "store/store.hpp"

namespace canopy::auth {

struct SignInPolicy {
  std::chrono::seconds session_ttl{std::chrono::hours(8)};
  int max_failures = 5;                          // consecutive failures before a lock
  std::chrono::seconds lock_duration{15 * 60};   // how long a lock lasts
  std::chrono::milliseconds failure_delay{250};  // doubled for each consecutive failure
  std::chrono::milliseconds max_failure_delay{4000};
  PasswordCost dummy_cost = PasswordCost::interactive;  // match the cost real hashes use
};

struct SignedIn {
  std::string token;
  std::string csrf_token;
  User user;
  TimePoint expires_at;
};

struct SignInOutcome {
  Result<SignedIn> result;
  std::chrono::milliseconds delay{0};  // how long to hold the answer back (slows guessing)
  std::optional<std::chrono::seconds> retry_after;
};

struct Authenticated {
  User user;
  std::string csrf_token;
};

// The CSRF token for a session: derived from its token, so it needs no storage and cannot be
// computed by anyone who does not hold the session.
std::string csrf_token_for(std::string_view session_token);

class SessionService {
 public:
  SessionService(store::DirectoryStore& directory, store::CredentialStore& credentials,
                 store::SessionStore& sessions, store::LoginHistoryStore& history,
                 const Clock& clock, SignInPolicy policy);

  SignInOutcome sign_in(std::string_view email, std::string_view password, std::string_view address,
                        std::string_view user_agent);
  Result<Authenticated> authenticate(std::string_view token);
  bool sign_out(std::string_view token);

 private:
  SignInOutcome fail(std::int64_t user_id, std::string_view email, std::string_view address,
                     std::string_view user_agent);
  void record(std::string_view email, std::optional<std::int64_t> user_id, std::string_view address,
              std::string_view user_agent, std::string_view outcome);

  store::DirectoryStore& directory_;
  store::CredentialStore& credentials_;
  store::SessionStore& sessions_;
  store::LoginHistoryStore& history_;
  const Clock& clock_;
  SignInPolicy policy_;
  std::string dummy_hash_;  // verified against for unknown emails, so timing reveals nothing
};

}  // namespace canopy::auth
