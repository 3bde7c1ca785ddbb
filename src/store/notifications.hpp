// Notifications to a school's people, with their per-user read state, and NotificationStore.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace canopy::store {

// What a notification tells the people who may act in a school.
enum class NotificationKind { connection_requested };
std::string_view to_string(NotificationKind kind);
std::optional<NotificationKind> parse_notification_kind(std::string_view text);

struct Notification {
  std::int64_t id = 0;
  std::string school_id;
  NotificationKind kind = NotificationKind::connection_requested;
  std::string app_id;
  TimePoint created_at;
  std::string request_id;
  std::optional<TimePoint> read_at;  // for the user who asked; nullopt while unread
};

struct NotificationPage {
  std::vector<Notification> items;  // newest first
  bool more = false;                // older notifications follow
  std::int64_t unread = 0;          // over all of the schools, not only this page
};

// Notifications are kept per school; read state is kept per user. Callers pass the schools the
// user may see: the store does not decide who may act where.
class NotificationStore {
 public:
  virtual ~NotificationStore() = default;
  virtual NotificationPage notifications_for(std::int64_t user_id,
                                             std::span<const std::string> schools,
                                             std::size_t limit,
                                             std::optional<std::int64_t> before_id) = 0;
  // The notification, with `user_id`'s read state.
  virtual std::optional<Notification> find_notification(std::int64_t id, std::int64_t user_id) = 0;
  // false when it was already read by that user (the first read time stays).
  virtual bool mark_notification_read(std::int64_t id, std::int64_t user_id, TimePoint at) = 0;
  // Marks every notification of `schools` up to id `up_to` read; returns how many were unread.
  virtual std::size_t mark_notifications_read(std::int64_t user_id,
                                              std::span<const std::string> schools,
                                              std::int64_t up_to, TimePoint at) = 0;
};

}  // namespace canopy::store
