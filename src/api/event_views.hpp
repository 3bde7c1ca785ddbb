// How partner events and their deliveries are shown: to the partner (the payload as signed,
// with its id and cursor) and to an operator (with the delivery state).
#pragma once

#include <nlohmann/json.hpp>

#include "store/events.hpp"

namespace canopy::api {

// {id, seq, type, timestamp, data}: the webhook's payload, with its webhook-id and cursor.
nlohmann::json partner_event_view(const store::PartnerEvent& event);
// The above with app, school, state, attempts, next_attempt_at, delivered_at, last_error.
nlohmann::json operator_event_view(const store::PartnerEvent& event);
nlohmann::json delivery_view(const store::Delivery& delivery);

}  // namespace canopy::api
