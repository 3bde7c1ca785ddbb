// tenants/*.yaml -> trusts, schools, users and demo connections, validated against policies.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "core/connection.hpp"
#include "core/site.hpp"
#include "policy/snapshot.hpp"

namespace canopy::tenancy {

struct SeedConnection {
  std::string school_id;
  std::string app_id;
  ConnectionStatus status = ConnectionStatus::pending;
};

struct TenantSet {
  std::vector<Site> sites;  // trusts before their schools
  std::vector<User> users;
  std::vector<SeedConnection> connections;
  // Schools the files say are live in so many words (`dummy: false`): only these go live at
  // import when the store has them as dummy sites. A file without the key changes nothing.
  std::set<std::string> declared_live;
};

struct TenantsLoad {
  TenantSet tenants;
  std::vector<std::string> errors;  // "file:line: message"
};

TenantsLoad load_tenants(const std::filesystem::path& dir, const policy::PolicySnapshot& policy);

}  // namespace canopy::tenancy
