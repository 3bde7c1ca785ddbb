// DirectoryStore: sites with their terms, and users with their roles.
#include <algorithm>

#include "store/db/statements.hpp"
#include "store/row_mapping.hpp"
#include "store/sql/sql_store.hpp"

namespace canopy::store {
namespace {

// One statement for the user and their roles, so both come from the same committed state.
// `column` is the users column `key` is bound to.
template <class Key>
std::optional<User> find_user_on(db::Session& s, std::string_view column, const Key& key) {
  auto q = s.prepare(
      "SELECT u.id, u.email, u.name, u.home_site, r.role, u.disabled_at_ms, u.sign_in FROM users u"
      " LEFT JOIN user_roles r ON r.user_id = u.id WHERE u." +
      std::string(column) + " = ? ORDER BY r.role");
  q->bind(key);
  std::optional<User> user;
  while (q->next()) {
    if (!user) {
      user.emplace();
      user->id = q->integer(0);
      user->email = q->text(1);
      user->name = q->text(2);
      user->home_site = q->text(3);
      user->disabled = !q->is_null(5);
      user->sign_in = rows::sign_in_method(q->text(6));
    }
    if (!q->is_null(4)) user->roles.push_back(q->text(4));
  }
  return user;
}

std::optional<Site> find_site_on(db::Session& s, std::string_view id, std::string_view lock) {
  auto q = s.prepare(std::string(rows::kSelectSites) + " WHERE s.id = ?" + std::string(lock));
  q->bind(id);
  if (!q->next()) return std::nullopt;
  return rows::site(*q);
}

}  // namespace

Upsert SqlStore::upsert_site(const Site& site) {
  return db_->transact("upsert_site", [&](db::Session& s) {
    // Locked: two importers comparing against the same old row must not both decide.
    const std::optional<Site> existing = find_site_on(s, site.id, dialect_.for_update());
    if (existing && *existing == site) return Upsert::unchanged;
    auto q = s.prepare(existing ? "UPDATE sites SET name = ?, kind = ?, trust_id = ?, urn = ?,"
                                  " phase = ?, dummy = ? WHERE id = ?"
                                : "INSERT INTO sites (name, kind, trust_id, urn, phase, dummy, id)"
                                  " VALUES (?, ?, ?, ?, ?, ?, ?)");
    q->bind(site.name)
        .bind(site.kind == SiteKind::trust ? "trust" : "school")
        .bind(site.trust_id.empty() ? std::nullopt : std::optional<std::string_view>(site.trust_id))
        .bind(site.urn)
        .bind(site.phase)
        .bind(site.dummy)
        .bind(site.id);
    // Someone created it between our read and insert: compare again against theirs.
    if (!q->execute_unless_duplicate()) throw db::RetryTransaction{};
    auto terms = s.prepare("INSERT INTO site_terms (site_id, version, title) VALUES (?, ?, ?)" +
                           dialect_.upsert("site_id", {"version", "title"}));
    terms->bind(site.id).bind(site.terms.version).bind(site.terms.title).execute();
    return existing ? Upsert::changed : Upsert::created;
  });
}

std::optional<Site> SqlStore::find_site(std::string_view id) {
  return db_->read("find_site", [&](db::Session& s) { return find_site_on(s, id, ""); });
}

std::vector<Site> SqlStore::list_sites() {
  return db_->read("list_sites", [&](db::Session& s) {
    auto q = s.prepare(std::string(rows::kSelectSites) + " ORDER BY s.id");
    return db::all_rows(*q, [](const db::Statement& r) { return rows::site(r); });
  });
}

Upsert SqlStore::upsert_user(const User& user) {
  std::vector<std::string> roles = user.roles;
  std::sort(roles.begin(), roles.end());
  return db_->transact("upsert_user", [&](db::Session& s) {
    // Lock the user's row first, so concurrent upserts of one user take turns.
    std::optional<std::int64_t> id;
    {
      auto q =
          s.prepare("SELECT id FROM users WHERE email = ?" + std::string(dialect_.for_update()));
      q->bind(user.email);
      if (q->next()) id = q->integer(0);
    }
    const bool existed = id.has_value();
    if (existed) {
      const auto existing = find_user_on(s, "id", *id);
      if (existing && existing->name == user.name && existing->home_site == user.home_site &&
          existing->roles == roles && existing->sign_in == user.sign_in) {
        return Upsert::unchanged;
      }
      s.prepare("UPDATE users SET name = ?, home_site = ?, sign_in = ? WHERE id = ?")
          ->bind(user.name)
          .bind(user.home_site)
          .bind(to_string(user.sign_in))
          .bind(*id)
          .execute();
      s.prepare("DELETE FROM user_roles WHERE user_id = ?")->bind(*id).execute();
    } else {
      auto q = s.prepare("INSERT INTO users (email, name, home_site, sign_in) VALUES (?, ?, ?, ?)");
      q->bind(user.email).bind(user.name).bind(user.home_site).bind(to_string(user.sign_in));
      if (!q->execute_unless_duplicate()) throw db::RetryTransaction{};
      id = s.first_inserted_id(1);
    }
    auto insert_role = s.prepare("INSERT INTO user_roles (user_id, role) VALUES (?, ?)");
    for (const auto& role : roles)
      insert_role->again().bind(*id).bind(role).execute();
    return existed ? Upsert::changed : Upsert::created;
  });
}

std::optional<User> SqlStore::find_user(std::int64_t id) {
  return db_->read("find_user", [&](db::Session& s) { return find_user_on(s, "id", id); });
}

std::optional<User> SqlStore::find_user_by_email(std::string_view email) {
  return db_->read("find_user_by_email",
                   [&](db::Session& s) { return find_user_on(s, "email", email); });
}

std::vector<User> SqlStore::users_of_site(std::string_view site_id) {
  return db_->read("users_of_site", [&](db::Session& s) {
    auto q = s.prepare(rows::select_users_of_site());
    q->bind(site_id);
    return rows::users_with_roles(*q, [&] { return q->next(); });
  });
}

}  // namespace canopy::store
