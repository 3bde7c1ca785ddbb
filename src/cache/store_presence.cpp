// The store's epoch and freshness, and the presence checks for answering without it.
#include "cache/store_presence.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace canopy::cache {

void StorePresence::store_polled(std::int64_t epoch, std::vector<std::string> live,
                                 Clock::time_point started) {
  {
    std::sort(live.begin(), live.end());
    std::lock_guard presence(presence_mutex_);
    store_live_ = std::move(live);
    store_polled_at_ = std::max(store_polled_at_, ticks(started));
    recheck_presence();
  }
  std::lock_guard lock(epoch_mutex_);
  const auto known = epoch_.load(std::memory_order_acquire);
  if (epoch > known) {
    // A reject committed without holds: whatever level 1 holds may be what it took away. The
    // new epoch shows first, then level 1 is cleared: the order SharedLevel::epoch relies on.
    epoch_.store(epoch, std::memory_order_release);
    level1_.clear();
    if (known > 0) {
      spdlog::info(
          "revocation epoch {}: a reject was committed without Redis; level 1 starts "
          "afresh and older level-2 entries are no longer trusted",
          epoch);
    }
  }
  const auto until = ticks(started + lease_ - margin_);
  auto current = store_fresh_until_.load();
  while (current < until && !store_fresh_until_.compare_exchange_weak(current, until)) {
  }
}

StorePresence::Clock::time_point StorePresence::unheld_commit_settled(
    Clock::time_point committed) const {
  // A replica still store-fresh then polled after `committed` (a poll keeps it fresh for
  // lease - margin from its start), so it has the new epoch; one that did not poll has stopped
  // trusting level 1, and its level-2 lookups need an entry of the new epoch. One answering
  // without the store counts this replica among those it saw in the store, so it stops once a
  // heartbeat of its own finds this one gone from Redis: this replica's registration ends a
  // lease after its last heartbeat (withdraw() stopped them), and the other's view of it lasts
  // a lease after that heartbeat of its own.
  std::int64_t last_sent = 0;
  {
    std::lock_guard presence(presence_mutex_);
    last_sent = last_heartbeat_sent_;
  }
  const auto gone =
      Clock::time_point(std::chrono::nanoseconds(last_sent)) + 2 * lease_ + 2 * margin_;
  return std::max(committed + lease_ + margin_, gone);
}

void StorePresence::recheck_presence() {
  everyone_on_redis_ =
      std::includes(redis_live_.begin(), redis_live_.end(), store_live_.begin(), store_live_.end());
}

bool StorePresence::answers_without_store(Clock::time_point at) const {
  const auto now = ticks(at);
  std::lock_guard presence(presence_mutex_);
  return everyone_on_redis_ && now < redis_live_until_ && store_polled_at_ != 0 &&
         now - store_polled_at_ < std::chrono::nanoseconds(without_store_).count();
}

void StorePresence::withdraw() {
  std::lock_guard presence(presence_mutex_);
  ++withdrawn_;
}

void StorePresence::rejoin() {
  std::lock_guard presence(presence_mutex_);
  if (withdrawn_ > 0) --withdrawn_;
}

bool StorePresence::heartbeat_starts(Clock::time_point sent, bool connected) {
  std::lock_guard presence(presence_mutex_);
  if (withdrawn_ > 0) return false;
  if (connected) last_heartbeat_sent_ = ticks(sent);
  return true;
}

void StorePresence::heartbeat_may_have_run(Clock::time_point sent) {
  std::lock_guard presence(presence_mutex_);
  last_heartbeat_sent_ = std::max(last_heartbeat_sent_, ticks(sent));
}

void StorePresence::heartbeat_answered(std::vector<std::string> live, Clock::time_point sent) {
  std::sort(live.begin(), live.end());
  std::lock_guard presence(presence_mutex_);
  redis_live_ = std::move(live);
  redis_live_until_ = ticks(sent + lease_ - margin_);
  recheck_presence();
}

std::vector<std::string> StorePresence::live_on_redis() const {
  std::lock_guard presence(presence_mutex_);
  return redis_live_;
}

}  // namespace canopy::cache
