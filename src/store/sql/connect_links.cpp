// ConnectLinkStore: the alternative connection's one-time links.
#include "store/db/statements.hpp"
#include "store/sql/sql_store.hpp"

namespace canopy::store {
namespace {

constexpr std::string_view kColumns =
    "token_hash, app_id, school_id, redirect_uri, state, created_at_ms, expires_at_ms, used_at_ms,"
    " used_by, approver_user_id, approver_ticket_hash, approver_until_ms";

ConnectLink link_row(const db::Statement& r) {
  ConnectLink l;
  l.token_hash = r.text(0);
  l.app_id = r.text(1);
  l.school_id = r.text(2);
  l.redirect_uri = r.text(3);
  l.state = r.text(4);
  l.created_at = from_unix_ms(r.integer(5));
  l.expires_at = from_unix_ms(r.integer(6));
  if (auto at = r.optional_integer(7)) l.used_at = from_unix_ms(*at);
  l.used_by = r.text(8);
  l.approver_user_id = r.optional_integer(9);
  l.approver_ticket_hash = r.text(10);
  if (auto until = r.optional_integer(11)) l.approver_until = from_unix_ms(*until);
  return l;
}

}  // namespace

void SqlStore::create_connect_link(const ConnectLink& link) {
  db_->transact("create_connect_link", [&](db::Session& s) {
    auto q = s.prepare("INSERT INTO connect_links (" + std::string(kColumns) +
                       ") VALUES (?, ?, ?, ?, ?, ?, ?, NULL, '', NULL, '', NULL)");
    q->bind(link.token_hash)
        .bind(link.app_id)
        .bind(link.school_id)
        .bind(link.redirect_uri)
        .bind(link.state)
        .bind(to_unix_ms(link.created_at))
        .bind(to_unix_ms(link.expires_at));
    q->execute();
  });
}

std::optional<ConnectLink> SqlStore::find_connect_link(std::string_view token_hash) {
  return db_->read("find_connect_link", [&](db::Session& s) -> std::optional<ConnectLink> {
    auto q =
        s.prepare("SELECT " + std::string(kColumns) + " FROM connect_links WHERE token_hash = ?");
    q->bind(token_hash);
    if (!q->next()) return std::nullopt;
    return link_row(*q);
  });
}

bool SqlStore::admit_connect_approver(std::string_view token_hash, std::int64_t user_id,
                                      std::string_view ticket_hash, TimePoint until,
                                      TimePoint now) {
  return db_->transact("admit_connect_approver", [&](db::Session& s) {
    auto q = s.prepare(
        "UPDATE connect_links SET approver_user_id = ?, approver_ticket_hash = ?,"
        " approver_until_ms = ? WHERE token_hash = ? AND used_at_ms IS NULL AND expires_at_ms > ?");
    q->bind(user_id)
        .bind(ticket_hash)
        .bind(to_unix_ms(until))
        .bind(token_hash)
        .bind(to_unix_ms(now));
    return q->execute() > 0;
  });
}

bool SqlStore::spend_connect_link(const LinkSpend& spend) {
  return db_->transact("spend_connect_link", [&](db::Session& s) { return spend_link(s, spend); });
}

bool SqlStore::spend_link(db::Session& s, const LinkSpend& spend) {
  const auto at = to_unix_ms(spend.at);
  auto q = s.prepare(
      "UPDATE connect_links SET used_at_ms = ?, used_by = ? WHERE token_hash = ?"
      " AND approver_ticket_hash = ? AND approver_ticket_hash <> '' AND used_at_ms IS NULL"
      " AND expires_at_ms > ? AND approver_until_ms > ?");
  q->bind(at).bind(spend.used_by).bind(spend.token_hash).bind(spend.ticket_hash).bind(at).bind(at);
  return q->execute() > 0;
}

void SqlStore::withdraw_connect_tickets(db::Session& s, std::int64_t user_id) {
  s.prepare(
       "UPDATE connect_links SET approver_ticket_hash = '', approver_until_ms = NULL"
       " WHERE approver_user_id = ? AND used_at_ms IS NULL")
      ->bind(user_id)
      .execute();
}

std::size_t SqlStore::delete_connect_links_before(TimePoint cutoff, std::size_t limit) {
  return db_->transact("delete_connect_links_before", [&](db::Session& s) {
    return static_cast<std::size_t>(
        s.prepare(dialect_.delete_oldest("connect_links", "expires_at_ms < ?", "expires_at_ms"))
            ->bind(to_unix_ms(cutoff))
            .bind(db::limit_value(limit))
            .execute());
  });
}

}  // namespace canopy::store
