// Connections between schools and apps, the changes made to them (with their audit records and
// commit guards), and ConnectionStore.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/connection.hpp"
#include "core/time.hpp"
#include "store/audit.hpp"
#include "store/connect_links.hpp"
#include "store/errors.hpp"
#include "store/events.hpp"
#include "store/notifications.hpp"

namespace canopy::store {

struct Connection {
  std::string school_id;
  std::string app_id;
  ConnectionStatus status = ConnectionStatus::pending;
  int permission_set_version = 0;  // the set requested, and approved when approved
  std::int64_t revision = 0;       // grows with every change; caches keep the highest
  TimePoint requested_at;
  std::optional<TimePoint> decided_at;
  std::string decided_by;  // who made the last decision (user email), empty while undecided
  // Why the school rejected, while rejected and when it said (a note only with a reason).
  std::optional<RejectReason> reject_reason;
  std::string reject_note;
};

// What a transaction must also make sure of besides its changes: a commit guard, set by the
// revocation protocol for a change that takes an allow away.
struct CommitGuard {
  // Moves the revocation epoch in the same transaction: a reject that could not be held across
  // replicas (docs/design/revocation.md, "Revocation without Redis").
  bool advance_epoch = false;
  // Not committed after this (steady clock): checked just before COMMIT, which is then not sent
  // and CommitTooLate thrown. A held reject must commit well within its holds' lifetime.
  std::optional<std::chrono::steady_clock::time_point> commit_by;
};

struct ConnectionChange {
  std::string school_id;
  std::string app_id;
  std::optional<std::int64_t> expected_revision;  // nullopt: the connection must not exist yet
  ConnectionStatus to = ConnectionStatus::pending;
  int permission_set_version = 0;
  TimePoint at;
  bool is_decision = false;  // sets decided_at and decided_by
  std::string decided_by;
  // A request made again (from expired): requested_at becomes `at`.
  bool renews_request = false;
  // Set on a reject that says why; every other change clears them.
  std::optional<RejectReason> reject_reason;
  std::string reject_note;
  // Tells the school in the same transaction, so a committed change is never left unannounced.
  std::optional<NotificationKind> notify;
  // Tells the partner in the same transaction (the outbox: store/events.hpp), so a committed
  // change is never left untold and an uncommitted one never told.
  std::optional<OutboxEvent> event;
  // A revocation: the partner is asked to delete the school's data and attest it by then
  // (store/deletions.hpp), in the same transaction.
  std::optional<TimePoint> deletion_due;
  // An approval through an alternative connection's link spends the link in the same
  // transaction: when it cannot (spent meanwhile, expired, or not this approver's ticket)
  // nothing is written, as when the revision check fails. Single changes (apply) only.
  std::optional<LinkSpend> spends_link;
  // For the whole transaction the change is in (any change of a batch may carry it).
  CommitGuard guard;
};

// A transaction that reached its ConnectionChange::commit_by before COMMIT: rolled back,
// nothing written.
class CommitTooLate : public StoreError {
 public:
  using StoreError::StoreError;
};

// One change of a batch with its audit record.
struct AuditedChange {
  ConnectionChange change;
  AuditRecord audit;
};

// Throws CommitTooLate when any change's commit_by has passed: stores call it just before
// COMMIT. Whether any change moves the revocation epoch.
void check_commit_by(std::span<const AuditedChange> changes);
bool advances_epoch(std::span<const AuditedChange> changes);

struct BatchAnswer;  // store/idempotency.hpp (it needs Connection, from here)

class ConnectionStore {
 public:
  virtual ~ConnectionStore() = default;
  virtual std::optional<Connection> find_connection(std::string_view school,
                                                    std::string_view app) = 0;
  virtual std::vector<Connection> list_connections(std::string_view school,
                                                   std::optional<ConnectionStatus> status) = 0;
  // In one transaction: checks the expected revision, writes the connection, appends the
  // audit record and adds the notification and the partner event the change asks for. nullopt when
  // the revision check failed (someone else changed it first), or the link it spends could not
  // be spent; then nothing is written.
  virtual std::optional<Connection> apply(const ConnectionChange& change,
                                          const AuditRecord& audit) = 0;
  // `apply` for many changes in one transaction, all or nothing: every revision check passes
  // and every change is written with its audit record (and notification), or nothing is.
  // Returns the connections as written, in the order of `changes`; nullopt when a revision
  // check failed. The changes name distinct (school, app) pairs.
  // With an `answer`, the same transaction also stores the answer for replays of the batch's
  // idempotency key and spends its claim, so a committed batch always has its answer and an
  // uncommitted one never does. nullopt, with nothing written, also when the claim is no
  // longer the caller's (taken over as stale).
  virtual std::optional<std::vector<Connection>> apply_all(std::span<const AuditedChange> changes,
                                                           const BatchAnswer* answer) = 0;
  std::optional<std::vector<Connection>> apply_all(std::span<const AuditedChange> changes) {
    return apply_all(changes, nullptr);
  }
  // Every connection of the schools of `trust_id`, by school, then app.
  virtual std::vector<Connection> trust_connections(std::string_view trust_id) = 0;
  // One app's connections, by school id, after school `after` ("": from the first), at most
  // `limit`: in `status` when given, and approved at a version below `approved_below` when
  // given (what a newer permission set leaves for review).
  struct AppConnectionsQuery {
    std::optional<ConnectionStatus> status;
    std::optional<int> approved_below;
    std::string after;
    std::size_t limit = 100;
  };
  virtual std::vector<Connection> app_connections(std::string_view app_id,
                                                  const AppConnectionsQuery& query) = 0;
  // Pending requests made before `cutoff`, oldest first, at most `limit`: what expires.
  virtual std::vector<Connection> pending_requests_before(TimePoint cutoff, std::size_t limit) = 0;

  // A dummy (migration) school's site goes live, in one transaction: its dummy flag is
  // cleared, and `tell` is given the school's approved connections, as locked, and returns
  // the audit record and partner event (change.event; the connection itself is not written)
  // for each. Returns the connections told; nullopt, with nothing written, when the school is
  // not a dummy site (live already, or no such school).
  using GoLiveRecords =
      std::function<std::vector<AuditedChange>(std::span<const Connection> approved)>;
  virtual std::optional<std::vector<Connection>> go_live(std::string_view school_id,
                                                         const GoLiveRecords& tell) = 0;
};

}  // namespace canopy::store
