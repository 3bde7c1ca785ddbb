#include "consent/inbox.hpp"

#include <algorithm>

namespace canopy::consent {

Reach::Reach(std::vector<Site> schools) : schools_(std::move(schools)) {
  ids_.reserve(schools_.size());
  for (const auto& school : schools_)
    ids_.push_back(school.id);
}

const Site* Reach::find(std::string_view school_id) const {
  const auto it = std::find_if(schools_.begin(), schools_.end(),
                               [&](const Site& s) { return s.id == school_id; });
  return it == schools_.end() ? nullptr : &*it;
}

InboxPage Inbox::list(const User& user, std::size_t limit, std::optional<std::int64_t> before) {
  Reach reach(directory_.schools_in_reach(user));
  auto page = notifications_.notifications_for(user.id, reach.ids(), limit, before);
  return {std::move(reach), std::move(page)};
}

std::optional<Opened> Inbox::mark_read(const User& user, std::int64_t id) {
  Reach reach(directory_.schools_in_reach(user));
  auto n = notifications_.find_notification(id, user.id);
  if (!n || reach.find(n->school_id) == nullptr) return std::nullopt;
  if (!n->read_at) {
    const TimePoint now = clock_.now();
    if (notifications_.mark_notification_read(id, user.id, now)) {
      n->read_at = now;
    } else {
      // A concurrent request of the same user marked it first: show the time it kept.
      n = notifications_.find_notification(id, user.id);
      if (!n) return std::nullopt;
    }
  }
  return Opened{std::move(reach), std::move(*n)};
}

AllRead Inbox::mark_all_read(const User& user, std::int64_t up_to) {
  const Reach reach(directory_.schools_in_reach(user));
  const auto marked =
      notifications_.mark_notifications_read(user.id, reach.ids(), up_to, clock_.now());
  const auto left = notifications_.notifications_for(user.id, reach.ids(), 0, std::nullopt);
  return {marked, left.unread};
}

}  // namespace canopy::consent
