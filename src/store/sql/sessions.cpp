// SessionStore and LoginHistoryStore: signed-in sessions (by token hash) and every sign-in
// attempt, kept for the admins' login history and the sign-in throttle.
#include "store/db/statements.hpp"
#include "store/row_mapping.hpp"
#include "store/sql/sql_store.hpp"

namespace canopy::store {

void SqlStore::create_session(const Session& session) {
  db_->transact("create_session", [&](db::Session& s) {
    s.prepare(
         "INSERT INTO sessions (token_hash, user_id, created_at_ms, expires_at_ms)"
         " VALUES (?, ?, ?, ?)")
        ->bind(session.token_hash)
        .bind(session.user_id)
        .bind(to_unix_ms(session.created_at))
        .bind(to_unix_ms(session.expires_at))
        .execute();
  });
}

std::optional<Session> SqlStore::find_session(std::string_view token_hash) {
  return db_->read("find_session", [&](db::Session& s) -> std::optional<Session> {
    auto q = s.prepare(
        "SELECT token_hash, user_id, created_at_ms, expires_at_ms FROM sessions"
        " WHERE token_hash = ?");
    q->bind(token_hash);
    if (!q->next()) return std::nullopt;
    return Session{q->text(0), q->integer(1), from_unix_ms(q->integer(2)),
                   from_unix_ms(q->integer(3))};
  });
}

bool SqlStore::delete_session(std::string_view token_hash) {
  return db_->transact("delete_session", [&](db::Session& s) {
    return s.prepare("DELETE FROM sessions WHERE token_hash = ?")->bind(token_hash).execute() > 0;
  });
}

std::size_t SqlStore::delete_expired_sessions(TimePoint now) {
  return db_->transact("delete_expired_sessions", [&](db::Session& s) {
    return static_cast<std::size_t>(s.prepare("DELETE FROM sessions WHERE expires_at_ms <= ?")
                                        ->bind(to_unix_ms(now))
                                        .execute());
  });
}

void SqlStore::record_login(const LoginAttempt& a) {
  db_->transact("record_login", [&](db::Session& s) {
    s.prepare(
         "INSERT INTO login_history (email, user_id, at_ms, address, user_agent, outcome)"
         " VALUES (?, ?, ?, ?, ?, ?)")
        ->bind(a.email)
        .bind(a.user_id)
        .bind(to_unix_ms(a.at))
        .bind(a.address)
        .bind(a.user_agent)
        .bind(a.outcome)
        .execute();
  });
}

std::vector<LoginAttempt> SqlStore::logins_for_user(std::int64_t user_id, std::size_t limit,
                                                    std::optional<std::int64_t> before_id) {
  return db_->read("logins_for_user", [&](db::Session& s) {
    auto q = s.prepare("SELECT " + std::string(rows::kLoginColumns) +
                       " FROM login_history WHERE user_id = ?" + (before_id ? " AND id < ?" : "") +
                       " ORDER BY id DESC LIMIT ?");
    q->bind(user_id);
    if (before_id) q->bind(*before_id);
    q->bind(db::limit_value(limit));
    return db::all_rows(*q, [](const db::Statement& r) { return rows::login(r); });
  });
}

std::vector<LoginAttempt> SqlStore::latest_logins(std::span<const std::int64_t> user_ids) {
  if (user_ids.empty()) return {};
  return db_->read("latest_logins", [&](db::Session& s) {
    auto q = s.prepare(rows::select_latest_logins(user_ids.size()));
    for (const auto id : user_ids)
      q->bind(id);
    return db::all_rows(*q, [](const db::Statement& r) { return rows::login(r); });
  });
}

// Each batch is its own short transaction: purging a year of history never holds many locks
// for long.
std::size_t SqlStore::delete_logins_before(TimePoint cutoff, std::size_t limit) {
  return db_->transact("delete_logins_before", [&](db::Session& s) {
    return static_cast<std::size_t>(
        s.prepare(dialect_.delete_oldest("login_history", "at_ms < ?", "at_ms"))
            ->bind(to_unix_ms(cutoff))
            .bind(db::limit_value(limit))
            .execute());
  });
}

bool SqlStore::login_succeeded_from(std::string_view email, std::string_view address,
                                    TimePoint since) {
  return db_->read("login_succeeded_from", [&](db::Session& s) {
    auto q = s.prepare(
        "SELECT 1 FROM login_history WHERE email = ? AND address = ?"
        " AND outcome = 'success' AND at_ms >= ? LIMIT 1");
    q->bind(email).bind(address).bind(to_unix_ms(since));
    return q->next();
  });
}

}  // namespace canopy::store
