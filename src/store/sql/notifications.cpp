// NotificationStore: notifications kept per school, read state kept per user. (Notifications
// are added by ConnectionStore::apply, in the change's own transaction.)
#include "store/db/statements.hpp"
#include "store/row_mapping.hpp"
#include "store/sql/sql_store.hpp"

namespace canopy::store {

NotificationPage SqlStore::notifications_for(std::int64_t user_id,
                                             std::span<const std::string> schools,
                                             std::size_t limit,
                                             std::optional<std::int64_t> before_id) {
  if (schools.empty()) return {};
  return db_->read("notifications_for", [&](db::Session& s) {
    NotificationPage page;
    const std::string in = " n.school_id IN (" + rows::placeholders(schools.size()) + ")";
    auto q = s.prepare(std::string(rows::kSelectNotifications) + " WHERE" + in +
                       (before_id ? " AND n.id < ?" : "") + " ORDER BY n.id DESC LIMIT ?");
    q->bind(user_id);
    for (const auto& school : schools)
      q->bind(school);
    if (before_id) q->bind(*before_id);
    q->bind(db::limit_with_one_more(limit));
    page.items = db::all_rows(*q, [](const db::Statement& r) { return rows::notification(r); });
    if (page.items.size() > limit) {
      page.items.resize(limit);
      page.more = true;
    }
    auto count = s.prepare("SELECT COUNT(*) FROM notifications n WHERE" + in +
                           " AND NOT EXISTS (SELECT 1 FROM notification_reads r"
                           " WHERE r.notification_id = n.id AND r.user_id = ?)");
    for (const auto& school : schools)
      count->bind(school);
    count->bind(user_id);
    if (!count->next()) {
      throw StoreError(std::string(dialect_.name()) + ": no row from the unread count");
    }
    page.unread = count->integer(0);
    return page;
  });
}

std::optional<Notification> SqlStore::find_notification(std::int64_t id, std::int64_t user_id) {
  return db_->read("find_notification", [&](db::Session& s) -> std::optional<Notification> {
    auto q = s.prepare(std::string(rows::kSelectNotifications) + " WHERE n.id = ?");
    q->bind(user_id).bind(id);
    if (!q->next()) return std::nullopt;
    return rows::notification(*q);
  });
}

bool SqlStore::mark_notification_read(std::int64_t id, std::int64_t user_id, TimePoint at) {
  return db_->transact("mark_notification_read", [&](db::Session& s) {
    // Read before: the first read time stays, and no row counts as changed.
    return s.prepare(
                "INSERT INTO notification_reads (user_id, notification_id, read_at_ms)"
                " VALUES (?, ?, ?)" +
                dialect_.on_conflict_do_nothing("user_id, notification_id",
                                                "notification_reads.read_at_ms"))
               ->bind(user_id)
               .bind(id)
               .bind(to_unix_ms(at))
               .execute() > 0;
  });
}

std::size_t SqlStore::mark_notifications_read(std::int64_t user_id,
                                              std::span<const std::string> schools,
                                              std::int64_t up_to, TimePoint at) {
  if (schools.empty()) return 0;
  return db_->transact("mark_notifications_read", [&](db::Session& s) {
    auto q = s.prepare(
        "INSERT INTO notification_reads (user_id, notification_id, read_at_ms)"
        " SELECT ?, n.id, ? FROM notifications n WHERE n.school_id IN (" +
        rows::placeholders(schools.size()) + ") AND n.id <= ?" +
        dialect_.on_conflict_do_nothing("user_id, notification_id",
                                        "notification_reads.read_at_ms"));
    q->bind(user_id).bind(to_unix_ms(at));
    for (const auto& school : schools)
      q->bind(school);
    return static_cast<std::size_t>(q->bind(up_to).execute());
  });
}

}  // namespace canopy::store
