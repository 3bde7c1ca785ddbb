// The per-school connection state machine: pending, approved, rejected, and expired (a
// pending request nobody decided in time; the partner may ask again).
#pragma once

#include <optional>
#include <string_view>

#include "core/result.hpp"

namespace canopy {

enum class ConnectionStatus { pending, approved, rejected, expired };

std::string_view to_string(ConnectionStatus status);
std::optional<ConnectionStatus> parse_connection_status(std::string_view text);

// What a school admin may do to a connection. Re-approve and revoke are approve and reject
// from the other decided state; cancel defers the decision and changes nothing.
enum class AdminAction { approve, reject, cancel };

std::string_view to_string(AdminAction action);

// The status after `action`, or invalid_transition. Pure: callers persist the result. An expired
// request takes no decision: the partner asks again first.
Result<ConnectionStatus> next_status(ConnectionStatus current, AdminAction action);

// Why a school may reject: a short list, so partners can act on it, plus free text.
enum class RejectReason { not_needed, not_requested, data_concerns, too_many_permissions, other };
std::string_view to_string(RejectReason reason);
std::optional<RejectReason> parse_reject_reason(std::string_view text);
// How a person reads it ("The school does not need this app").
std::string_view describe(RejectReason reason);

}  // namespace canopy
