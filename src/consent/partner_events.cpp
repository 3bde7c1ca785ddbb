#include "consent/partner_events.hpp"

#include <string>

namespace canopy::consent {
namespace {

Error no_event(std::string_view id) {
  return make_error(Errc::not_found, "no partner event '" + std::string(id) + "'");
}

}  // namespace

Result<PartnerEvents::WithDeliveries> PartnerEvents::with_deliveries(std::string_view id,
                                                                     std::size_t limit) {
  auto event = events_.find_event(id);
  if (!event) return no_event(id);
  auto log = events_.deliveries({.event_id = event->id, .limit = limit});
  return WithDeliveries{std::move(*event), std::move(log)};
}

Result<store::PartnerEvent> PartnerEvents::redeliver(std::string_view id) {
  if (!events_.redeliver(id, clock_.now())) return no_event(id);
  auto event = events_.find_event(id);
  if (!event) return no_event(id);
  return std::move(*event);
}

}  // namespace canopy::consent
