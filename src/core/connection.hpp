// The per-school connection state machine: pending, approved, rejected.
#pragma once

#include <optional>
#include <string_view>

#include "core/result.hpp"

namespace canopy {

enum class ConnectionStatus { pending, approved, rejected };

std::string_view to_string(ConnectionStatus status);
std::optional<ConnectionStatus> parse_connection_status(std::string_view text);

// What a school admin may do to a connection. Re-approve and revoke are approve and reject
// from the other decided state; cancel defers the decision and changes nothing.
enum class AdminAction { approve, reject, cancel };

std::string_view to_string(AdminAction action);

// The status after `action`, or invalid_transition. Pure: callers persist the result.
Result<ConnectionStatus> next_status(ConnectionStatus current, AdminAction action);

}  // namespace canopy
