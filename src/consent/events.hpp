// The partner events connection changes send. A change carries its event into its own
// transaction (store::ConnectionChange::event, the outbox), so a committed change is always
// told and an uncommitted one never; the dispatcher (events/) delivers it, signed, to the
// partner's webhook, and the partner can re-read it (GET /partner/v1/events).
#pragma once

#include <string>
#include <string_view>

#include "store/store.hpp"

namespace canopy::consent {

namespace event_type {
inline constexpr std::string_view kRequested = "connection.requested";
inline constexpr std::string_view kApproved = "connection.approved";
inline constexpr std::string_view kRejected = "connection.rejected";
inline constexpr std::string_view kExpired = "connection.expired";
inline constexpr std::string_view kIdsChanged = "school.ids_changed";
}  // namespace event_type

// A new message id: "msg_" and 128 random bits (base64url), unique across replicas.
std::string new_event_id();

// The event that tells the partner of `change`, as `audit` records it: its type follows the
// status the connection moves to. The body is the Standard Webhooks payload
// {"type", "timestamp", "data": {school, app, status, previous_status, permission_set_version,
// revision, by}}: `by` says who made the change (school, trust, partner or canopy), never which
// person.
// A reject that says why adds "reason": {code, text, note}; a revocation adds "deletion":
// {requested, due_by, attest}: the partner is to delete the school's data and say so there.
store::OutboxEvent connection_event(const store::ConnectionChange& change,
                                    const store::AuditRecord& audit);

// Tells the partner of approved connection `c` that its school's dummy (migration) site went
// live at `at`: every id it holds for the school (students, staff, ...) is replaced, and it
// must sync again from the live site. data: {school, app, status, permission_set_version,
// revision, by: "canopy", went_live_at}.
store::OutboxEvent ids_changed_event(const store::Connection& c, TimePoint at);

}  // namespace canopy::consent
