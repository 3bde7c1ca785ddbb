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
    case ConnectionStatus::expired:
      return "expired";
  }
  return "pending";
}

std::optional<ConnectionStatus> parse_connection_status(std::string_view text) {
  for (auto s : {ConnectionStatus::pending, ConnectionStatus::approved, ConnectionStatus::rejected,
                 ConnectionStatus::expired}) {
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
  if (current == S::expired) {
    return make_error(Errc::invalid_transition,
                      "the request expired before anyone decided; the partner can ask again");
  }
  return make_error(Errc::invalid_transition, "cannot " + std::string(to_string(action)) +
                                                  " a connection that is " +
                                                  std::string(to_string(current)));
}

namespace {
constexpr RejectReason kReasons[] = {RejectReason::not_needed, RejectReason::not_requested,
                                     RejectReason::data_concerns,
                                     RejectReason::too_many_permissions, RejectReason::other};
}  // namespace

std::string_view to_string(RejectReason reason) {
  switch (reason) {
    case RejectReason::not_needed:
      return "not_needed";
    case RejectReason::not_requested:
      return "not_requested";
    case RejectReason::data_concerns:
      return "data_concerns";
    case RejectReason::too_many_permissions:
      return "too_many_permissions";
    case RejectReason::other:
      return "other";
  }
  return "other";
}

std::optional<RejectReason> parse_reject_reason(std::string_view text) {
  for (auto r : kReasons) {
    if (to_string(r) == text) return r;
  }
  return std::nullopt;
}

std::string_view describe(RejectReason reason) {
  switch (reason) {
    case RejectReason::not_needed:
      return "The school does not need this app";
    case RejectReason::not_requested:
      return "The school did not ask for this connection";
    case RejectReason::data_concerns:
      return "Concerns about how the data would be used";
    case RejectReason::too_many_permissions:
      return "The app asks for more data than it needs";
    case RejectReason::other:
      return "Another reason";
  }
  return "Another reason";
}

}  // namespace canopy
