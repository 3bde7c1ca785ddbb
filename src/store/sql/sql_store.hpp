// The one implementation of every store interface, written once over the database seam
// (store/db): each method is its logic plus the SQL, with what differs between the engines taken
// from the Dialect. The methods are defined per interface, one file each, beside this header:
// connections.cpp, audit.cpp, audit_links.cpp, directory.cpp, accounts.cpp, sessions.cpp,
// trusts.cpp, notifications.cpp, idempotency.cpp, revocation.cpp, grants.cpp, events.cpp,
// deletions.cpp, migrate.cpp.
// SqliteStore and MysqlStore pick the engine.
#pragma once

#include <memory>

#include "core/result.hpp"
#include "store/db/database.hpp"
#include "store/db/dialect.hpp"
#include "store/store.hpp"

namespace canopy::store {

class SqlStore : public Store {
 public:
  SqlStore(std::unique_ptr<db::Database> database, const db::Dialect& dialect);

  // migrate.cpp
  Result<MigrationReport> migrate(const Clock& clock) override;
  int schema_version() override;
  int latest_schema_version() const override;
  std::optional<PoolStats> pool_stats() const override;

  // connections.cpp
  std::optional<Connection> find_connection(std::string_view school, std::string_view app) override;
  std::vector<Connection> list_connections(std::string_view school,
                                           std::optional<ConnectionStatus> status) override;
  std::optional<Connection> apply(const ConnectionChange& change,
                                  const AuditRecord& audit) override;
  using ConnectionStore::apply_all;
  std::optional<std::vector<Connection>> apply_all(std::span<const AuditedChange> changes,
                                                   const BatchAnswer* answer) override;
  std::vector<Connection> trust_connections(std::string_view trust_id) override;
  std::vector<Connection> app_connections(std::string_view app_id,
                                          const AppConnectionsQuery& query) override;
  std::vector<Connection> pending_requests_before(TimePoint cutoff, std::size_t limit) override;
  std::optional<std::vector<Connection>> go_live(std::string_view school_id,
                                                 const GoLiveRecords& tell) override;

  // revocation.cpp
  std::int64_t revocation_epoch() override;
  EpochPoll poll_epoch(std::string_view replica, TimePoint now, TimePoint absent_before,
                       TimePoint live_since) override;
  std::vector<ReplicaPresence> replicas_seen(TimePoint since) override;
  void forget_replica(std::string_view replica) override;
  std::size_t forget_replicas_before(TimePoint before) override;

  // grants.cpp
  std::vector<RecordedGrant> record_grants(const std::vector<RecordedGrant>& sets) override;

  // audit.cpp
  std::vector<AuditRecord> audit_for_school(std::string_view school, std::size_t limit) override;
  std::int64_t audit_count() override;
  AuditPage find_audit(const AuditQuery& query) override;
  std::optional<AuditRecord> find_audit_record(std::int64_t id) override;
  std::vector<std::string> audited_schools() override;
  std::optional<AuditHead> audit_head(std::string_view school) override;
  std::vector<AuditLink> audit_links(std::string_view school, std::int64_t after_seq,
                                     std::size_t limit) override;
  std::vector<std::int64_t> unchained_audit_ids(std::string_view school,
                                                std::size_t limit) override;

  // directory.cpp
  Upsert upsert_site(const Site& site) override;
  std::optional<Site> find_site(std::string_view id) override;
  std::vector<Site> list_sites() override;
  Upsert upsert_user(const User& user) override;
  std::optional<User> find_user(std::int64_t id) override;
  std::optional<User> find_user_by_email(std::string_view email) override;
  std::vector<User> users_of_site(std::string_view site_id) override;

  // accounts.cpp
  std::vector<User> list_users() override;
  std::optional<UserDisabled> disable_user(std::int64_t user_id, TimePoint at) override;
  bool enable_user(std::int64_t user_id) override;
  std::optional<std::string> password_hash(std::int64_t user_id) override;
  std::size_t set_password_hash(std::int64_t user_id, const std::string& hash) override;
  void set_partner_secret_hash(std::string_view app_id, const std::string& hash,
                               TimePoint at) override;
  std::optional<std::string> partner_secret_hash(std::string_view app_id) override;

  // sessions.cpp
  void create_session(const Session& session) override;
  std::optional<Session> find_session(std::string_view token_hash) override;
  bool delete_session(std::string_view token_hash) override;
  std::size_t delete_expired_sessions(TimePoint now) override;
  void record_login(const LoginAttempt& attempt) override;
  std::vector<LoginAttempt> logins_for_user(std::int64_t user_id, std::size_t limit,
                                            std::optional<std::int64_t> before_id) override;
  std::vector<LoginAttempt> latest_logins(std::span<const std::int64_t> user_ids) override;
  std::size_t delete_logins_before(TimePoint cutoff, std::size_t limit) override;
  bool login_succeeded_from(std::string_view email, std::string_view address,
                            TimePoint since) override;

  // trusts.cpp
  std::vector<Site> schools_of_trust(std::string_view trust_id) override;
  bool accept_terms(const TermsAcceptance& acceptance) override;
  std::optional<TermsAcceptance> find_terms_acceptance(std::int64_t user_id,
                                                       std::string_view site_id,
                                                       int version) override;
  std::vector<TermsAcceptance> terms_accepted_by(std::int64_t user_id) override;
  void record_school_visit(std::int64_t user_id, std::string_view school_id, TimePoint at) override;
  std::optional<TimePoint> first_school_visit(std::int64_t user_id,
                                              std::string_view school_id) override;

  // notifications.cpp
  NotificationPage notifications_for(std::int64_t user_id, std::span<const std::string> schools,
                                     std::size_t limit,
                                     std::optional<std::int64_t> before_id) override;
  std::optional<Notification> find_notification(std::int64_t id, std::int64_t user_id) override;
  bool mark_notification_read(std::int64_t id, std::int64_t user_id, TimePoint at) override;
  std::size_t mark_notifications_read(std::int64_t user_id, std::span<const std::string> schools,
                                      std::int64_t up_to, TimePoint at) override;

  // idempotency.cpp
  IdempotencyOutcome claim_idempotency_key(const IdempotencyRecord& running,
                                           TimePoint stale_before) override;
  bool finish_idempotency_key(const IdempotencyRecord& claim, int status, const std::string& body,
                              TimePoint at) override;
  void release_idempotency_key(const IdempotencyRecord& claim) override;
  std::size_t delete_idempotency_keys_before(TimePoint cutoff, std::size_t limit) override;

  // events.cpp
  std::vector<PartnerEvent> events_for_app(std::string_view app_id, std::int64_t after_seq,
                                           std::size_t limit) override;
  std::optional<PartnerEvent> find_event(std::string_view id) override;
  std::vector<PartnerEvent> list_events(std::string_view app_id, std::optional<EventState> state,
                                        std::optional<std::int64_t> before_seq,
                                        std::size_t limit) override;
  std::vector<PartnerEvent> claim_events(const EventClaim& claim) override;
  bool record_delivery(const Delivery& delivery, std::string_view owner,
                       const AfterFailure& after) override;
  std::vector<Delivery> deliveries(const DeliveryQuery& query) override;
  bool redeliver(std::string_view id, TimePoint at) override;
  std::size_t delete_events_before(TimePoint cutoff, std::size_t limit) override;
  std::int64_t pending_events() override;

  // deletions.cpp
  std::vector<DeletionRequest> deletion_requests(std::span<const std::string> schools,
                                                 bool open_only) override;
  std::optional<DeletionRequest> attest_deletion(std::string_view school, std::string_view app,
                                                 TimePoint at, std::string_view note) override;

  // connect_links.cpp
  void create_connect_link(const ConnectLink& link) override;
  std::optional<ConnectLink> find_connect_link(std::string_view token_hash) override;
  bool admit_connect_approver(std::string_view token_hash, std::int64_t user_id,
                              std::string_view ticket_hash, TimePoint until,
                              TimePoint now) override;
  bool spend_connect_link(const LinkSpend& spend) override;
  std::size_t delete_connect_links_before(TimePoint cutoff, std::size_t limit) override;

 protected:
  db::Database& database() { return *db_; }

 private:
  // Shared between the files above, always inside the caller's transaction.
  // audit_links.cpp: writes the records and links each at the end of its school's chain, in
  // order; chains every record without a link (migration kAuditChainVersion), returning how
  // many, each batch in a transaction of its own unless `in_transaction`.
  void append_audits(db::Session& s, std::span<const AuditRecord* const> records);
  std::int64_t chain_unchained(db::Session& s, bool in_transaction);
  // idempotency.cpp: stores the answer of the claim; false when it was taken over meanwhile.
  bool finish_claim(db::Session& s, const IdempotencyRecord& claim, int status,
                    const std::string& body, TimePoint at);
  // events.cpp: the partner events of `changes` (each has one).
  void write_events(db::Session& s, std::span<const AuditedChange* const> changes);
  // connect_links.cpp: spends the link (LinkSpend's conditions); false when it cannot.
  bool spend_link(db::Session& s, const LinkSpend& spend);
  // The user's tickets for approving through links: void, with their sessions, when their
  // password changes or they are disabled.
  void withdraw_connect_tickets(db::Session& s, std::int64_t user_id);
  // deletions.cpp: the deletion requests of `changes` (each has a deletion_due).
  void write_deletion_requests(db::Session& s, std::span<const AuditedChange* const> changes);

  std::unique_ptr<db::Database> db_;
  const db::Dialect& dialect_;
};

}  // namespace canopy::store
