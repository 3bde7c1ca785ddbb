// Lookups over the immutable policy catalogue.
#include "policy/snapshot.hpp"

#include <algorithm>

namespace canopy::policy {

std::string_view to_string(AppKind kind) {
  return kind == AppKind::data_provider ? "data_provider" : "partner";
}

bool BusinessRole::holds(std::string_view permission) const {
  return std::find(permissions.begin(), permissions.end(), permission) != permissions.end();
}

namespace {
template <class T, class Key>
void build_index(const std::vector<T>& items, Key key, auto& index) {
  for (std::size_t i = 0; i < items.size(); ++i)
    index.emplace(key(items[i]), i);
}
template <class T, class Index>
const T* lookup(const std::vector<T>& items, const Index& index, std::string_view key) {
  auto it = index.find(key);
  return it == index.end() ? nullptr : &items[it->second];
}
}  // namespace

PolicySnapshot::PolicySnapshot(std::vector<App> apps, std::vector<DataTypeDef> data_types,
                               std::vector<PermissionDef> permissions,
                               std::vector<BusinessRole> roles)
    : apps_(std::move(apps)),
      data_types_(std::move(data_types)),
      permissions_(std::move(permissions)),
      roles_(std::move(roles)) {
  std::sort(apps_.begin(), apps_.end(), [](const App& a, const App& b) { return a.id < b.id; });
  build_index(
      apps_, [](const App& a) { return a.id; }, app_index_);
  build_index(
      data_types_, [](const DataTypeDef& d) { return d.name; }, data_type_index_);
  build_index(
      roles_, [](const BusinessRole& r) { return r.id; }, role_index_);
}

const PermissionSet* App::permissions_at(int version) const {
  if (version == permissions.version()) return &permissions;
  for (const auto& set : history) {
    if (set.version() == version) return &set;
  }
  return nullptr;
}

const App* PolicySnapshot::find_app(std::string_view id) const {
  return lookup(apps_, app_index_, id);
}
const DataTypeDef* PolicySnapshot::find_data_type(std::string_view name) const {
  return lookup(data_types_, data_type_index_, name);
}
const BusinessRole* PolicySnapshot::find_role(std::string_view id) const {
  return lookup(roles_, role_index_, id);
}

}  // namespace canopy::policy
