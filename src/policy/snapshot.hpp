// PolicySnapshot: the immutable, validated catalogue loaded from policies/ at start-up.
// Readers share it through shared_ptr<const>; nothing in it changes after load.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/permission_set.hpp"
#include "core/site.hpp"

namespace canopy::policy {

enum class AppKind { partner, data_provider };

std::string_view to_string(AppKind kind);

struct App {
  std::string id;
  std::string name;
  std::string vendor;
  std::string description;
  std::string website;
  AppKind kind = AppKind::partner;
  bool live = false;
  bool competitor = false;
  bool alternative_connection = false;
  // Where a school user's browser may be sent back after the alternative connection, compared
  // exactly (no prefixes, no patterns): https URLs, or http on localhost for development.
  std::vector<std::string> redirect_uris;
  PermissionSet permissions;
  // The sets of earlier versions, newest first, kept so that a school that approved one of them
  // keeps what it approved while the current set grows: its decisions follow what both grant.
  std::vector<PermissionSet> history;
  // The set of `version`: the current one or one from history; null when neither has it.
  const PermissionSet* permissions_at(int version) const;
};

struct DataTypeDef {
  std::string name;
  std::vector<std::string> fields;  // in catalogue order
};

struct PermissionDef {
  std::string name;
  std::string description;
};

struct BusinessRole {
  std::string id;
  std::string name;
  SiteKind site_kind = SiteKind::school;
  std::vector<std::string> permissions;
  bool holds(std::string_view permission) const;
};

// The MIS permissions Canopy itself checks.
inline constexpr std::string_view kAdministerSchoolUsers = "School: User Accounts: Administer";
inline constexpr std::string_view kManageAllUsers = "User Details: Manage All Users";

class PolicySnapshot {
 public:
  PolicySnapshot(std::vector<App> apps, std::vector<DataTypeDef> data_types,
                 std::vector<PermissionDef> permissions, std::vector<BusinessRole> roles);

  const App* find_app(std::string_view id) const;
  const DataTypeDef* find_data_type(std::string_view name) const;
  const BusinessRole* find_role(std::string_view id) const;

  const std::vector<App>& apps() const { return apps_; }
  const std::vector<DataTypeDef>& data_types() const { return data_types_; }
  const std::vector<PermissionDef>& permissions() const { return permissions_; }
  const std::vector<BusinessRole>& roles() const { return roles_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Index = std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>>;

  std::vector<App> apps_;  // sorted by id
  std::vector<DataTypeDef> data_types_;
  std::vector<PermissionDef> permissions_;
  std::vector<BusinessRole> roles_;
  Index app_index_;
  Index data_type_index_;
  Index role_index_;
};

struct LoadResult {
  std::shared_ptr<const PolicySnapshot> snapshot;  // null when errors is not empty
  std::vector<std::string> errors;                 // "file:line: message", in file order
  std::string digest;  // 16 hex digits naming the files' contents, when loaded
};

// Loads and validates policies/ (permissions.yaml, business_roles.yaml, data_types.yaml,
// apps/*.yaml). Every problem found is reported, not just the first.
LoadResult load_policies(const std::filesystem::path& dir);

}  // namespace canopy::policy
