// A person's notifications: those of the schools they may act in now, with their own read
// state. Who sees what is decided at read time by the same rule as acting in a school
// (tenancy::Directory::schools_in_reach): a notification follows the school, not the people who
// could act there when it was made. Blocking (store): run on the blocking pool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "store/store.hpp"
#include "tenancy/directory.hpp"

namespace canopy::consent {

// The schools a user may see notifications of, when they asked.
class Reach {
 public:
  explicit Reach(std::vector<Site> schools);
  const Site* find(std::string_view school_id) const;
  const std::vector<std::string>& ids() const { return ids_; }

 private:
  std::vector<Site> schools_;
  std::vector<std::string> ids_;
};

struct InboxPage {
  Reach reach;  // each item's school is found here
  store::NotificationPage page;
};

struct Opened {
  Reach reach;
  store::Notification notification;  // with its read time
};

struct AllRead {
  std::size_t marked = 0;   // how many were unread
  std::int64_t unread = 0;  // left unread in the user's schools
};

class Inbox {
 public:
  Inbox(store::NotificationStore& notifications, tenancy::Directory& directory, const Clock& clock)
      : notifications_(notifications), directory_(directory), clock_(clock) {}

  // Up to `limit` of the user's notifications, newest first, older than `before` when given.
  InboxPage list(const User& user, std::size_t limit, std::optional<std::int64_t> before);
  // Marks one read (keeping the first read time). nullopt when there is none with that id in
  // the user's schools: someone else's is to be answered like a missing one.
  std::optional<Opened> mark_read(const User& user, std::int64_t id);
  // Marks every notification of the user's schools up to id `up_to` read.
  AllRead mark_all_read(const User& user, std::int64_t up_to);

 private:
  store::NotificationStore& notifications_;
  tenancy::Directory& directory_;
  const Clock& clock_;
};

}  // namespace canopy::consent
