#include "api/event_views.hpp"

#include "core/time.hpp"

namespace canopy::api {

nlohmann::json partner_event_view(const store::PartnerEvent& event) {
  // The body was written by consent/events.cpp: an object, never anything else.
  nlohmann::json out = nlohmann::json::parse(event.body, nullptr, false);
  if (!out.is_object()) out = nlohmann::json::object();
  out["id"] = event.id;
  out["seq"] = event.seq;
  return out;
}

nlohmann::json operator_event_view(const store::PartnerEvent& event) {
  nlohmann::json out = partner_event_view(event);
  out["app"] = event.app_id;
  out["school"] = event.school_id;
  out["state"] = to_string(event.state);
  out["attempts"] = event.attempts;
  out["next_attempt_at"] = event.state == store::EventState::pending
                               ? nlohmann::json(format_rfc3339(event.next_attempt_at))
                               : nlohmann::json();
  out["delivered_at"] =
      event.delivered_at ? nlohmann::json(format_rfc3339(*event.delivered_at)) : nlohmann::json();
  out["last_error"] = event.last_error;
  return out;
}

nlohmann::json delivery_view(const store::Delivery& d) {
  return {{"id", d.id},
          {"event", d.event_id},
          {"app", d.app_id},
          {"attempt", d.attempt},
          {"replica", d.replica},
          {"at", format_rfc3339(d.at)},
          {"duration_ms", d.duration.count()},
          {"status_code", d.status_code ? nlohmann::json(*d.status_code) : nlohmann::json()},
          {"outcome", to_string(d.outcome)},
          {"error", d.error}};
}

}  // namespace canopy::api
