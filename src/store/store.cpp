// Names of store enums as they are written to the database and the audit trail.
#include "store/store.hpp"

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

}  // namespace canopy::store
