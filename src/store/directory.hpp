// Schools, trusts and users as the tenants files define them, and DirectoryStore.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/site.hpp"

namespace canopy::store {

enum class Upsert { created, changed, unchanged };

class DirectoryStore {
 public:
  virtual ~DirectoryStore() = default;
  virtual Upsert upsert_site(const Site& site) = 0;
  virtual std::optional<Site> find_site(std::string_view id) = 0;
  virtual std::vector<Site> list_sites() = 0;
  // Matches users by email; replaces name, home site and roles. Never touches credentials.
  virtual Upsert upsert_user(const User& user) = 0;
  virtual std::optional<User> find_user(std::int64_t id) = 0;
  virtual std::optional<User> find_user_by_email(std::string_view email) = 0;
  // The users whose home site is `site_id`, disabled ones included, by name, then email (byte
  // order, as both backends compare text).
  virtual std::vector<User> users_of_site(std::string_view site_id) = 0;
};

}  // namespace canopy::store
