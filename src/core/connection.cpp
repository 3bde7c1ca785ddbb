// Legal transitions, in one table-like function so the whole machine is readable at once.
#include "core/connection.hpp"

#include <string>

namespace canopy {

std::string_view to_string(ConnectionStatus status) {
  switch (status) {
    case ConnectionStatus::pending:
      return "pending";
    case ConnectionStatus::approved:
      return "approved";
    case ConnectionStatus::rejected:
      return "rejected";
  }
  return "pending";
}

std::optional<ConnectionStatus> parse_connection_status(std::string_view text) {
  for (auto s :
       {ConnectionStatus::pending, ConnectionStatus::approved, ConnectionStatus::rejected}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

std::string_view to_string(AdminAction action) {
  switch (action) {
    case AdminAction::approve:
      return "approve";
    case AdminAction::reject:
      return "reject";
    case AdminAction::cancel:
      return "cancel";
  }
  return "approve";
}

Result<ConnectionStatus> next_status(ConnectionStatus current, AdminAction action) {
  using S = ConnectionStatus;
  switch (action) {
    case AdminAction::approve:
      if (current == S::pending || current == S::rejected) return S::approved;
      break;
    case AdminAction::reject:
      if (current == S::pending || current == S::approved) return S::rejected;
      break;
    case AdminAction::cancel:
      if (current == S::pending) return S::pending;
      break;
  }
  return make_error(Errc::invalid_transition, "cannot " + std::string(to_string(action)) +
                                                  " a connection that is " +
                                                  std::string(to_string(current)));
}

}  // namespace canopy
