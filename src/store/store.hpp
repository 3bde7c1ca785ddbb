// Store interfaces: everything Canopy persists, behind small abstract classes.
// Backends (store/sqlite, later store/mysql) implement them; use cases depend only on these.
// Input-dependent outcomes are return values; a failing database throws StoreError.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/connection.hpp"
#include "core/error.hpp"
#include "core/result.hpp"
#include "core/site.hpp"
#include "core/time.hpp"
#include "metrics/metrics.hpp"

namespace canopy::store {

// The database itself failed (unreachable, corrupt, full). Never caused by user input.
class StoreError : public UnavailableError {
 public:
  using UnavailableError::UnavailableError;
};

struct Connection {
  std::string school_id;
  std::string app_id;
  ConnectionStatus status = ConnectionStatus::pending;
  int permission_set_version = 0;  // the set requested, and approved when approved
  std::int64_t revision = 0;       // grows with every change; caches keep the highest
  TimePoint requested_at;
  std::optional<TimePoint> decided_at;
  std::string decided_by;  // who made the last decision (user email), empty while undecided
};

enum class ActorKind { user, partner, system };
std::string_view to_string(ActorKind kind);
std::optional<ActorKind> parse_actor_kind(std::string_view text);

struct AuditRecord {
  std::int64_t id = 0;
  std::string school_id;
  std::string app_id;
  ActorKind actor_kind = ActorKind::user;
  std::string actor;       // user email, app id, or the system task
  std::string actor_site;  // the site the actor acted from
  std::string actor_role;  // the business role that allowed it
  bool via_trust = false;
  std::string action;  // request, approve, reject, import
  std::optional<ConnectionStatus> from_status;
  ConnectionStatus to_status = ConnectionStatus::pending;
  int permission_set_version = 0;
  TimePoint at;
  std::string request_id;  // the server's id of the request (never the client's)
  // What the client sent as X-Request-Id, as sent ("" when it sent none, or one the server
  // does not keep). nullopt on records written before schema version 7: those were hashed
  // without it (store/audit_chain.hpp).
  std::optional<std::string> client_request_id;
  // The record's link in its school's hash chain (store/audit_chain.hpp), as stored: seq 1, 2,
  // 3, ... per school, the previous record's hash ("" for the first) and this record's hash.
  // apply() computes them and ignores what the caller put here; 0 and "" on a record that is
  // not chained.
  std::int64_t seq = 0;
  std::string prev_hash;
  std::string hash;
};

// A school's newest chain link.
struct AuditHead {
  std::string school_id;
  std::int64_t seq = 0;
  std::string hash;
  std::int64_t audit_id = 0;
};

// One link of a school's chain and the record it names; the record is nullopt when its row is
// gone (deleted behind Canopy's back with foreign keys off).
struct AuditLink {
  std::int64_t audit_id = 0;
  std::string school_id;
  std::int64_t seq = 0;
  std::string prev_hash;
  std::string hash;
  std::optional<AuditRecord> record;
};

// Audit records of some schools, newest first: by time, then school, then id (which follows
// seq within a school), all descending. Every filter is optional; `from` is inclusive, `to`
// exclusive.
struct AuditQuery {
  std::vector<std::string> schools;  // none: nothing matches
  std::optional<std::string> app;
  std::optional<std::string> actor;
  std::optional<std::string> action;
  std::optional<TimePoint> from;
  std::optional<TimePoint> to;
  // Only records after this position in the order above (the previous page's last record).
  struct Position {
    TimePoint at;
    std::string school_id;
    std::int64_t id = 0;
  };
  std::optional<Position> after;
  std::size_t limit = 50;
};

struct AuditPage {
  std::vector<AuditRecord> items;
  bool more = false;  // more records match after the last item
};

// What a notification tells the people who may act in a school.
enum class NotificationKind { connection_requested };
std::string_view to_string(NotificationKind kind);
std::optional<NotificationKind> parse_notification_kind(std::string_view text);

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
  // Tells the school in the same transaction, so a committed change is never left unannounced.
  std::optional<NotificationKind> notify;
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

struct BatchAnswer;  // below, with the idempotency keys

class ConnectionStore {
 public:
  virtual ~ConnectionStore() = default;
  virtual std::optional<Connection> find_connection(std::string_view school,
                                                    std::string_view app) = 0;
  virtual std::vector<Connection> list_connections(std::string_view school,
                                                   std::optional<ConnectionStatus> status) = 0;
  // In one transaction: checks the expected revision, writes the connection, appends the
  // audit record and adds the notification the change asks for. nullopt when the revision
  // check failed (someone else changed it first); then nothing is written.
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
};

// Append-only: records are added only by ConnectionStore::apply, and nothing here changes or
// removes one.
class AuditStore {
 public:
  virtual ~AuditStore() = default;
  // Oldest first (by id), with their chain links.
  virtual std::vector<AuditRecord> audit_for_school(std::string_view school, std::size_t limit) = 0;
  virtual std::int64_t audit_count() = 0;
  virtual AuditPage find_audit(const AuditQuery& query) = 0;
  virtual std::optional<AuditRecord> find_audit_record(std::int64_t id) = 0;

  // For verifying the chains: every school with audit records, chain links or a chain head;
  // a school's head; its links in seq order after `after_seq`; its records without a link
  // in its own chain.
  virtual std::vector<std::string> audited_schools() = 0;
  virtual std::optional<AuditHead> audit_head(std::string_view school) = 0;
  virtual std::vector<AuditLink> audit_links(std::string_view school, std::int64_t after_seq,
                                             std::size_t limit) = 0;
  virtual std::vector<std::int64_t> unchained_audit_ids(std::string_view school,
                                                        std::size_t limit) = 0;
};

enum class Upsert { created, changed, unchanged };

class DirectoryStore {
 public:
  virtual ~DirectoryStore() = default;
  virtual Upsert upsert_site(const Site& site) = 0;
  virtual std::optional<Site> find_site(std::string_view id) = 0;
  virtual std::vector<Site> list_sites() = 0;
  // Matches users by email; replaces name, home site and roles. Never touches credentials.
  virtual Upsert upsert_user(const User& user) = 0;
  virtual std::optional<User> find_user(std::int64_t id) = 0;
  virtual std::optional<User> find_user_by_email(std::string_view email) = 0;
  // The users whose home site is `site_id`, disabled ones included, by name, then email (byte
  // order, as both backends compare text).
  virtual std::vector<User> users_of_site(std::string_view site_id) = 0;
};

class CredentialStore {
 public:
  virtual ~CredentialStore() = default;
  virtual std::optional<std::string> password_hash(std::int64_t user_id) = 0;
  // Sets the password and, in the same transaction, ends every session of the user (whoever
  // held one must sign in with the new password). Returns how many sessions it ended.
  virtual std::size_t set_password_hash(std::int64_t user_id, const std::string& hash) = 0;
  virtual void set_partner_secret_hash(std::string_view app_id, const std::string& hash,
                                       TimePoint at) = 0;
  virtual std::optional<std::string> partner_secret_hash(std::string_view app_id) = 0;
};

struct UserDisabled {
  bool already = false;            // the user was disabled before
  std::size_t sessions_ended = 0;  // sessions deleted now
};

// Who may still sign in. A disabled user (a leaver) keeps their row, so the audit trail that
// names them stays whole; they cannot sign in and have no sessions.
class AccountStore {
 public:
  virtual ~AccountStore() = default;
  // Every user, disabled ones included, by email.
  virtual std::vector<User> list_users() = 0;
  // In one transaction: marks the user disabled (keeping the first time when already so) and
  // deletes every session of theirs. nullopt when there is no such user.
  virtual std::optional<UserDisabled> disable_user(std::int64_t user_id, TimePoint at) = 0;
  // Lets a disabled user sign in again, with the password they had; false when they were not
  // disabled (or do not exist).
  virtual bool enable_user(std::int64_t user_id) = 0;
};

struct Session {
  std::string token_hash;
  std::int64_t user_id = 0;
  TimePoint created_at;
  TimePoint expires_at;
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;
  virtual void create_session(const Session& session) = 0;
  virtual std::optional<Session> find_session(std::string_view token_hash) = 0;
  virtual bool delete_session(std::string_view token_hash) = 0;
  virtual std::size_t delete_expired_sessions(TimePoint now) = 0;
};

struct LoginAttempt {
  std::int64_t id = 0;
  std::string email;
  std::optional<std::int64_t> user_id;
  TimePoint at;
  std::string address;
  std::string user_agent;
  std::string outcome;  // success, invalid_credentials (account_locked in rows from before 0008)
};

class LoginHistoryStore {
 public:
  virtual ~LoginHistoryStore() = default;
  virtual void record_login(const LoginAttempt& attempt) = 0;
  // Newest first; with `before_id`, only attempts with a smaller id (the next page).
  virtual std::vector<LoginAttempt> logins_for_user(std::int64_t user_id, std::size_t limit,
                                                    std::optional<std::int64_t> before_id) = 0;
  // The newest attempt (highest id, as logins_for_user orders) of each of `user_ids` that has
  // one, by user id. One statement for the whole list, every id a bound parameter: meant for
  // one site's users, not the whole directory.
  virtual std::vector<LoginAttempt> latest_logins(std::span<const std::int64_t> user_ids) = 0;
  // Deletes at most `limit` attempts made before `cutoff`, oldest first; returns how many.
  virtual std::size_t delete_logins_before(TimePoint cutoff, std::size_t limit) = 0;
  // Whether `email` signed in successfully from `address` at or after `since` (by the email,
  // not the user, so an unknown email costs the same query).
  virtual bool login_succeeded_from(std::string_view email, std::string_view address,
                                    TimePoint since) = 0;
};

// A user's acceptance of one version of a site's terms and conditions.
struct TermsAcceptance {
  std::int64_t user_id = 0;
  std::string site_id;
  int version = 0;
  std::string title;        // the title of that version, as accepted
  std::string acting_site;  // the trust the user acted from
  TimePoint accepted_at;
  std::string request_id;
  friend bool operator==(const TermsAcceptance&, const TermsAcceptance&) = default;
};

// What acting into schools through a trust needs: the trust's schools and terms acceptances.
class TrustStore {
 public:
  virtual ~TrustStore() = default;
  // The schools whose trust is `trust_id`, by id.
  virtual std::vector<Site> schools_of_trust(std::string_view trust_id) = 0;
  // Records the acceptance; false (and nothing written) when the user had already accepted
  // that version of that site's terms.
  virtual bool accept_terms(const TermsAcceptance& acceptance) = 0;
  virtual std::optional<TermsAcceptance> find_terms_acceptance(std::int64_t user_id,
                                                               std::string_view site_id,
                                                               int version) = 0;
  // Every acceptance of the user, by site and version.
  virtual std::vector<TermsAcceptance> terms_accepted_by(std::int64_t user_id) = 0;
};

struct Notification {
  std::int64_t id = 0;
  std::string school_id;
  NotificationKind kind = NotificationKind::connection_requested;
  std::string app_id;
  TimePoint created_at;
  std::string request_id;
  std::optional<TimePoint> read_at;  // for the user who asked; nullopt while unread
};

struct NotificationPage {
  std::vector<Notification> items;  // newest first
  bool more = false;                // older notifications follow
  std::int64_t unread = 0;          // over all of the schools, not only this page
};

// Notifications are kept per school; read state is kept per user. Callers pass the schools the
// user may see: the store does not decide who may act where.
class NotificationStore {
 public:
  virtual ~NotificationStore() = default;
  virtual NotificationPage notifications_for(std::int64_t user_id,
                                             std::span<const std::string> schools,
                                             std::size_t limit,
                                             std::optional<std::int64_t> before_id) = 0;
  // The notification, with `user_id`'s read state.
  virtual std::optional<Notification> find_notification(std::int64_t id, std::int64_t user_id) = 0;
  // false when it was already read by that user (the first read time stays).
  virtual bool mark_notification_read(std::int64_t id, std::int64_t user_id, TimePoint at) = 0;
  // Marks every notification of `schools` up to id `up_to` read; returns how many were unread.
  virtual std::size_t mark_notifications_read(std::int64_t user_id,
                                              std::span<const std::string> schools,
                                              std::int64_t up_to, TimePoint at) = 0;
};

// A request that must not run twice, under the key its client chose.
struct IdempotencyRecord {
  std::int64_t user_id = 0;
  std::string scope;           // what the key is for, e.g. one trust's bulk decisions
  std::string key;             // as the client sent it
  std::string request_digest;  // of the request body: the same key with another body is misuse
  bool done = false;           // false while the first request runs
  std::string claim_token;     // who runs it; only they may finish or release it
  int response_status = 0;     // when done: the answer, given again to every replay
  std::string response_body;
  TimePoint created_at;
  TimePoint started_at;  // when the current claimer took it
};

// A batch's outcome as its replays are given it, encoded by the caller: the store keeps both
// values as they are (IdempotencyRecord::response_status and response_body).
struct EncodedOutcome {
  int status = 0;
  std::string body;
};

// What a batch leaves under its claim's key (ConnectionStore::apply_all).
struct BatchAnswer {
  const IdempotencyRecord& claim;
  // Encodes the outcome from the connections as written; called inside the transaction.
  std::function<EncodedOutcome(const std::vector<Connection>&)> encode;
  TimePoint at;
};

enum class IdempotencyClaim {
  claimed,      // the caller runs the request (a new key, or a stale running one taken over)
  in_progress,  // another request with this key and body is running
  replay,       // done before: answer with the stored response
  reused,       // the key was used with another body
};

struct IdempotencyOutcome {
  IdempotencyClaim claim = IdempotencyClaim::claimed;
  IdempotencyRecord record;  // the stored record (for replay: its response)
};

class IdempotencyStore {
 public:
  virtual ~IdempotencyStore() = default;
  // Atomically: records `running` as running unless the (user, scope, key) exists. An existing
  // record with another digest is `reused`; a done one is a `replay`; a running one is
  // `in_progress`, unless it started before `stale_before`: then its claimer is presumed dead
  // and `running` takes it over (started_at and claim_token replaced).
  virtual IdempotencyOutcome claim_idempotency_key(const IdempotencyRecord& running,
                                                   TimePoint stale_before) = 0;
  // Stores the answer of the claim `claim_token` holds; false (nothing written) when the claim
  // was taken over meanwhile.
  virtual bool finish_idempotency_key(const IdempotencyRecord& claim, int status,
                                      const std::string& body, TimePoint at) = 0;
  // Gives a running claim up (the request failed without an answer worth keeping), so the
  // client can retry with the same key.
  virtual void release_idempotency_key(const IdempotencyRecord& claim) = 0;
  // Deletes at most `limit` keys created before `cutoff` (done or, long stale, running), oldest
  // first; returns how many. A replay of a deleted key runs as a new request.
  virtual std::size_t delete_idempotency_keys_before(TimePoint cutoff, std::size_t limit) = 0;
};

// A replica's presence in the store (--cache redis): when it first polled the revocation epoch
// in its current run of polls, and when it last did.
struct ReplicaPresence {
  std::string id;
  TimePoint first_seen;
  TimePoint seen;
};

// What one poll of the revocation epoch brings back.
struct EpochPoll {
  std::int64_t epoch = 0;
  std::vector<std::string> live;  // the replicas seen since the poll's `live_since`
};

// The store's side of revocation without Redis (docs/design/revocation.md, "Revocation without
// Redis"): the revocation epoch, and which replicas read it when.
class RevocationStore {
 public:
  virtual ~RevocationStore() = default;
  // The revocation epoch: starts at 1, moved only by changes whose guard says so.
  virtual std::int64_t revocation_epoch() = 0;
  // In one transaction: records that `replica` polled at `now` (starting a new run of polls when
  // it was last seen before `absent_before`, or never), reads the epoch, and lists the replicas
  // seen since `live_since`.
  virtual EpochPoll poll_epoch(std::string_view replica, TimePoint now, TimePoint absent_before,
                               TimePoint live_since) = 0;
  // Every replica seen since `since`.
  virtual std::vector<ReplicaPresence> replicas_seen(TimePoint since) = 0;
  // A replica that stops cleanly leaves; so do rows not seen since `before` (housekeeping).
  virtual void forget_replica(std::string_view replica) = 0;
  virtual std::size_t forget_replicas_before(TimePoint before) = 0;
};

// The permission set one app version granted, as first recorded: what every school that
// approved that version approved (`grants`: canonical JSON, consent/grants.hpp).
struct RecordedGrant {
  std::string app_id;
  int version = 0;
  std::string grants;
  TimePoint recorded_at;
};

// The grants of every app version a replica has loaded. Rows are never changed.
class GrantStore {
 public:
  virtual ~GrantStore() = default;
  // Records each of `sets` whose (app, version) has no row yet, in one transaction, and returns
  // every row, the earlier ones included, sorted by app and version.
  virtual std::vector<RecordedGrant> record_grants(const std::vector<RecordedGrant>& sets) = 0;
};

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
  // Audit records written before the chain existed, chained by the migration that adds it.
  std::int64_t audit_chained = 0;
};

// A connection pool's state, for /metrics.
struct PoolStats {
  std::size_t size = 0;                 // connections it may open
  std::size_t open = 0;                 // open now, idle or in use
  std::size_t in_use = 0;               // checked out (or being opened)
  std::size_t waiting = 0;              // threads waiting for one
  std::uint64_t exhausted = 0;          // checkouts that gave up waiting
  metrics::HistogramSnapshot checkout;  // seconds each checkout took, waiting included
};

// Everything at once, for wiring; use cases take the narrow interfaces above.
class Store : public ConnectionStore,
              public AuditStore,
              public DirectoryStore,
              public AccountStore,
              public CredentialStore,
              public SessionStore,
              public LoginHistoryStore,
              public TrustStore,
              public NotificationStore,
              public IdempotencyStore,
              public RevocationStore,
              public GrantStore {
 public:
  // Applies pending migrations; refuses (Errc::unavailable) a database newer than this binary.
  virtual Result<MigrationReport> migrate(const Clock& clock) = 0;
  // The schema version the database is at; also the readiness probe.
  virtual int schema_version() = 0;
  // The schema version this binary migrates to.
  virtual int latest_schema_version() const = 0;
  // The connection pool's state, for a store that has one.
  virtual std::optional<PoolStats> pool_stats() const { return std::nullopt; }
};

}  // namespace canopy::store
