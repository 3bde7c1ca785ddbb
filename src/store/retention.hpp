// What Canopy keeps, and for how long, of the data that only grows otherwise: expired sessions,
// sign-in attempts, the idempotency keys of bulk decisions and partner events. The audit trail is
// not here: it is kept for good (append-only, hash-chained).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>

#include "core/time.hpp"
#include "store/store.hpp"

namespace canopy::store {

struct Retention {
  // Sign-in attempts, shown to admins as login history. Zero keeps them for good.
  std::chrono::days login_history{365};
  // Answers kept for replays of an Idempotency-Key: a client retries within minutes, not days.
  std::chrono::hours idempotency_keys{24};
  // Records of replicas' polls of the revocation epoch (--cache redis) not renewed for this long
  // (replicas that stopped without leaving): well beyond any outage a replica answers through.
  std::chrono::days replica_records{7};
  // Partner events (delivered or not) and their delivery log: what a partner can re-read
  // (GET /partner/v1/events) and an operator can look into.
  std::chrono::days partner_events{90};
  // Alternative-connection links this long past their expiry, spent or not: kept a while so the
  // page can still say "expired" rather than "no such link".
  std::chrono::days connect_links{7};
};

struct RetentionReport {
  std::size_t sessions = 0;  // expired
  std::size_t logins = 0;
  std::size_t idempotency_keys = 0;
  std::size_t replica_records = 0;
  std::size_t partner_events = 0;  // events and delivery log rows
  std::size_t connect_links = 0;
  std::size_t total() const {
    return sessions + logins + idempotency_keys + replica_records + partner_events + connect_links;
  }
};

// Rows deleted per statement (and transaction): a large backlog goes in short steps.
inline constexpr std::size_t kRetentionBatch = 5000;

// Deletes what `retention` no longer keeps as of `now`, in batches of kRetentionBatch, calling
// `progress` (when set) with the running total after each batch. Safe to run on every replica
// at once: each batch deletes whatever is still there. Throws StoreError.
RetentionReport apply_retention(Store& store, TimePoint now, const Retention& retention,
                                const std::function<void(std::size_t deleted)>& progress = {});

}  // namespace canopy::store
