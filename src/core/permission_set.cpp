// Evaluation of a permission set: binary searches over small sorted vectors, no allocation.
#include "core/permission_set.hpp"

#include <algorithm>

namespace canopy {

std::string_view to_string(GrantVerdict verdict) {
  switch (verdict) {
    case GrantVerdict::granted:
      return "granted";
    case GrantVerdict::data_type_not_granted:
      return "data_type_not_granted";
    case GrantVerdict::field_not_granted:
      return "field_not_granted";
    case GrantVerdict::operation_not_granted:
      return "operation_not_granted";
  }
  return "data_type_not_granted";
}

PermissionSet::PermissionSet(int version, std::vector<DataTypeGrant> grants)
    : version_(version), grants_(std::move(grants)) {
  std::sort(grants_.begin(), grants_.end(),
            [](const auto& a, const auto& b) { return a.data_type < b.data_type; });
  for (auto& g : grants_)
    std::sort(g.fields.begin(), g.fields.end());
}

const DataTypeGrant* PermissionSet::find(std::string_view data_type) const {
  auto it =
      std::lower_bound(grants_.begin(), grants_.end(), data_type,
                       [](const DataTypeGrant& g, std::string_view t) { return g.data_type < t; });
  return it != grants_.end() && it->data_type == data_type ? &*it : nullptr;
}

GrantVerdict PermissionSet::check(std::string_view data_type, std::optional<std::string_view> field,
                                  Operation op) const {
  const DataTypeGrant* grant = find(data_type);
  if (grant == nullptr) return GrantVerdict::data_type_not_granted;
  if (field &&
      !std::binary_search(grant->fields.begin(), grant->fields.end(), *field, std::less<>{})) {
    return GrantVerdict::field_not_granted;
  }
  return grant->operations.has(op) ? GrantVerdict::granted : GrantVerdict::operation_not_granted;
}

}  // namespace canopy
