// Partner events: the outbox every connection change writes to in its own transaction
// (ConnectionChange::event), the leases replicas take on due events to deliver them, and the log
// of every delivery attempt. EventStore reads and moves them; ConnectionStore::apply writes them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace canopy::store {

// An event as a change writes it: the rest (seq, app, school, times) comes from the change.
struct OutboxEvent {
  std::string id;    // the Standard Webhooks message id: unique, the same on every attempt
  std::string type;  // connection.approved, ...
  std::string body;  // the JSON payload, exactly as signed and sent
};

// pending: to be delivered (again); delivered: a 2xx came back; failed: given up (attempts or
// age ran out), until an operator asks for it again.
enum class EventState { pending, delivered, failed };
std::string_view to_string(EventState state);
std::optional<EventState> parse_event_state(std::string_view text);

struct PartnerEvent {
  std::int64_t seq = 0;  // grows with every event written: the partner's cursor
  std::string id;
  std::string app_id;
  std::string school_id;
  std::string type;
  std::string body;
  TimePoint created_at;
  EventState state = EventState::pending;
  int attempts = 0;  // attempts started (a claim counts one, even if its replica died)
  TimePoint next_attempt_at;
  std::optional<TimePoint> delivered_at;
  std::string last_error;  // of the last failed attempt; "" when none failed
};

// A replica's claim on due events: at most `limit` pending events of `apps` whose next attempt
// is due at `now` and that nobody holds, each held for `owner` until `lease_until`.
struct EventClaim {
  std::string owner;  // unique per claim: only its holder records a failure
  TimePoint now;
  TimePoint lease_until;
  std::span<const std::string> apps;
  std::size_t limit = 0;
  // Attempts an event may have started; one that started them all and whose lease ran out (its
  // replica died each time: an event that crashes whoever delivers it) is given up, not claimed
  // again. Zero: no limit.
  int max_attempts = 0;
};

enum class DeliveryOutcome { delivered, failed };
std::string_view to_string(DeliveryOutcome outcome);

// One attempt to deliver an event, as the delivery log keeps it.
struct Delivery {
  std::int64_t id = 0;  // set by the store
  std::int64_t event_seq = 0;
  std::string event_id;
  std::string app_id;
  int attempt = 0;      // 1 for the first
  std::string replica;  // the replica that tried
  TimePoint at;         // when the attempt started
  std::chrono::milliseconds duration{0};
  std::optional<int> status_code;  // nullopt: no HTTP answer (refused, timed out, ...)
  DeliveryOutcome outcome = DeliveryOutcome::failed;
  std::string error;  // why it failed, for an operator; "" when delivered
};

// What becomes of an event after an attempt that failed: tried again at `retry_at`, or, when
// nullopt, given up (failed).
struct AfterFailure {
  std::optional<TimePoint> retry_at;
};

struct DeliveryQuery {
  std::string app_id;    // "" for every app
  std::string event_id;  // "" for every event
  std::optional<std::int64_t> before_id;
  std::size_t limit = 50;
};

class EventStore {
 public:
  virtual ~EventStore() = default;
  // A partner's events after `after_seq`, oldest first, at most `limit`.
  virtual std::vector<PartnerEvent> events_for_app(std::string_view app_id, std::int64_t after_seq,
                                                   std::size_t limit) = 0;
  virtual std::optional<PartnerEvent> find_event(std::string_view id) = 0;
  // Events for an operator, newest first: of one app (or all), in one state (or any).
  virtual std::vector<PartnerEvent> list_events(std::string_view app_id,
                                                std::optional<EventState> state,
                                                std::optional<std::int64_t> before_seq,
                                                std::size_t limit) = 0;
  // Takes the claim's events (each counts an attempt) and returns them: no other claim gets
  // one of them until its lease runs out.
  virtual std::vector<PartnerEvent> claim_events(const EventClaim& claim) = 0;
  // Logs an attempt and moves its event on, in one transaction: delivered at once (whoever
  // holds it: a delivery is a delivery); after a failure, only while `owner` still holds it,
  // to be retried or given up as `after` says. False when the failure found the lease taken.
  virtual bool record_delivery(const Delivery& delivery, std::string_view owner,
                               const AfterFailure& after) = 0;
  // The delivery log, newest first.
  virtual std::vector<Delivery> deliveries(const DeliveryQuery& query) = 0;
  // An operator asks for a failed (or delivered) event to be delivered again, from now, with a
  // fresh count of attempts. False when there is no such event.
  virtual bool redeliver(std::string_view id, TimePoint at) = 0;
  // Retention: up to `limit` events created before `cutoff`, delivered or not (an event
  // undelivered for that long tells nobody anything), and up to `limit` log rows of attempts
  // before it; the rows deleted from both.
  virtual std::size_t delete_events_before(TimePoint cutoff, std::size_t limit) = 0;
  // How many events wait to be delivered, for /metrics.
  virtual std::int64_t pending_events() = 0;
};

}  // namespace canopy::store
