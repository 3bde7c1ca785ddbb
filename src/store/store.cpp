// Names of store enums as they are written to the database and the audit trail.
#include "store/store.hpp"

#include <algorithm>

namespace canopy::store {

std::string_view to_string(ActorKind kind) {
  switch (kind) {
    case ActorKind::user:
      return "user";
    case ActorKind::partner:
      return "partner";
    case ActorKind::system:
      return "system";
  }
  return "system";
}

std::optional<ActorKind> parse_actor_kind(std::string_view text) {
  for (auto k : {ActorKind::user, ActorKind::partner, ActorKind::system}) {
    if (to_string(k) == text) return k;
  }
  return std::nullopt;
}

std::string_view to_string(NotificationKind kind) {
  switch (kind) {
    case NotificationKind::connection_requested:
      return "connection_requested";
  }
  return "connection_requested";
}

std::optional<NotificationKind> parse_notification_kind(std::string_view text) {
  if (text == to_string(NotificationKind::connection_requested))
    return NotificationKind::connection_requested;
  return std::nullopt;
}

void check_commit_by(std::span<const AuditedChange> changes) {
  const auto now = std::chrono::steady_clock::now();
  for (const auto& item : changes) {
    if (item.change.guard.commit_by && now > *item.change.guard.commit_by) {
      throw CommitTooLate("the change was not committed: it could not commit in time (" +
                          item.change.school_id + "/" + item.change.app_id + ")");
    }
  }
}

bool advances_epoch(std::span<const AuditedChange> changes) {
  return std::any_of(changes.begin(), changes.end(),
                     [](const AuditedChange& item) { return item.change.guard.advance_epoch; });
}

}  // namespace canopy::store
