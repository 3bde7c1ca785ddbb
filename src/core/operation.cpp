// Names of operations as they appear in policies, the API and CSV exports.
#include "core/operation.hpp"

namespace canopy {

std::string_view to_string(Operation op) {
  switch (op) {
    case Operation::read:
      return "read";
    case Operation::write:
      return "write";
    case Operation::update:
      return "update";
    case Operation::del:
      return "delete";
  }
  return "read";
}

std::optional<Operation> parse_operation(std::string_view text) {
  for (Operation op : kAllOperations) {
    if (to_string(op) == text) return op;
  }
  return std::nullopt;
}

}  // namespace canopy
