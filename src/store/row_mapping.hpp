// Result rows -> records, shared by the SQL backends. Both select the same columns in the same
// order, so one mapping serves them; a Row needs text(i), integer(i), is_null(i) and
// optional_integer(i), with columns counted from 0.
#pragma once

#include <string>
#include <string_view>

#include "store/store.hpp"

namespace canopy::store::rows {

// "?, ?, ?" for an IN list of n values (n > 0).
inline std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i)
    out += i == 0 ? "?" : ", ?";
  return out;
}

inline constexpr std::string_view kConnectionColumns =
    "school_id, app_id, status, permission_set_version, revision, requested_at_ms, decided_at_ms, "
    "decided_by, reject_reason, reject_note";
// Sites with their terms: a site without a site_terms row has version 1 and no title.
inline constexpr std::string_view kSelectSites =
    "SELECT s.id, s.name, s.kind, s.trust_id, s.urn, s.phase, s.dummy, t.version, t.title"
    " FROM sites s LEFT JOIN site_terms t ON t.site_id = s.id";
// Audit records with their chain links (a record without a link has NULL seq, prev_hash and
// hash), then the client's request id (column 17; NULL on records written before schema
// version 7), then a reject's reason and note (18 and 19; NULL on all other records).
inline constexpr std::string_view kAuditColumnsBeforeClientIds =
    "a.id, a.school_id, a.app_id, a.actor_kind, a.actor, a.actor_site, a.actor_role, a.via_trust,"
    " a.action, a.from_status, a.to_status, a.permission_set_version, a.at_ms, a.request_id,"
    " c.seq, c.prev_hash, c.hash";
inline std::string select_audit() {
  return "SELECT " + std::string(kAuditColumnsBeforeClientIds) +
         ", a.client_request_id, a.reason, a.reason_note"
         " FROM audit_log a LEFT JOIN audit_chain c ON c.audit_id = a.id";
}
// The same without the client's request id, for the chaining done by migration
// kAuditChainVersion: the column comes later (version 7), and no record had one then.
inline std::string select_audit_before_client_ids() {
  return "SELECT " + std::string(kAuditColumnsBeforeClientIds) +
         " FROM audit_log a LEFT JOIN audit_chain c ON c.audit_id = a.id";
}
// Chain links with their records, from the link's side: a link whose record is gone has NULL
// record columns (0 to 13); the link's own columns follow the record's (20 and 21).
inline std::string select_audit_links() {
  return "SELECT " + std::string(kAuditColumnsBeforeClientIds) +
         ", a.client_request_id, a.reason, a.reason_note, c.audit_id, c.school_id"
         " FROM audit_chain c LEFT JOIN audit_log a ON a.id = c.audit_id";
}

// A status the schema's CHECK would refuse means the database was changed behind our back.
inline ConnectionStatus status_from(const std::string& text) {
  if (auto s = parse_connection_status(text)) return *s;
  throw StoreError("a stored connection has unknown status '" + text + "'");
}

template <class Row>
Connection connection(const Row& r) {
  Connection c;
  c.school_id = r.text(0);
  c.app_id = r.text(1);
  c.status = status_from(r.text(2));
  c.permission_set_version = static_cast<int>(r.integer(3));
  c.revision = r.integer(4);
  c.requested_at = from_unix_ms(r.integer(5));
  if (auto d = r.optional_integer(6)) c.decided_at = from_unix_ms(*d);
  c.decided_by = r.text(7);
  if (!r.is_null(8)) c.reject_reason = parse_reject_reason(r.text(8));
  c.reject_note = r.text(9);
  return c;
}

template <class Row>
Site site(const Row& r) {
  Site s;
  s.id = r.text(0);
  s.name = r.text(1);
  s.kind = r.text(2) == "trust" ? SiteKind::trust : SiteKind::school;
  s.trust_id = r.text(3);
  s.urn = r.integer(4);
  s.phase = r.text(5);
  s.dummy = r.integer(6) != 0;
  s.terms.version = static_cast<int>(r.optional_integer(7).value_or(1));
  if (!r.is_null(8)) s.terms.title = r.text(8);
  return s;
}

enum class ClientIdColumn { present, absent };

template <class Row>
AuditRecord audit(const Row& row, ClientIdColumn client_id = ClientIdColumn::present) {
  AuditRecord r;
  r.id = row.integer(0);
  r.school_id = row.text(1);
  r.app_id = row.text(2);
  r.actor_kind = parse_actor_kind(row.text(3)).value_or(ActorKind::system);
  r.actor = row.text(4);
  r.actor_site = row.text(5);
  r.actor_role = row.text(6);
  r.via_trust = row.integer(7) != 0;
  r.action = row.text(8);
  if (!row.is_null(9)) r.from_status = status_from(row.text(9));
  r.to_status = status_from(row.text(10));
  r.permission_set_version = static_cast<int>(row.integer(11));
  r.at = from_unix_ms(row.integer(12));
  r.request_id = row.text(13);
  if (auto seq = row.optional_integer(14)) {
    r.seq = *seq;
    r.prev_hash = row.text(15);
    r.hash = row.text(16);
  }
  if (client_id == ClientIdColumn::present) {
    if (!row.is_null(17)) r.client_request_id = row.text(17);
    if (!row.is_null(18)) {
      r.reason = row.text(18);
      r.reason_note = row.text(19);
    }
  }
  return r;
}

template <class Row>
AuditLink audit_link(const Row& row) {
  AuditLink l;
  l.seq = row.integer(14);
  l.prev_hash = row.text(15);
  l.hash = row.text(16);
  l.audit_id = row.integer(20);
  l.school_id = row.text(21);
  if (!row.is_null(0)) l.record = audit(row);
  return l;
}

// Users with their roles, one row per (user, role): id, email, name, home_site, disabled_at_ms,
// role (NULL for a user without roles). The selects below add an ORDER BY that keeps each
// user's rows together, roles sorted, as users_with_roles needs.
inline constexpr std::string_view kSelectUsersWithRoles =
    "SELECT u.id, u.email, u.name, u.home_site, u.disabled_at_ms, r.role, u.sign_in FROM users u"
    " LEFT JOIN user_roles r ON r.user_id = u.id";
// Every user, by email.
inline std::string select_all_users() {
  return std::string(kSelectUsersWithRoles) + " ORDER BY u.email, r.role";
}
// The users of the site given as the one parameter, by name, then email.
inline std::string select_users_of_site() {
  return std::string(kSelectUsersWithRoles) +
         " WHERE u.home_site = ? ORDER BY u.name, u.email, r.role";
}

// A users.sign_in value; anything unknown (written by a newer version) counts as the strictest
// for the alternative connection: not a password user.
inline SignInMethod sign_in_method(std::string_view text) {
  return parse_sign_in_method(text).value_or(SignInMethod::two_step_verification);
}

// Folds the rows of kSelectUsersWithRoles into users. `next` advances `rows` (false when done).
template <class Rows, class Next>
std::vector<User> users_with_roles(Rows& rows, Next next) {
  std::vector<User> out;
  while (next()) {
    if (out.empty() || out.back().id != rows.integer(0)) {
      User& u = out.emplace_back();
      u.id = rows.integer(0);
      u.email = rows.text(1);
      u.name = rows.text(2);
      u.home_site = rows.text(3);
      u.disabled = !rows.is_null(4);
      u.sign_in = sign_in_method(rows.text(6));
    }
    if (!rows.is_null(5)) out.back().roles.push_back(rows.text(5));
  }
  return out;
}

inline constexpr std::string_view kAuditHeadColumns = "school_id, seq, hash, audit_id";

template <class Row>
AuditHead audit_head(const Row& r) {
  return {r.text(0), r.integer(1), r.text(2), r.integer(3)};
}

inline constexpr std::string_view kLoginColumns =
    "id, email, user_id, at_ms, address, user_agent, outcome";

template <class Row>
LoginAttempt login(const Row& r) {
  return {r.integer(0), r.text(1), r.optional_integer(2), from_unix_ms(r.integer(3)), r.text(4),
          r.text(5),    r.text(6)};
}

// The newest attempt of each of n users (the parameters), by user. The inner MAX is one probe
// of login_history_by_user (user_id, id) per user on both backends, where a GROUP BY would read
// every attempt of every user on SQLite.
inline std::string select_latest_logins(std::size_t n) {
  return "SELECT " + std::string(kLoginColumns) +
         " FROM login_history WHERE id IN (SELECT (SELECT MAX(h.id) FROM login_history h"
         " WHERE h.user_id = u.id) FROM users u WHERE u.id IN (" +
         placeholders(n) + ")) ORDER BY user_id";
}

inline constexpr std::string_view kTermsColumns =
    "user_id, site_id, version, title, acting_site, accepted_at_ms, request_id";

template <class Row>
TermsAcceptance terms_acceptance(const Row& r) {
  TermsAcceptance a;
  a.user_id = r.integer(0);
  a.site_id = r.text(1);
  a.version = static_cast<int>(r.integer(2));
  a.title = r.text(3);
  a.acting_site = r.text(4);
  a.accepted_at = from_unix_ms(r.integer(5));
  a.request_id = r.text(6);
  return a;
}

// Notifications with one user's read state: the first parameter is that user's id.
inline constexpr std::string_view kSelectNotifications =
    "SELECT n.id, n.school_id, n.kind, n.app_id, n.created_at_ms, n.request_id, r.read_at_ms"
    " FROM notifications n LEFT JOIN notification_reads r"
    " ON r.notification_id = n.id AND r.user_id = ?";

template <class Row>
Notification notification(const Row& r) {
  Notification n;
  n.id = r.integer(0);
  n.school_id = r.text(1);
  const auto kind = parse_notification_kind(r.text(2));
  if (!kind) throw StoreError("a stored notification has unknown kind '" + r.text(2) + "'");
  n.kind = *kind;
  n.app_id = r.text(3);
  n.created_at = from_unix_ms(r.integer(4));
  n.request_id = r.text(5);
  if (auto at = r.optional_integer(6)) n.read_at = from_unix_ms(*at);
  return n;
}

inline constexpr std::string_view kIdempotencyColumns =
    "user_id, scope, idem_key, request_digest, state, claim_token, response_status, response_body,"
    " created_at_ms, started_at_ms";

template <class Row>
IdempotencyRecord idempotency(const Row& r) {
  IdempotencyRecord i;
  i.user_id = r.integer(0);
  i.scope = r.text(1);
  i.key = r.text(2);
  i.request_digest = r.text(3);
  i.done = r.text(4) == "done";
  i.claim_token = r.text(5);
  i.response_status = static_cast<int>(r.optional_integer(6).value_or(0));
  i.response_body = r.text(7);
  i.created_at = from_unix_ms(r.integer(8));
  i.started_at = from_unix_ms(r.integer(9));
  return i;
}

// What an existing record means to a new claim of its key (see IdempotencyStore).
inline IdempotencyClaim claim_against(const IdempotencyRecord& existing,
                                      const IdempotencyRecord& running, TimePoint stale_before) {
  if (existing.request_digest != running.request_digest) return IdempotencyClaim::reused;
  if (existing.done) return IdempotencyClaim::replay;
  if (existing.started_at >= stale_before) return IdempotencyClaim::in_progress;
  return IdempotencyClaim::claimed;
}

// " WHERE ..." for an audit query's schools and filters (over select_audit()'s alias a);
// bind_audit_filter binds its parameters in the same order.
inline std::string audit_filter(const AuditQuery& q) {
  std::string where = " WHERE a.school_id IN (" + placeholders(q.schools.size()) + ")";
  if (q.app) where += " AND a.app_id = ?";
  if (q.actor) where += " AND a.actor = ?";
  if (q.action) where += " AND a.action = ?";
  if (q.from) where += " AND a.at_ms >= ?";
  if (q.to) where += " AND a.at_ms < ?";
  // After the previous page's last record in (at_ms, school_id, id) descending order.
  if (q.after) {
    where +=
        " AND (a.at_ms < ? OR (a.at_ms = ? AND (a.school_id < ? OR (a.school_id = ? AND a.id <"
        " ?))))";
  }
  return where;
}

template <class Bind>
void bind_audit_filter(const AuditQuery& q, Bind&& bind) {
  for (const auto& school : q.schools)
    bind(std::string_view(school));
  if (q.app) bind(std::string_view(*q.app));
  if (q.actor) bind(std::string_view(*q.actor));
  if (q.action) bind(std::string_view(*q.action));
  if (q.from) bind(to_unix_ms(*q.from));
  if (q.to) bind(to_unix_ms(*q.to));
  if (q.after) {
    const std::int64_t at = to_unix_ms(q.after->at);
    bind(at);
    bind(at);
    bind(std::string_view(q.after->school_id));
    bind(std::string_view(q.after->school_id));
    bind(q.after->id);
  }
}

}  // namespace canopy::store::rows
