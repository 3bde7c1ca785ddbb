// The embedded default store: one SQLite file, so `canopy serve` runs with no servers.
// SQLite calls block; callers run them on the blocking pool, never on an io thread.
#pragma once

#include <filesystem>
#include <mutex>

#include "core/result.hpp"
#include "store/migrations.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/store.hpp"

namespace canopy::store {

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const std::filesystem::path& file);

  // Applies pending migrations; refuses a database newer than this binary knows.
  Result<MigrationReport> migrate(const Clock& clock) override;
  int schema_version() override;
  int latest_schema_version() const override;

  std::optional<Connection> find_connection(std::string_view school, std::string_view app) override;
  std::vector<Connection> list_connections(std::string_view school,
                                           std::optional<ConnectionStatus> status) override;
  std::optional<Connection> apply(const ConnectionChange& change,
                                  const AuditRecord& audit) override;
  using ConnectionStore::apply_all;
  std::optional<std::vector<Connection>> apply_all(std::span<const AuditedChange> changes,
                                                   const BatchAnswer* answer) override;
  std::vector<Connection> trust_connections(std::string_view trust_id) override;
  std::int64_t revocation_epoch() override;
  EpochPoll poll_epoch(std::string_view replica, TimePoint now, TimePoint absent_before,
                       TimePoint live_since) override;
  std::vector<ReplicaPresence> replicas_seen(TimePoint since) override;
  void forget_replica(std::string_view replica) override;
  std::size_t forget_replicas_before(TimePoint before) override;
  std::vector<RecordedGrant> record_grants(const std::vector<RecordedGrant>& sets) override;

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

  Upsert upsert_site(const Site& site) override;
  std::optional<Site> find_site(std::string_view id) override;
  std::vector<Site> list_sites() override;
  Upsert upsert_user(const User& user) override;
  std::optional<User> find_user(std::int64_t id) override;
  std::optional<User> find_user_by_email(std::string_view email) override;
  std::vector<User> users_of_site(std::string_view site_id) override;

  std::vector<User> list_users() override;
  std::optional<UserDisabled> disable_user(std::int64_t user_id, TimePoint at) override;
  bool enable_user(std::int64_t user_id) override;

  std::optional<std::string> password_hash(std::int64_t user_id) override;
  std::size_t set_password_hash(std::int64_t user_id, const std::string& hash) override;
  void set_partner_secret_hash(std::string_view app_id, const std::string& hash,
                               TimePoint at) override;
  std::optional<std::string> partner_secret_hash(std::string_view app_id) override;

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

  std::vector<Site> schools_of_trust(std::string_view trust_id) override;
  bool accept_terms(const TermsAcceptance& acceptance) override;
  std::optional<TermsAcceptance> find_terms_acceptance(std::int64_t user_id,
                                                       std::string_view site_id,
                                                       int version) override;
  std::vector<TermsAcceptance> terms_accepted_by(std::int64_t user_id) override;

  NotificationPage notifications_for(std::int64_t user_id, std::span<const std::string> schools,
                                     std::size_t limit,
                                     std::optional<std::int64_t> before_id) override;
  std::optional<Notification> find_notification(std::int64_t id, std::int64_t user_id) override;
  bool mark_notification_read(std::int64_t id, std::int64_t user_id, TimePoint at) override;
  std::size_t mark_notifications_read(std::int64_t user_id, std::span<const std::string> schools,
                                      std::int64_t up_to, TimePoint at) override;

  IdempotencyOutcome claim_idempotency_key(const IdempotencyRecord& running,
                                           TimePoint stale_before) override;
  bool finish_idempotency_key(const IdempotencyRecord& claim, int status, const std::string& body,
                              TimePoint at) override;
  void release_idempotency_key(const IdempotencyRecord& claim) override;
  std::size_t delete_idempotency_keys_before(TimePoint cutoff, std::size_t limit) override;

 private:
  int schema_version_locked();
  // Links the record just inserted as `audit_id` at the end of its school's chain.
  void append_link_locked(const AuditRecord& audit, std::int64_t audit_id);
  // Stores a claim's answer (changes() tells whether the claim was still held); mutex_ held.
  void finish_idempotency_locked(const IdempotencyRecord& claim, int status,
                                 const std::string& body, TimePoint at);
  // Inside apply_all's transaction: false when the claim is no longer held.
  bool finish_claim_locked(const BatchAnswer& answer, const std::vector<Connection>& written);
  // Chains every record that has no link yet, per school in id order; returns how many.
  std::int64_t chain_unchained_locked();
  std::optional<User> read_user(sqlite::Statement& stmt);

  // One connection, serialised: SQLite writes are serialised anyway and the embedded
  // default serves one school office, not a SaaS fleet.
  std::mutex mutex_;
  sqlite::Database db_;
};

}  // namespace canopy::store
