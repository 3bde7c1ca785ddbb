// Store interfaces: everything Canopy persists, behind small abstract classes.
// Backends (store/sqlite, later store/mysql) implement them; use cases depend only on these.
// Input-dependent outcomes are return values; a failing database throws StoreError.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/connection.hpp"
#include "core/error.hpp"
#include "core/result.hpp"
#include "core/site.hpp"
#include "core/time.hpp"

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
  std::string request_id;
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
};

class ConnectionStore {
 public:
  virtual ~ConnectionStore() = default;
  virtual std::optional<Connection> find_connection(std::string_view school,
                                                    std::string_view app) = 0;
  virtual std::vector<Connection> list_connections(std::string_view school,
                                                   std::optional<ConnectionStatus> status) = 0;
  // In one transaction: checks the expected revision, writes the connection and appends the
  // audit record. nullopt when the revision check failed (someone else changed it first).
  virtual std::optional<Connection> apply(const ConnectionChange& change,
                                          const AuditRecord& audit) = 0;
};

class AuditStore {
 public:
  virtual ~AuditStore() = default;
  virtual std::vector<AuditRecord> audit_for_school(std::string_view school, std::size_t limit) = 0;
  virtual std::int64_t audit_count() = 0;
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
};

struct Lockout {
  int failed_attempts = 0;
  std::optional<TimePoint> locked_until;
};

class CredentialStore {
 public:
  virtual ~CredentialStore() = default;
  virtual std::optional<std::string> password_hash(std::int64_t user_id) = 0;
  virtual void set_password_hash(std::int64_t user_id, const std::string& hash) = 0;
  virtual Lockout lockout(std::int64_t user_id) = 0;
  // Atomically counts one more consecutive failure; at `max_failures` the account locks until
  // `lock_until` and the count starts again. Returns the count including this failure.
  virtual int register_failure(std::int64_t user_id, int max_failures, TimePoint lock_until) = 0;
  virtual void clear_lockout(std::int64_t user_id) = 0;
  virtual void set_partner_secret_hash(std::string_view app_id, const std::string& hash,
                                       TimePoint at) = 0;
  virtual std::optional<std::string> partner_secret_hash(std::string_view app_id) = 0;
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
  std::string outcome;  // success, invalid_credentials, account_locked
};

class LoginHistoryStore {
 public:
  virtual ~LoginHistoryStore() = default;
  virtual void record_login(const LoginAttempt& attempt) = 0;
  virtual std::vector<LoginAttempt> logins_for_user(std::int64_t user_id, std::size_t limit) = 0;
};

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
};

// Everything at once, for wiring; use cases take the narrow interfaces above.
class Store : public ConnectionStore,
              public AuditStore,
              public DirectoryStore,
              public CredentialStore,
              public SessionStore,
              public LoginHistoryStore {
 public:
  // Applies pending migrations; refuses (Errc::unavailable) a database newer than this binary.
  virtual Result<MigrationReport> migrate(const Clock& clock) = 0;
  // The schema version the database is at; also the readiness probe.
  virtual int schema_version() = 0;
};

}  // namespace canopy::store
