// A data type grant written out in a test: its type, its fields (sorted by the caller) and its
// operations.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "core/permission_set.hpp"

namespace canopy::testing {

inline DataTypeGrant grant(std::string type, std::vector<std::string> fields,
                           std::initializer_list<Operation> ops) {
  DataTypeGrant g{std::move(type), false, std::move(fields), {}};
  for (auto op : ops)
    g.operations.add(op);
  return g;
}

}  // namespace canopy::testing
