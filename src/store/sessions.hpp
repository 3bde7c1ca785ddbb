// Signed-in sessions (SessionStore) and the history of sign-in attempts (LoginHistoryStore).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace canopy::store {

struct Session {
  std::string token_hash;
  std::int64_t user_id = 0;
  TimePoint created_at;
  TimePoint expires_at;
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;
  virtual void create_session(const Session& session) = 0;
  virtual std::optional<Session> find_session(std::string_view token_hash) = 0;
  virtual bool delete_session(std::string_view token_hash) = 0;
  virtual std::size_t delete_expired_sessions(TimePoint now) = 0;
};

struct LoginAttempt {
  std::int64_t id = 0;
  std::string email;
  std::optional<std::int64_t> user_id;
  TimePoint at;
  std::string address;
  std::string user_agent;
  std::string outcome;  // success, invalid_credentials (account_locked in rows from before 0008)
};

class LoginHistoryStore {
 public:
  virtual ~LoginHistoryStore() = default;
  virtual void record_login(const LoginAttempt& attempt) = 0;
  // Newest first; with `before_id`, only attempts with a smaller id (the next page).
  virtual std::vector<LoginAttempt> logins_for_user(std::int64_t user_id, std::size_t limit,
                                                    std::optional<std::int64_t> before_id) = 0;
  // The newest attempt (highest id, as logins_for_user orders) of each of `user_ids` that has
  // one, by user id. One statement for the whole list, every id a bound parameter: meant for
  // one site's users, not the whole directory.
  virtual std::vector<LoginAttempt> latest_logins(std::span<const std::int64_t> user_ids) = 0;
  // Deletes at most `limit` attempts made before `cutoff`, oldest first; returns how many.
  virtual std::size_t delete_logins_before(TimePoint cutoff, std::size_t limit) = 0;
  // Whether `email` signed in successfully from `address` at or after `since` (by the email,
  // not the user, so an unknown email costs the same query).
  virtual bool login_succeeded_from(std::string_view email, std::string_view address,
                                    TimePoint since) = 0;
};

}  // namespace canopy::store
