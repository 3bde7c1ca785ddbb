// Who may sign in and with what: CredentialStore (password and partner secret hashes) and
// AccountStore (disabling and enabling users).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/site.hpp"
#include "core/time.hpp"

namespace canopy::store {

class CredentialStore {
 public:
  virtual ~CredentialStore() = default;
  virtual std::optional<std::string> password_hash(std::int64_t user_id) = 0;
  // Sets the password and, in the same transaction, ends every session of the user (whoever
  // held one must sign in with the new password) and voids their tickets for approving through
  // alternative-connection links. Returns how many sessions it ended.
  virtual std::size_t set_password_hash(std::int64_t user_id, const std::string& hash) = 0;
  virtual void set_partner_secret_hash(std::string_view app_id, const std::string& hash,
                                       TimePoint at) = 0;
  virtual std::optional<std::string> partner_secret_hash(std::string_view app_id) = 0;
};

struct UserDisabled {
  bool already = false;            // the user was disabled before
  std::size_t sessions_ended = 0;  // sessions deleted now
};

// Who may still sign in. A disabled user (a leaver) keeps their row, so the audit trail that
// names them stays whole; they cannot sign in and have no sessions.
class AccountStore {
 public:
  virtual ~AccountStore() = default;
  // Every user, disabled ones included, by email.
  virtual std::vector<User> list_users() = 0;
  // In one transaction: marks the user disabled (keeping the first time when already so),
  // deletes every session of theirs and voids their tickets for approving through links. nullopt
  // when there is no such user.
  virtual std::optional<UserDisabled> disable_user(std::int64_t user_id, TimePoint at) = 0;
  // Lets a disabled user sign in again, with the password they had; false when they were not
  // disabled (or do not exist).
  virtual bool enable_user(std::int64_t user_id) = 0;
};

}  // namespace canopy::store
