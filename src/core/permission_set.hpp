// An app's global permission set: per data type, which fields and which operations.
// Sets are global (never per school or trust); a school approves or rejects the whole set.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/operation.hpp"

namespace canopy {

struct DataTypeGrant {
  std::string data_type;
  bool all_fields = false;
  // Sorted. With all_fields, every field the catalogue knows for the type, so a field name
  // the catalogue does not know is never granted.
  std::vector<std::string> fields;
  Operations operations;
  // Why the app needs this data, in the policy's words for a school (`purpose`; required in an
  // app's current set, absent from sets of earlier versions and recorded grants). Shown, never
  // decided on.
  std::string purpose;
};

enum class GrantVerdict {
  granted,
  data_type_not_granted,
  field_not_granted,
  operation_not_granted
};

std::string_view to_string(GrantVerdict verdict);

class PermissionSet {
 public:
  PermissionSet() = default;
  PermissionSet(int version, std::vector<DataTypeGrant> grants);

  int version() const { return version_; }
  const std::vector<DataTypeGrant>& grants() const { return grants_; }
  const DataTypeGrant* find(std::string_view data_type) const;

  // Without a field, asks whether the operation is granted on the data type at all
  // (the gateway passes a field when it needs field-level filtering).
  GrantVerdict check(std::string_view data_type, std::optional<std::string_view> field,
                     Operation op) const;

 private:
  int version_ = 0;
  std::vector<DataTypeGrant> grants_;  // sorted by data_type
};

}  // namespace canopy
