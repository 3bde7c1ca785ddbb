// SQL for the embedded store. All SQL for SQLite lives in this file.
#include "store/sqlite/sqlite_store.hpp"

#include "store/audit_chain.hpp"
#include "store/row_mapping.hpp"

#include <algorithm>
#include <cstdint>
#include <set>

namespace canopy::store {

using sqlite::Statement;
using sqlite::Transaction;

namespace {

std::optional<std::string> non_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

}  // namespace

SqliteStore::SqliteStore(const std::filesystem::path& file) : db_(file) {}

int SqliteStore::schema_version_locked() {
  db_.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
      "NULL, applied_at_ms INTEGER NOT NULL)");
  auto s = db_.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  s.step();
  return static_cast<int>(s.integer(0));
}

int SqliteStore::schema_version() {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  s.step();
  return static_cast<int>(s.integer(0));
}

int SqliteStore::latest_schema_version() const {
  return latest_version(sqlite_migrations());
}

Result<MigrationReport> SqliteStore::migrate(const Clock& clock) {
  std::lock_guard lock(mutex_);
  const auto migrations = sqlite_migrations();
  const int known = latest_version(migrations);
  MigrationReport report;
  report.from_version = schema_version_locked();
  if (report.from_version > known) {
    return make_error(Errc::unavailable, "database schema version " +
                                             std::to_string(report.from_version) +
                                             " is newer than this canopy understands (" +
                                             std::to_string(known) + "); run a newer canopy");
  }
  // Every version not recorded yet, not only those above the newest: branches that each add a
  // migration merge in any order, and a database may already hold a higher one.
  std::set<int> applied;
  for (auto s = db_.prepare("SELECT version FROM schema_migrations"); s.step();)
    applied.insert(static_cast<int>(s.integer(0)));
  for (const auto& m : migrations) {
    if (applied.contains(m.version)) continue;
    Transaction tx(db_);
    db_.exec(m.sql);
    if (m.version == kAuditChainVersion) report.audit_chained = chain_unchained_locked();
    db_.prepare("INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)")
        .bind(1, m.version)
        .bind(2, std::string_view(m.name))
        .bind(3, to_unix_ms(clock.now()))
        .run();
    tx.commit();
  }
  report.to_version = std::max(report.from_version, known);
  return report;
}

std::optional<Connection> SqliteStore::find_connection(std::string_view school,
                                                       std::string_view app) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT " + std::string(rows::kConnectionColumns) +
                       " FROM connections WHERE school_id = ? AND app_id = ?");
  s.bind(1, school).bind(2, app);
  if (!s.step()) return std::nullopt;
  return rows::connection(s);
}

std::vector<Connection> SqliteStore::list_connections(std::string_view school,
                                                      std::optional<ConnectionStatus> status) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT " + std::string(rows::kConnectionColumns) +
                       " FROM connections WHERE school_id = ?1 AND (?2 IS NULL OR status = ?2)"
                       " ORDER BY app_id");
  s.bind(1, school);
  if (status)
    s.bind(2, to_string(*status));
  else
    s.bind_null(2);
  std::vector<Connection> out;
  while (s.step())
    out.push_back(rows::connection(s));
  return out;
}

std::optional<Connection> SqliteStore::apply(const ConnectionChange& change,
                                             const AuditRecord& audit) {
  // One change is a batch of one: the same statements, the same transaction rules.
  const AuditedChange one{change, audit};
  auto written = apply_all(std::span(&one, 1));
  if (!written) return std::nullopt;
  return std::move(written->front());
}

std::optional<std::vector<Connection>> SqliteStore::apply_all(
    std::span<const AuditedChange> changes, const BatchAnswer* answer) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_);
  // Each statement is prepared once and run for every change; one commit for the batch.
  auto update = db_.prepare(
      "UPDATE connections SET status = ?1, permission_set_version = ?2, revision = revision + 1,"
      " decided_at_ms = CASE WHEN ?3 THEN ?4 ELSE decided_at_ms END,"
      " decided_by = CASE WHEN ?3 THEN ?5 ELSE decided_by END"
      " WHERE school_id = ?6 AND app_id = ?7 AND revision = ?8");
  auto insert = db_.prepare(
      "INSERT INTO connections (school_id, app_id, status, permission_set_version, revision,"
      " requested_at_ms, decided_at_ms, decided_by) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7)"
      " ON CONFLICT (school_id, app_id) DO NOTHING");
  auto audit = db_.prepare(
      "INSERT INTO audit_log (school_id, app_id, actor_kind, actor, actor_site, actor_role,"
      " via_trust, action, from_status, to_status, permission_set_version, at_ms, request_id,"
      " client_request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  auto notify = db_.prepare(
      "INSERT INTO notifications (school_id, kind, app_id, created_at_ms, request_id)"
      " VALUES (?, ?, ?, ?, ?)");
  auto select = db_.prepare("SELECT " + std::string(rows::kConnectionColumns) +
                            " FROM connections WHERE school_id = ? AND app_id = ?");
  std::vector<Connection> out;
  out.reserve(changes.size());
  for (const auto& [change, given] : changes) {
    // Stored and hashed with a client request id, "" when it has none: NULL marks only the
    // records hashed before the field existed.
    AuditRecord record = given;
    if (!record.client_request_id) record.client_request_id.emplace();
    if (change.expected_revision) {
      update.reset()
          .bind(1, to_string(change.to))
          .bind(2, change.permission_set_version)
          .bind(3, change.is_decision)
          .bind(4, to_unix_ms(change.at))
          .bind(5, change.decided_by)
          .bind(6, change.school_id)
          .bind(7, change.app_id)
          .bind(8, *change.expected_revision)
          .run();
    } else {
      insert.reset()
          .bind(1, change.school_id)
          .bind(2, change.app_id)
          .bind(3, to_string(change.to))
          .bind(4, change.permission_set_version)
          .bind(5, to_unix_ms(change.at));
      if (change.is_decision) insert.bind(6, to_unix_ms(change.at)).bind(7, change.decided_by);
      insert.run();
    }
    // Nothing is committed: the transaction rolls back as it goes out of scope.
    if (db_.changes() == 0) return std::nullopt;
    audit.reset()
        .bind(1, record.school_id)
        .bind(2, record.app_id)
        .bind(3, to_string(record.actor_kind))
        .bind(4, record.actor)
        .bind(5, record.actor_site)
        .bind(6, record.actor_role)
        .bind(7, record.via_trust)
        .bind(8, record.action)
        .bind(9, record.from_status
                     ? std::optional<std::string_view>(to_string(*record.from_status))
                     : std::nullopt)
        .bind(10, to_string(record.to_status))
        .bind(11, record.permission_set_version)
        .bind(12, to_unix_ms(record.at))
        .bind(13, record.request_id)
        .bind(14, record.client_request_id)
        .run();
    append_link_locked(record, db_.last_insert_id());
    if (change.notify) {
      notify.reset()
          .bind(1, change.school_id)
          .bind(2, to_string(*change.notify))
          .bind(3, change.app_id)
          .bind(4, to_unix_ms(change.at))
          .bind(5, record.request_id)
          .run();
    }
    select.reset().bind(1, change.school_id).bind(2, change.app_id);
    if (!select.step()) throw StoreError("sqlite: connection vanished inside its own transaction");
    out.push_back(rows::connection(select));
  }
  if (answer != nullptr && !finish_claim_locked(*answer, out)) return std::nullopt;
  if (advances_epoch(changes))
    db_.exec("UPDATE revocation_epoch SET epoch = epoch + 1 WHERE id = 1");
  check_commit_by(changes);
  tx.commit();
  return out;
}

EpochPoll SqliteStore::poll_epoch(std::string_view replica, TimePoint now, TimePoint absent_before,
                                  TimePoint live_since) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_);
  db_.prepare(
         "INSERT INTO cache_replicas (id, first_seen_ms, seen_ms) VALUES (?1, ?2, ?2)"
         " ON CONFLICT (id) DO UPDATE SET first_seen_ms = CASE WHEN seen_ms < ?3 THEN ?2"
         " ELSE first_seen_ms END, seen_ms = MAX(seen_ms, ?2)")
      .bind(1, replica)
      .bind(2, to_unix_ms(now))
      .bind(3, to_unix_ms(absent_before))
      .run();
  EpochPoll poll;
  auto epoch = db_.prepare("SELECT epoch FROM revocation_epoch WHERE id = 1");
  if (!epoch.step()) throw StoreError("sqlite: the revocation epoch is missing");
  poll.epoch = epoch.integer(0);
  auto live = db_.prepare("SELECT id FROM cache_replicas WHERE seen_ms >= ? ORDER BY id");
  live.bind(1, to_unix_ms(live_since));
  while (live.step())
    poll.live.push_back(live.text(0));
  tx.commit();
  return poll;
}

std::vector<ReplicaPresence> SqliteStore::replicas_seen(TimePoint since) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(
      "SELECT id, first_seen_ms, seen_ms FROM cache_replicas WHERE seen_ms >= ? ORDER BY id");
  s.bind(1, to_unix_ms(since));
  std::vector<ReplicaPresence> out;
  while (s.step())
    out.push_back({s.text(0), from_unix_ms(s.integer(1)), from_unix_ms(s.integer(2))});
  return out;
}

void SqliteStore::forget_replica(std::string_view replica) {
  std::lock_guard lock(mutex_);
  db_.prepare("DELETE FROM cache_replicas WHERE id = ?").bind(1, replica).run();
}

std::size_t SqliteStore::forget_replicas_before(TimePoint before) {
  std::lock_guard lock(mutex_);
  db_.prepare("DELETE FROM cache_replicas WHERE seen_ms < ?").bind(1, to_unix_ms(before)).run();
  return static_cast<std::size_t>(db_.changes());
}

std::vector<RecordedGrant> SqliteStore::record_grants(const std::vector<RecordedGrant>& sets) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_);
  for (const auto& g : sets) {
    db_.prepare(
           "INSERT INTO permission_grants (app_id, version, grants, recorded_at_ms)"
           " VALUES (?, ?, ?, ?) ON CONFLICT (app_id, version) DO NOTHING")
        .bind(1, std::string_view(g.app_id))
        .bind(2, g.version)
        .bind(3, std::string_view(g.grants))
        .bind(4, to_unix_ms(g.recorded_at))
        .run();
  }
  std::vector<RecordedGrant> out;
  auto s = db_.prepare(
      "SELECT app_id, version, grants, recorded_at_ms FROM permission_grants"
      " ORDER BY app_id, version");
  while (s.step()) {
    out.push_back(
        {s.text(0), static_cast<int>(s.integer(1)), s.text(2), from_unix_ms(s.integer(3))});
  }
  tx.commit();
  return out;
}

std::int64_t SqliteStore::revocation_epoch() {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT epoch FROM revocation_epoch WHERE id = 1");
  if (!s.step()) throw StoreError("sqlite: the revocation epoch is missing");
  return s.integer(0);
}

bool SqliteStore::finish_claim_locked(const BatchAnswer& answer,
                                      const std::vector<Connection>& written) {
  const auto [status, body] = answer.encode(written);
  finish_idempotency_locked(answer.claim, status, body, answer.at);
  return db_.changes() > 0;
}

std::vector<Connection> SqliteStore::trust_connections(std::string_view trust_id) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT " + std::string(rows::kConnectionColumns) +
                       " FROM connections WHERE school_id IN"
                       " (SELECT id FROM sites WHERE trust_id = ? AND kind = 'school')"
                       " ORDER BY school_id, app_id");
  s.bind(1, trust_id);
  std::vector<Connection> out;
  while (s.step())
    out.push_back(rows::connection(s));
  return out;
}

// Callers hold mutex_ inside a write transaction, which BEGIN IMMEDIATE makes the only one in
// the database: reading the head and moving it cannot interleave with another append.
void SqliteStore::append_link_locked(const AuditRecord& audit, std::int64_t audit_id) {
  auto head = db_.prepare("SELECT " + std::string(rows::kAuditHeadColumns) +
                          " FROM audit_heads WHERE school_id = ?");
  head.bind(1, audit.school_id);
  std::int64_t seq = 1;
  std::string prev_hash;
  if (head.step()) {
    const auto h = rows::audit_head(head);
    seq = h.seq + 1;
    prev_hash = h.hash;
  }
  const std::string hash = audit_hash(audit, seq, prev_hash);
  db_.prepare(
         "INSERT INTO audit_chain (audit_id, school_id, seq, prev_hash, hash) VALUES (?, ?, ?, ?, "
         "?)")
      .bind(1, audit_id)
      .bind(2, audit.school_id)
      .bind(3, seq)
      .bind(4, prev_hash)
      .bind(5, hash)
      .run();
  db_.prepare(
         "INSERT INTO audit_heads (school_id, seq, hash, audit_id) VALUES (?1, ?2, ?3, ?4)"
         " ON CONFLICT (school_id) DO UPDATE SET seq = ?2, hash = ?3, audit_id = ?4")
      .bind(1, audit.school_id)
      .bind(2, seq)
      .bind(3, hash)
      .bind(4, audit_id)
      .run();
}

std::int64_t SqliteStore::chain_unchained_locked() {
  // Each school's records in id order: the order they were written, deterministically.
  auto s = db_.prepare(rows::select_audit_before_client_ids() +
                       " WHERE c.audit_id IS NULL ORDER BY a.school_id, a.id");
  std::vector<AuditRecord> records;
  while (s.step())
    records.push_back(rows::audit(s, rows::ClientIdColumn::absent));
  for (const auto& r : records)
    append_link_locked(r, r.id);
  return static_cast<std::int64_t>(records.size());
}

std::vector<AuditRecord> SqliteStore::audit_for_school(std::string_view school, std::size_t limit) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(rows::select_audit() + " WHERE a.school_id = ? ORDER BY a.id LIMIT ?");
  s.bind(1, school).bind(2, static_cast<std::int64_t>(limit));
  std::vector<AuditRecord> out;
  while (s.step())
    out.push_back(rows::audit(s));
  return out;
}

std::int64_t SqliteStore::audit_count() {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT COUNT(*) FROM audit_log");
  s.step();
  return s.integer(0);
}

AuditPage SqliteStore::find_audit(const AuditQuery& q) {
  AuditPage page;
  if (q.schools.empty()) return page;
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(rows::select_audit() + rows::audit_filter(q) +
                       " ORDER BY a.at_ms DESC, a.school_id DESC, a.id DESC LIMIT ?");
  int i = 1;
  rows::bind_audit_filter(q, [&](const auto& v) { s.bind(i++, v); });
  // One more than asked for tells whether another page follows.
  s.bind(i, static_cast<std::int64_t>(std::min<std::size_t>(q.limit, INT64_MAX - 1) + 1));
  while (s.step())
    page.items.push_back(rows::audit(s));
  if (page.items.size() > q.limit) {
    page.items.resize(q.limit);
    page.more = true;
  }
  return page;
}

std::optional<AuditRecord> SqliteStore::find_audit_record(std::int64_t id) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(rows::select_audit() + " WHERE a.id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return rows::audit(s);
}

std::vector<std::string> SqliteStore::audited_schools() {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(
      "SELECT school_id FROM audit_heads UNION SELECT school_id FROM audit_chain"
      " UNION SELECT school_id FROM audit_log ORDER BY 1");
  std::vector<std::string> out;
  while (s.step())
    out.push_back(s.text(0));
  return out;
}

std::optional<AuditHead> SqliteStore::audit_head(std::string_view school) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT " + std::string(rows::kAuditHeadColumns) +
                       " FROM audit_heads WHERE school_id = ?");
  s.bind(1, school);
  if (!s.step()) return std::nullopt;
  return rows::audit_head(s);
}

std::vector<AuditLink> SqliteStore::audit_links(std::string_view school, std::int64_t after_seq,
                                                std::size_t limit) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(rows::select_audit_links() +
                       " WHERE c.school_id = ? AND c.seq > ? ORDER BY c.seq LIMIT ?");
  s.bind(1, school).bind(2, after_seq).bind(3, static_cast<std::int64_t>(limit));
  std::vector<AuditLink> out;
  while (s.step())
    out.push_back(rows::audit_link(s));
  return out;
}

std::vector<std::int64_t> SqliteStore::unchained_audit_ids(std::string_view school,
                                                           std::size_t limit) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(
      "SELECT a.id FROM audit_log a"
      " LEFT JOIN audit_chain c ON c.audit_id = a.id AND c.school_id = a.school_id"
      " WHERE a.school_id = ? AND c.audit_id IS NULL ORDER BY a.id LIMIT ?");
  s.bind(1, school).bind(2, static_cast<std::int64_t>(limit));
  std::vector<std::int64_t> out;
  while (s.step())
    out.push_back(s.integer(0));
  return out;
}

Upsert SqliteStore::upsert_site(const Site& site) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_);
  auto find = db_.prepare(std::string(rows::kSelectSites) + " WHERE s.id = ?");
  find.bind(1, site.id);
  std::optional<Site> existing;
  if (find.step()) existing = rows::site(find);
  if (existing && *existing == site) return Upsert::unchanged;
  db_.prepare(
         "INSERT INTO sites (id, name, kind, trust_id, urn, phase, dummy) VALUES (?1, ?2, ?3, ?4,"
         " ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE SET name = ?2, kind = ?3, trust_id = ?4,"
         " urn = ?5, phase = ?6, dummy = ?7")
      .bind(1, site.id)
      .bind(2, site.name)
      .bind(3, site.kind == SiteKind::trust ? "trust" : "school")
      .bind(4, non_empty(site.trust_id))
      .bind(5, site.urn)
      .bind(6, site.phase)
      .bind(7, site.dummy)
      .run();
  db_.prepare(
         "INSERT INTO site_terms (site_id, version, title) VALUES (?1, ?2, ?3)"
         " ON CONFLICT (site_id) DO UPDATE SET version = ?2, title = ?3")
      .bind(1, site.id)
      .bind(2, site.terms.version)
      .bind(3, site.terms.title)
      .run();
  tx.commit();
  return existing ? Upsert::changed : Upsert::created;
}

std::optional<Site> SqliteStore::find_site(std::string_view id) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(std::string(rows::kSelectSites) + " WHERE s.id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return rows::site(s);
}

std::vector<Site> SqliteStore::list_sites() {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(std::string(rows::kSelectSites) + " ORDER BY s.id");
  std::vector<Site> out;
  while (s.step())
    out.push_back(rows::site(s));
  return out;
}

std::optional<User> SqliteStore::read_user(Statement& s) {
  if (!s.step()) return std::nullopt;
  User u;
  u.id = s.integer(0);
  u.email = s.text(1);
  u.name = s.text(2);
  u.home_site = s.text(3);
  u.disabled = !s.is_null(4);
  auto roles = db_.prepare("SELECT role FROM user_roles WHERE user_id = ? ORDER BY role");
  roles.bind(1, u.id);
  while (roles.step())
    u.roles.push_back(roles.text(0));
  return u;
}

Upsert SqliteStore::upsert_user(const User& user) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_);
  auto find =
      db_.prepare("SELECT id, email, name, home_site, disabled_at_ms FROM users WHERE email = ?");
  find.bind(1, user.email);
  std::optional<User> existing = read_user(find);
  std::vector<std::string> roles = user.roles;
  std::sort(roles.begin(), roles.end());
  if (existing && existing->name == user.name && existing->home_site == user.home_site &&
      existing->roles == roles) {
    return Upsert::unchanged;
  }
  std::int64_t id = 0;
  if (existing) {
    id = existing->id;
    db_.prepare("UPDATE users SET name = ?, home_site = ? WHERE id = ?")
        .bind(1, user.name)
        .bind(2, user.home_site)
        .bind(3, id)
        .run();
    db_.prepare("DELETE FROM user_roles WHERE user_id = ?").bind(1, id).run();
  } else {
    db_.prepare("INSERT INTO users (email, name, home_site) VALUES (?, ?, ?)")
        .bind(1, user.email)
        .bind(2, user.name)
        .bind(3, user.home_site)
        .run();
    id = db_.last_insert_id();
  }
  for (const auto& role : roles) {
    db_.prepare("INSERT INTO user_roles (user_id, role) VALUES (?, ?)")
        .bind(1, id)
        .bind(2, role)
        .run();
  }
  tx.commit();
  return existing ? Upsert::changed : Upsert::created;
}

std::optional<User> SqliteStore::find_user(std::int64_t id) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT id, email, name, home_site, disabled_at_ms FROM users WHERE id = ?");
  s.bind(1, id);
  return read_user(s);
}

std::optional<User> SqliteStore::find_user_by_email(std::string_view email) {
  std::lock_guard lock(mutex_);
  auto s =
      db_.prepare("SELECT id, email, name, home_site, disabled_at_ms FROM users WHERE email = ?");
  s.bind(1, email);
  return read_user(s);
}

std::vector<User> SqliteStore::users_of_site(std::string_view site_id) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(rows::select_users_of_site());
  s.bind(1, site_id);
  return rows::users_with_roles(s, [&] { return s.step(); });
}

std::optional<std::string> SqliteStore::password_hash(std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT password_hash FROM users WHERE id = ?");
  s.bind(1, user_id);
  if (!s.step() || s.is_null(0)) return std::nullopt;
  return s.text(0);
}

std::size_t SqliteStore::set_password_hash(std::int64_t user_id, const std::string& hash) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_);
  db_.prepare(
         "UPDATE users SET password_hash = ?, failed_attempts = 0, locked_until_ms = NULL WHERE id "
         "= ?")
      .bind(1, hash)
      .bind(2, user_id)
      .run();
  db_.prepare("DELETE FROM sessions WHERE user_id = ?").bind(1, user_id).run();
  const auto ended = static_cast<std::size_t>(db_.changes());
  tx.commit();
  return ended;
}

std::vector<User> SqliteStore::list_users() {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(rows::select_all_users());
  return rows::users_with_roles(s, [&] { return s.step(); });
}

std::optional<UserDisabled> SqliteStore::disable_user(std::int64_t user_id, TimePoint at) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_);
  auto find = db_.prepare("SELECT disabled_at_ms FROM users WHERE id = ?");
  find.bind(1, user_id);
  if (!find.step()) return std::nullopt;
  UserDisabled out{.already = !find.is_null(0)};
  if (!out.already) {
    db_.prepare("UPDATE users SET disabled_at_ms = ? WHERE id = ?")
        .bind(1, to_unix_ms(at))
        .bind(2, user_id)
        .run();
  }
  db_.prepare("DELETE FROM sessions WHERE user_id = ?").bind(1, user_id).run();
  out.sessions_ended = static_cast<std::size_t>(db_.changes());
  tx.commit();
  return out;
}

bool SqliteStore::enable_user(std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  db_.prepare("UPDATE users SET disabled_at_ms = NULL WHERE id = ? AND disabled_at_ms IS NOT NULL")
      .bind(1, user_id)
      .run();
  return db_.changes() > 0;
}

void SqliteStore::set_partner_secret_hash(std::string_view app_id, const std::string& hash,
                                          TimePoint at) {
  std::lock_guard lock(mutex_);
  db_.prepare(
         "INSERT INTO partner_credentials (app_id, secret_hash, created_at_ms) VALUES (?1, ?2, ?3)"
         " ON CONFLICT (app_id) DO UPDATE SET secret_hash = ?2, created_at_ms = ?3")
      .bind(1, app_id)
      .bind(2, hash)
      .bind(3, to_unix_ms(at))
      .run();
}

std::optional<std::string> SqliteStore::partner_secret_hash(std::string_view app_id) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT secret_hash FROM partner_credentials WHERE app_id = ?");
  s.bind(1, app_id);
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

void SqliteStore::create_session(const Session& session) {
  std::lock_guard lock(mutex_);
  db_.prepare(
         "INSERT INTO sessions (token_hash, user_id, created_at_ms, expires_at_ms) VALUES (?, ?, "
         "?, ?)")
      .bind(1, session.token_hash)
      .bind(2, session.user_id)
      .bind(3, to_unix_ms(session.created_at))
      .bind(4, to_unix_ms(session.expires_at))
      .run();
}

std::optional<Session> SqliteStore::find_session(std::string_view token_hash) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(
      "SELECT token_hash, user_id, created_at_ms, expires_at_ms FROM sessions WHERE token_hash = "
      "?");
  s.bind(1, token_hash);
  if (!s.step()) return std::nullopt;
  return Session{s.text(0), s.integer(1), from_unix_ms(s.integer(2)), from_unix_ms(s.integer(3))};
}

bool SqliteStore::delete_session(std::string_view token_hash) {
  std::lock_guard lock(mutex_);
  db_.prepare("DELETE FROM sessions WHERE token_hash = ?").bind(1, token_hash).run();
  return db_.changes() > 0;
}

std::size_t SqliteStore::delete_expired_sessions(TimePoint now) {
  std::lock_guard lock(mutex_);
  db_.prepare("DELETE FROM sessions WHERE expires_at_ms <= ?").bind(1, to_unix_ms(now)).run();
  return static_cast<std::size_t>(db_.changes());
}

void SqliteStore::record_login(const LoginAttempt& a) {
  std::lock_guard lock(mutex_);
  db_.prepare(
         "INSERT INTO login_history (email, user_id, at_ms, address, user_agent, outcome) VALUES "
         "(?, ?, ?, ?, ?, ?)")
      .bind(1, a.email)
      .bind(2, a.user_id)
      .bind(3, to_unix_ms(a.at))
      .bind(4, a.address)
      .bind(5, a.user_agent)
      .bind(6, a.outcome)
      .run();
}

std::vector<LoginAttempt> SqliteStore::logins_for_user(std::int64_t user_id, std::size_t limit,
                                                       std::optional<std::int64_t> before_id) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT " + std::string(rows::kLoginColumns) +
                       " FROM login_history WHERE user_id = ?1 AND (?2 IS NULL OR id < ?2)"
                       " ORDER BY id DESC LIMIT ?3");
  s.bind(1, user_id).bind(2, before_id).bind(3, static_cast<std::int64_t>(limit));
  std::vector<LoginAttempt> out;
  while (s.step())
    out.push_back(rows::login(s));
  return out;
}

std::vector<LoginAttempt> SqliteStore::latest_logins(std::span<const std::int64_t> user_ids) {
  if (user_ids.empty()) return {};
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(rows::select_latest_logins(user_ids.size()));
  int i = 1;
  for (const auto id : user_ids)
    s.bind(i++, id);
  std::vector<LoginAttempt> out;
  while (s.step())
    out.push_back(rows::login(s));
  return out;
}

bool SqliteStore::login_succeeded_from(std::string_view email, std::string_view address,
                                       TimePoint since) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(
      "SELECT 1 FROM login_history WHERE email = ? AND address = ? AND outcome = 'success'"
      " AND at_ms >= ? LIMIT 1");
  s.bind(1, email).bind(2, address).bind(3, to_unix_ms(since));
  return s.step();
}

std::vector<Site> SqliteStore::schools_of_trust(std::string_view trust_id) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(std::string(rows::kSelectSites) +
                       " WHERE s.trust_id = ? AND s.kind = 'school' ORDER BY s.id");
  s.bind(1, trust_id);
  std::vector<Site> out;
  while (s.step())
    out.push_back(rows::site(s));
  return out;
}

bool SqliteStore::accept_terms(const TermsAcceptance& a) {
  std::lock_guard lock(mutex_);
  db_.prepare("INSERT INTO terms_acceptances (" + std::string(rows::kTermsColumns) +
              ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, site_id, version) DO NOTHING")
      .bind(1, a.user_id)
      .bind(2, a.site_id)
      .bind(3, a.version)
      .bind(4, a.title)
      .bind(5, a.acting_site)
      .bind(6, to_unix_ms(a.accepted_at))
      .bind(7, a.request_id)
      .run();
  return db_.changes() > 0;
}

std::optional<TermsAcceptance> SqliteStore::find_terms_acceptance(std::int64_t user_id,
                                                                  std::string_view site_id,
                                                                  int version) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT " + std::string(rows::kTermsColumns) +
                       " FROM terms_acceptances WHERE user_id = ? AND site_id = ? AND version = ?");
  s.bind(1, user_id).bind(2, site_id).bind(3, version);
  if (!s.step()) return std::nullopt;
  return rows::terms_acceptance(s);
}

std::vector<TermsAcceptance> SqliteStore::terms_accepted_by(std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT " + std::string(rows::kTermsColumns) +
                       " FROM terms_acceptances WHERE user_id = ? ORDER BY site_id, version");
  s.bind(1, user_id);
  std::vector<TermsAcceptance> out;
  while (s.step())
    out.push_back(rows::terms_acceptance(s));
  return out;
}

NotificationPage SqliteStore::notifications_for(std::int64_t user_id,
                                                std::span<const std::string> schools,
                                                std::size_t limit,
                                                std::optional<std::int64_t> before_id) {
  NotificationPage page;
  if (schools.empty()) return page;
  std::lock_guard lock(mutex_);
  const std::string in = " n.school_id IN (" + rows::placeholders(schools.size()) + ")";
  auto s = db_.prepare(std::string(rows::kSelectNotifications) + " WHERE" + in +
                       (before_id ? " AND n.id < ?" : "") + " ORDER BY n.id DESC LIMIT ?");
  int i = 1;
  s.bind(i++, user_id);
  for (const auto& school : schools)
    s.bind(i++, school);
  if (before_id) s.bind(i++, *before_id);
  // One more than asked for tells whether another page follows.
  s.bind(i, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX - 1) + 1));
  while (s.step())
    page.items.push_back(rows::notification(s));
  if (page.items.size() > limit) {
    page.items.resize(limit);
    page.more = true;
  }
  auto count = db_.prepare("SELECT COUNT(*) FROM notifications n WHERE" + in +
                           " AND NOT EXISTS (SELECT 1 FROM notification_reads r"
                           " WHERE r.notification_id = n.id AND r.user_id = ?)");
  i = 1;
  for (const auto& school : schools)
    count.bind(i++, school);
  count.bind(i, user_id);
  count.step();
  page.unread = count.integer(0);
  return page;
}

std::optional<Notification> SqliteStore::find_notification(std::int64_t id, std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(std::string(rows::kSelectNotifications) + " WHERE n.id = ?");
  s.bind(1, user_id).bind(2, id);
  if (!s.step()) return std::nullopt;
  return rows::notification(s);
}

bool SqliteStore::mark_notification_read(std::int64_t id, std::int64_t user_id, TimePoint at) {
  std::lock_guard lock(mutex_);
  db_.prepare(
         "INSERT INTO notification_reads (user_id, notification_id, read_at_ms) VALUES (?, ?, ?)"
         " ON CONFLICT (user_id, notification_id) DO NOTHING")
      .bind(1, user_id)
      .bind(2, id)
      .bind(3, to_unix_ms(at))
      .run();
  return db_.changes() > 0;
}

std::size_t SqliteStore::mark_notifications_read(std::int64_t user_id,
                                                 std::span<const std::string> schools,
                                                 std::int64_t up_to, TimePoint at) {
  if (schools.empty()) return 0;
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(
      "INSERT INTO notification_reads (user_id, notification_id, read_at_ms)"
      " SELECT ?, n.id, ? FROM notifications n WHERE n.school_id IN (" +
      rows::placeholders(schools.size()) +
      ") AND n.id <= ? ON CONFLICT (user_id, notification_id) DO NOTHING");
  int i = 1;
  s.bind(i++, user_id);
  s.bind(i++, to_unix_ms(at));
  for (const auto& school : schools)
    s.bind(i++, school);
  s.bind(i, up_to);
  s.run();
  return static_cast<std::size_t>(db_.changes());
}

IdempotencyOutcome SqliteStore::claim_idempotency_key(const IdempotencyRecord& running,
                                                      TimePoint stale_before) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_);
  auto find =
      db_.prepare("SELECT " + std::string(rows::kIdempotencyColumns) +
                  " FROM idempotency_keys WHERE user_id = ? AND scope = ? AND idem_key = ?");
  find.bind(1, running.user_id).bind(2, running.scope).bind(3, running.key);
  if (find.step()) {
    IdempotencyOutcome out{rows::claim_against(rows::idempotency(find), running, stale_before),
                           rows::idempotency(find)};
    if (out.claim != IdempotencyClaim::claimed) return out;
    db_.prepare(
           "UPDATE idempotency_keys SET claim_token = ?, started_at_ms = ?"
           " WHERE user_id = ? AND scope = ? AND idem_key = ?")
        .bind(1, running.claim_token)
        .bind(2, to_unix_ms(running.started_at))
        .bind(3, running.user_id)
        .bind(4, running.scope)
        .bind(5, running.key)
        .run();
    out.record.claim_token = running.claim_token;
    out.record.started_at = running.started_at;
    tx.commit();
    return out;
  }
  db_.prepare(
         "INSERT INTO idempotency_keys (user_id, scope, idem_key, request_digest, state,"
         " claim_token, created_at_ms, started_at_ms) VALUES (?, ?, ?, ?, 'running', ?, ?, ?)")
      .bind(1, running.user_id)
      .bind(2, running.scope)
      .bind(3, running.key)
      .bind(4, running.request_digest)
      .bind(5, running.claim_token)
      .bind(6, to_unix_ms(running.created_at))
      .bind(7, to_unix_ms(running.started_at))
      .run();
  tx.commit();
  return {IdempotencyClaim::claimed, running};
}

bool SqliteStore::finish_idempotency_key(const IdempotencyRecord& claim, int status,
                                         const std::string& body, TimePoint at) {
  std::lock_guard lock(mutex_);
  finish_idempotency_locked(claim, status, body, at);
  return db_.changes() > 0;
}

void SqliteStore::finish_idempotency_locked(const IdempotencyRecord& claim, int status,
                                            const std::string& body, TimePoint at) {
  db_.prepare(
         "UPDATE idempotency_keys SET state = 'done', response_status = ?, response_body = ?,"
         " completed_at_ms = ? WHERE user_id = ? AND scope = ? AND idem_key = ?"
         " AND state = 'running' AND claim_token = ?")
      .bind(1, status)
      .bind(2, body)
      .bind(3, to_unix_ms(at))
      .bind(4, claim.user_id)
      .bind(5, claim.scope)
      .bind(6, claim.key)
      .bind(7, claim.claim_token)
      .run();
}

void SqliteStore::release_idempotency_key(const IdempotencyRecord& claim) {
  std::lock_guard lock(mutex_);
  db_.prepare(
         "DELETE FROM idempotency_keys WHERE user_id = ? AND scope = ? AND idem_key = ?"
         " AND state = 'running' AND claim_token = ?")
      .bind(1, claim.user_id)
      .bind(2, claim.scope)
      .bind(3, claim.key)
      .bind(4, claim.claim_token)
      .run();
}

std::size_t SqliteStore::delete_logins_before(TimePoint cutoff, std::size_t limit) {
  std::lock_guard lock(mutex_);
  db_.prepare(
         "DELETE FROM login_history WHERE id IN (SELECT id FROM login_history WHERE at_ms < ?"
         " ORDER BY at_ms LIMIT ?)")
      .bind(1, to_unix_ms(cutoff))
      .bind(2, static_cast<std::int64_t>(limit))
      .run();
  return static_cast<std::size_t>(db_.changes());
}

std::size_t SqliteStore::delete_idempotency_keys_before(TimePoint cutoff, std::size_t limit) {
  std::lock_guard lock(mutex_);
  db_.prepare(
         "DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys"
         " WHERE created_at_ms < ? ORDER BY created_at_ms LIMIT ?)")
      .bind(1, to_unix_ms(cutoff))
      .bind(2, static_cast<std::int64_t>(limit))
      .run();
  return static_cast<std::size_t>(db_.changes());
}

}  // namespace canopy::store
