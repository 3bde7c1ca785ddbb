// EventStore: partner events, the leases of the replicas delivering them, and the delivery log.
// ConnectionStore::apply writes the events (connections.cpp, write_events below).
#include "store/db/statements.hpp"
#include "store/sql/sql_store.hpp"

namespace canopy::store {
namespace {

constexpr std::string_view kEventColumns =
    "seq, id, app_id, school_id, type, body, created_at_ms, state, attempts, next_attempt_at_ms,"
    " delivered_at_ms, last_error";

PartnerEvent event_row(const db::Statement& r) {
  PartnerEvent e;
  e.seq = r.integer(0);
  e.id = r.text(1);
  e.app_id = r.text(2);
  e.school_id = r.text(3);
  e.type = r.text(4);
  e.body = r.text(5);
  e.created_at = from_unix_ms(r.integer(6));
  e.state = parse_event_state(r.text(7)).value_or(EventState::failed);
  e.attempts = static_cast<int>(r.integer(8));
  e.next_attempt_at = from_unix_ms(r.integer(9));
  if (auto at = r.optional_integer(10)) e.delivered_at = from_unix_ms(*at);
  e.last_error = r.text(11);
  return e;
}

constexpr std::string_view kDeliveryColumns =
    "id, event_seq, event_id, app_id, attempt, replica, at_ms, duration_ms, status_code, outcome,"
    " error";

Delivery delivery_row(const db::Statement& r) {
  Delivery d;
  d.id = r.integer(0);
  d.event_seq = r.integer(1);
  d.event_id = r.text(2);
  d.app_id = r.text(3);
  d.attempt = static_cast<int>(r.integer(4));
  d.replica = r.text(5);
  d.at = from_unix_ms(r.integer(6));
  d.duration = std::chrono::milliseconds(r.integer(7));
  if (auto code = r.optional_integer(8)) d.status_code = static_cast<int>(*code);
  d.outcome = r.text(9) == "delivered" ? DeliveryOutcome::delivered : DeliveryOutcome::failed;
  d.error = r.text(10);
  return d;
}

// The columns keep 512 characters of an error: enough to say what went wrong.
std::string clip(std::string_view text) {
  constexpr std::size_t kMax = 512;
  if (text.size() <= kMax) return std::string(text);
  std::size_t end = kMax;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;  // not inside a UTF-8 sequence
  return std::string(text.substr(0, end));
}

}  // namespace

std::string_view to_string(EventState state) {
  switch (state) {
    case EventState::pending:
      return "pending";
    case EventState::delivered:
      return "delivered";
    case EventState::failed:
      return "failed";
  }
  return "failed";
}

std::optional<EventState> parse_event_state(std::string_view text) {
  for (auto s : {EventState::pending, EventState::delivered, EventState::failed}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

std::string_view to_string(DeliveryOutcome outcome) {
  return outcome == DeliveryOutcome::delivered ? "delivered" : "failed";
}

void SqlStore::write_events(db::Session& s, std::span<const AuditedChange* const> changes) {
  db::run_rows(s,
               "INSERT INTO partner_events (id, app_id, school_id, type, body, created_at_ms,"
               " state, attempts, next_attempt_at_ms) VALUES ",
               9, "", changes.size(), [&](db::Statement& q, std::size_t i) {
                 const ConnectionChange& c = changes[i]->change;
                 q.bind(c.event->id)
                     .bind(c.app_id)
                     .bind(c.school_id)
                     .bind(c.event->type)
                     .bind(c.event->body)
                     .bind(to_unix_ms(c.at))
                     .bind(to_string(EventState::pending))
                     .bind(0)
                     .bind(to_unix_ms(c.at));
               });
}

std::vector<PartnerEvent> SqlStore::events_for_app(std::string_view app_id, std::int64_t after_seq,
                                                   std::size_t limit) {
  return db_->read("events_for_app", [&](db::Session& s) {
    auto q = s.prepare("SELECT " + std::string(kEventColumns) +
                       " FROM partner_events WHERE app_id = ? AND seq > ? ORDER BY seq LIMIT ?");
    q->bind(app_id).bind(after_seq).bind(db::limit_value(limit));
    return db::all_rows(*q, event_row);
  });
}

std::optional<PartnerEvent> SqlStore::find_event(std::string_view id) {
  return db_->read("find_event", [&](db::Session& s) -> std::optional<PartnerEvent> {
    auto q =
        s.prepare("SELECT " + std::string(kEventColumns) + " FROM partner_events WHERE id = ?");
    q->bind(id);
    if (!q->next()) return std::nullopt;
    return event_row(*q);
  });
}

std::vector<PartnerEvent> SqlStore::list_events(std::string_view app_id,
                                                std::optional<EventState> state,
                                                std::optional<std::int64_t> before_seq,
                                                std::size_t limit) {
  return db_->read("list_events", [&](db::Session& s) {
    std::string sql = "SELECT " + std::string(kEventColumns) + " FROM partner_events WHERE 1 = 1";
    if (!app_id.empty()) sql += " AND app_id = ?";
    if (state) sql += " AND state = ?";
    if (before_seq) sql += " AND seq < ?";
    auto q = s.prepare(sql + " ORDER BY seq DESC LIMIT ?");
    if (!app_id.empty()) q->bind(app_id);
    if (state) q->bind(to_string(*state));
    if (before_seq) q->bind(*before_seq);
    q->bind(db::limit_value(limit));
    return db::all_rows(*q, event_row);
  });
}

// Two steps, each safe against every other replica: a read of candidates, then, per candidate,
// an UPDATE whose WHERE repeats the conditions, so that of two replicas racing for one event
// exactly one changes its row. No SELECT ... FOR UPDATE: a claim never waits behind another.
std::vector<PartnerEvent> SqlStore::claim_events(const EventClaim& claim) {
  if (claim.apps.empty() || claim.limit == 0) return {};
  const std::int64_t now = to_unix_ms(claim.now);
  if (claim.max_attempts > 0) {
    db_->transact("give_up_events", [&](db::Session& s) {
      auto q = s.prepare(
          "UPDATE partner_events SET state = 'failed', last_error = ?, lease_owner = NULL,"
          " lease_until_ms = NULL WHERE state = 'pending' AND attempts >= ?"
          " AND lease_until_ms IS NOT NULL AND lease_until_ms <= ?");
      q->bind("given up: every attempt ended without an answer being recorded")
          .bind(claim.max_attempts)
          .bind(now)
          .execute();
    });
  }
  std::vector<std::int64_t> candidates = db_->read("claim_events", [&](db::Session& s) {
    std::vector<std::string_view> apps(claim.apps.begin(), claim.apps.end());
    std::vector<std::int64_t> seqs;
    db::select_in(s, "SELECT seq FROM partner_events WHERE state = 'pending' AND app_id", apps,
                  " AND next_attempt_at_ms <= " + std::to_string(now) +
                      " AND (lease_until_ms IS NULL OR lease_until_ms <= " + std::to_string(now) +
                      ") ORDER BY seq LIMIT " + std::to_string(db::limit_value(claim.limit)),
                  [&](const db::Statement& r) { seqs.push_back(r.integer(0)); });
    return seqs;
  });
  std::vector<PartnerEvent> claimed;
  for (const std::int64_t seq : candidates) {
    if (claimed.size() >= claim.limit) break;
    auto event = db_->transact("claim_event", [&](db::Session& s) -> std::optional<PartnerEvent> {
      auto take = s.prepare(
          "UPDATE partner_events SET lease_owner = ?, lease_until_ms = ?, attempts = attempts + 1"
          " WHERE seq = ? AND state = 'pending' AND next_attempt_at_ms <= ?"
          " AND (lease_until_ms IS NULL OR lease_until_ms <= ?)");
      take->bind(claim.owner).bind(to_unix_ms(claim.lease_until)).bind(seq).bind(now).bind(now);
      if (take->execute() == 0) return std::nullopt;  // another replica took it first
      auto q =
          s.prepare("SELECT " + std::string(kEventColumns) + " FROM partner_events WHERE seq = ?");
      q->bind(seq);
      if (!q->next()) return std::nullopt;
      return event_row(*q);
    });
    if (event) claimed.push_back(std::move(*event));
  }
  return claimed;
}

bool SqlStore::record_delivery(const Delivery& d, std::string_view owner,
                               const AfterFailure& after) {
  return db_->transact("record_delivery", [&](db::Session& s) {
    bool moved = true;  // delivered twice (a lease ran out mid-delivery) is still delivered
    if (d.outcome == DeliveryOutcome::delivered) {
      auto q = s.prepare(
          "UPDATE partner_events SET state = 'delivered', delivered_at_ms = ?,"
          " lease_owner = NULL, lease_until_ms = NULL WHERE seq = ? AND state <> 'delivered'");
      q->bind(to_unix_ms(d.at + d.duration)).bind(d.event_seq).execute();
    } else {
      auto q = s.prepare(
          "UPDATE partner_events SET state = ?, next_attempt_at_ms = ?, last_error = ?,"
          " lease_owner = NULL, lease_until_ms = NULL"
          " WHERE seq = ? AND state = 'pending' AND lease_owner = ?");
      q->bind(to_string(after.retry_at ? EventState::pending : EventState::failed))
          .bind(to_unix_ms(after.retry_at.value_or(d.at)))
          .bind(clip(d.error))
          .bind(d.event_seq)
          .bind(owner);
      moved = q->execute() > 0;
    }
    auto log = s.prepare(
        "INSERT INTO partner_event_deliveries (event_seq, event_id, app_id, attempt, replica,"
        " at_ms, duration_ms, status_code, outcome, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    log->bind(d.event_seq)
        .bind(d.event_id)
        .bind(d.app_id)
        .bind(d.attempt)
        .bind(d.replica)
        .bind(to_unix_ms(d.at))
        .bind(static_cast<std::int64_t>(d.duration.count()))
        .bind(d.status_code)
        .bind(to_string(d.outcome))
        .bind(clip(d.error))
        .execute();
    return moved;
  });
}

std::vector<Delivery> SqlStore::deliveries(const DeliveryQuery& query) {
  return db_->read("deliveries", [&](db::Session& s) {
    std::string sql =
        "SELECT " + std::string(kDeliveryColumns) + " FROM partner_event_deliveries WHERE 1 = 1";
    if (!query.app_id.empty()) sql += " AND app_id = ?";
    if (!query.event_id.empty()) sql += " AND event_id = ?";
    if (query.before_id) sql += " AND id < ?";
    auto q = s.prepare(sql + " ORDER BY id DESC LIMIT ?");
    if (!query.app_id.empty()) q->bind(query.app_id);
    if (!query.event_id.empty()) q->bind(query.event_id);
    if (query.before_id) q->bind(*query.before_id);
    q->bind(db::limit_value(query.limit));
    return db::all_rows(*q, delivery_row);
  });
}

bool SqlStore::redeliver(std::string_view id, TimePoint at) {
  return db_->transact("redeliver", [&](db::Session& s) {
    auto q = s.prepare(
        "UPDATE partner_events SET state = 'pending', attempts = 0, next_attempt_at_ms = ?,"
        " delivered_at_ms = NULL, lease_owner = NULL, lease_until_ms = NULL WHERE id = ?");
    q->bind(to_unix_ms(at)).bind(id);
    return q->execute() > 0;
  });
}

std::size_t SqlStore::delete_events_before(TimePoint cutoff, std::size_t limit) {
  return db_->transact("delete_events_before", [&](db::Session& s) {
    const std::int64_t before = to_unix_ms(cutoff);
    // Rows of both tables: the caller goes on while either had a full batch.
    const auto log_rows =
        s.prepare(dialect_.delete_oldest("partner_event_deliveries", "at_ms < ?", "at_ms"))
            ->bind(before)
            .bind(db::limit_value(limit))
            .execute();
    return static_cast<std::size_t>(log_rows) +
           static_cast<std::size_t>(
               s.prepare(
                    dialect_.delete_oldest("partner_events", "created_at_ms < ?", "created_at_ms"))
                   ->bind(before)
                   .bind(db::limit_value(limit))
                   .execute());
  });
}

std::int64_t SqlStore::pending_events() {
  return db_->read("pending_events", [&](db::Session& s) {
    return db::scalar(s, "SELECT COUNT(*) FROM partner_events WHERE state = 'pending'",
                      dialect_.name());
  });
}

}  // namespace canopy::store
