// Reading and steering the partner events the connection changes wrote (consent/events.hpp):
// a partner's own events after its cursor, and, for an operator, every app's events, their
// delivery log, and a new delivery of one that was given up. Blocking (store): run on the
// blocking pool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "store/events.hpp"

namespace canopy::consent {

class PartnerEvents {
 public:
  PartnerEvents(store::EventStore& events, const Clock& clock) : events_(events), clock_(clock) {}

  // The partner `app_id`'s events after `after_seq` (0: from the oldest kept), oldest first.
  std::vector<store::PartnerEvent> for_partner(std::string_view app_id, std::int64_t after_seq,
                                               std::size_t limit) {
    return events_.events_for_app(app_id, after_seq, limit);
  }
  std::vector<store::PartnerEvent> list(std::string_view app_id,
                                        std::optional<store::EventState> state,
                                        std::optional<std::int64_t> before_seq, std::size_t limit) {
    return events_.list_events(app_id, state, before_seq, limit);
  }
  // The event and its attempts, newest first; not_found when there is no such event.
  struct WithDeliveries {
    store::PartnerEvent event;
    std::vector<store::Delivery> deliveries;
  };
  Result<WithDeliveries> with_deliveries(std::string_view id, std::size_t limit);
  std::vector<store::Delivery> deliveries(const store::DeliveryQuery& query) {
    return events_.deliveries(query);
  }
  // Delivers the event again from now, attempts counted afresh; not_found when none.
  Result<store::PartnerEvent> redeliver(std::string_view id);

 private:
  store::EventStore& events_;
  const Clock& clock_;
};

}  // namespace canopy::consent
