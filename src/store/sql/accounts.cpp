// AccountStore and CredentialStore: who may sign in (leavers are disabled, never deleted) and
// the password and partner secret hashes.
#include "store/db/statements.hpp"
#include "store/row_mapping.hpp"
#include "store/sql/sql_store.hpp"

namespace canopy::store {

std::vector<User> SqlStore::list_users() {
  return db_->read("list_users", [&](db::Session& s) {
    auto q = s.prepare(rows::select_all_users());
    return rows::users_with_roles(*q, [&] { return q->next(); });
  });
}

// A sign-in that checked the password before this commits can still insert its session after
// it: SessionService::authenticate refuses every session of a disabled user, so that session
// is never usable, and it goes when it expires.
std::optional<UserDisabled> SqlStore::disable_user(std::int64_t user_id, TimePoint at) {
  return db_->transact("disable_user", [&](db::Session& s) -> std::optional<UserDisabled> {
    auto find = s.prepare("SELECT disabled_at_ms FROM users WHERE id = ?" +
                          std::string(dialect_.for_update()));
    find->bind(user_id);
    if (!find->next()) return std::nullopt;
    UserDisabled out{.already = !find->is_null(0)};
    if (!out.already) {
      s.prepare("UPDATE users SET disabled_at_ms = ? WHERE id = ?")
          ->bind(to_unix_ms(at))
          .bind(user_id)
          .execute();
    }
    out.sessions_ended = static_cast<std::size_t>(
        s.prepare("DELETE FROM sessions WHERE user_id = ?")->bind(user_id).execute());
    withdraw_connect_tickets(s, user_id);
    return std::optional(out);
  });
}

bool SqlStore::enable_user(std::int64_t user_id) {
  return db_->transact("enable_user", [&](db::Session& s) {
    return s.prepare(
                "UPDATE users SET disabled_at_ms = NULL WHERE id = ? AND disabled_at_ms IS"
                " NOT NULL")
               ->bind(user_id)
               .execute() > 0;
  });
}

std::optional<std::string> SqlStore::password_hash(std::int64_t user_id) {
  return db_->read("password_hash", [&](db::Session& s) -> std::optional<std::string> {
    auto q = s.prepare("SELECT password_hash FROM users WHERE id = ?");
    q->bind(user_id);
    if (!q->next() || q->is_null(0)) return std::nullopt;
    return q->text(0);
  });
}

std::size_t SqlStore::set_password_hash(std::int64_t user_id, const std::string& hash) {
  return db_->transact("set_password_hash", [&](db::Session& s) {
    s.prepare(
         "UPDATE users SET password_hash = ?, failed_attempts = 0, locked_until_ms = NULL"
         " WHERE id = ?")
        ->bind(hash)
        .bind(user_id)
        .execute();
    withdraw_connect_tickets(s, user_id);
    return static_cast<std::size_t>(
        s.prepare("DELETE FROM sessions WHERE user_id = ?")->bind(user_id).execute());
  });
}

void SqlStore::set_partner_secret_hash(std::string_view app_id, const std::string& hash,
                                       TimePoint at) {
  db_->transact("set_partner_secret_hash", [&](db::Session& s) {
    s.prepare(
         "INSERT INTO partner_credentials (app_id, secret_hash, created_at_ms) VALUES (?, ?,"
         " ?)" +
         dialect_.upsert("app_id", {"secret_hash", "created_at_ms"}))
        ->bind(app_id)
        .bind(hash)
        .bind(to_unix_ms(at))
        .execute();
  });
}

std::optional<std::string> SqlStore::partner_secret_hash(std::string_view app_id) {
  return db_->read("partner_secret_hash", [&](db::Session& s) -> std::optional<std::string> {
    auto q = s.prepare("SELECT secret_hash FROM partner_credentials WHERE app_id = ?");
    q->bind(app_id);
    if (!q->next()) return std::nullopt;
    return q->text(0);
  });
}

}  // namespace canopy::store
