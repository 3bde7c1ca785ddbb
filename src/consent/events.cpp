#include "consent/events.hpp"

#include <nlohmann/json.hpp>

#include "auth/crypto.hpp"

namespace canopy::consent {
namespace {

std::string_view type_for(ConnectionStatus to) {
  switch (to) {
    case ConnectionStatus::pending:
      return event_type::kRequested;
    case ConnectionStatus::approved:
      return event_type::kApproved;
    case ConnectionStatus::rejected:
      return event_type::kRejected;
    case ConnectionStatus::expired:
      return event_type::kExpired;
  }
  return event_type::kRequested;
}

std::string_view by(const store::AuditRecord& audit) {
  switch (audit.actor_kind) {
    case store::ActorKind::user:
      return audit.via_trust ? "trust" : "school";
    case store::ActorKind::partner:
      return "partner";
    case store::ActorKind::system:
      return "canopy";
  }
  return "canopy";
}

}  // namespace

std::string new_event_id() {
  // random_token() is 256 bits; the first 22 characters carry 132 of them.
  return "msg_" + auth::random_token().substr(0, 22);
}

store::OutboxEvent connection_event(const store::ConnectionChange& change,
                                    const store::AuditRecord& audit) {
  const std::string_view type = type_for(change.to);
  nlohmann::json data = {
      {"school", change.school_id},
      {"app", change.app_id},
      {"status", to_string(change.to)},
      {"previous_status",
       audit.from_status ? nlohmann::json(to_string(*audit.from_status)) : nlohmann::json()},
      {"permission_set_version", change.permission_set_version},
      // The connection's revision after the change: deliveries may arrive out of order (a
      // retried approval after the reject that followed it); the highest revision is current.
      {"revision", change.expected_revision ? *change.expected_revision + 1 : 1},
      {"by", by(audit)}};
  if (change.deletion_due) {
    data["deletion"] = {
        {"requested", true},
        {"due_by", format_rfc3339(*change.deletion_due)},
        {"attest", "/partner/v1/connections/" + change.school_id + "/deletion-attestation"}};
  }
  if (change.reject_reason) {
    data["reason"] = {{"code", to_string(*change.reject_reason)},
                      {"text", describe(*change.reject_reason)},
                      {"note", change.reject_note}};
  }
  nlohmann::json body = {
      {"type", type}, {"timestamp", format_rfc3339(change.at)}, {"data", std::move(data)}};
  return {new_event_id(), std::string(type), body.dump()};
}

store::OutboxEvent ids_changed_event(const store::Connection& c, TimePoint at) {
  nlohmann::json data = {{"school", c.school_id},
                         {"app", c.app_id},
                         {"status", to_string(c.status)},
                         {"permission_set_version", c.permission_set_version},
                         {"revision", c.revision},
                         {"by", "canopy"},
                         {"went_live_at", format_rfc3339(at)}};
  nlohmann::json body = {{"type", event_type::kIdsChanged},
                         {"timestamp", format_rfc3339(at)},
                         {"data", std::move(data)}};
  return {new_event_id(), std::string(event_type::kIdsChanged), body.dump()};
}

}  // namespace canopy::consent
