// What this replica knows of the store and of the other replicas: the store's revocation epoch
// and how recently it was polled (level 1 and level 2 are trusted only on a recent poll), and,
// for answering while the store cannot be reached, which replicas the store and Redis each saw
// lately and when this replica last heartbeat (docs/design/revocation.md, "Answering without the
// store").
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "cache/local_cache.hpp"
#include "cache/ticks.hpp"

namespace canopy::cache {

class StorePresence {
 public:
  using Clock = std::chrono::steady_clock;

  // A new epoch clears `level1`.
  StorePresence(std::chrono::milliseconds lease, std::chrono::milliseconds margin,
                std::chrono::milliseconds without_store, LocalCache& level1)
      : lease_(lease), margin_(margin), without_store_(without_store), level1_(level1) {}

  // The revocation epoch as last polled (0 before the first poll).
  std::int64_t epoch() const { return epoch_.load(std::memory_order_acquire); }
  // Whether a poll of the store started within lease - margin before `now` (steady ticks).
  bool store_fresh_at(std::int64_t now) const {
    return now < store_fresh_until_.load(std::memory_order_acquire);
  }
  // What a poll of the store that started at `started` found (see SharedCache::store_polled).
  void store_polled(std::int64_t epoch, std::vector<std::string> live, Clock::time_point started);
  // Within `without_store` of the last poll, on a recent heartbeat whose live replicas include
  // every replica that poll saw.
  bool answers_without_store(Clock::time_point now) const;
  // See SharedLevel::unheld_commit_settled.
  Clock::time_point unheld_commit_settled(Clock::time_point committed) const;

  // Unheld rejects in progress keep this replica from heartbeating (SharedLevel::withdraw).
  void withdraw();
  void rejoin();
  // Whether a heartbeat may be sent at `sent` (not while withdrawn). One that may reach Redis
  // (`connected`) is noted before it is sent: unheld_commit_settled counts from it.
  bool heartbeat_starts(Clock::time_point sent, bool connected);
  // The heartbeat sent at `sent` may have run after all (the connection came up meanwhile).
  void heartbeat_may_have_run(Clock::time_point sent);
  // Redis ran the heartbeat sent at `sent` and found these replicas registered.
  void heartbeat_answered(std::vector<std::string> live, Clock::time_point sent);
  std::vector<std::string> live_on_redis() const;

 private:
  void recheck_presence();  // under presence_mutex_

  const std::chrono::milliseconds lease_;
  const std::chrono::milliseconds margin_;
  const std::chrono::milliseconds without_store_;
  LocalCache& level1_;
  std::atomic<std::int64_t> epoch_{0};
  std::atomic<std::int64_t> store_fresh_until_{0};  // steady-clock nanoseconds
  // One store_polled at a time moves the epoch, so level 1 is cleared once per new epoch.
  std::mutex epoch_mutex_;
  // Guards what the store and Redis last saw of the replicas, and this one's heartbeats.
  mutable std::mutex presence_mutex_;
  std::vector<std::string> store_live_;   // sorted; from the last poll
  std::int64_t store_polled_at_ = 0;      // steady ns of that poll's start
  std::vector<std::string> redis_live_;   // sorted; from the last heartbeat reply
  std::int64_t redis_live_until_ = 0;     // that heartbeat's send + lease - margin
  bool everyone_on_redis_ = false;        // store_live_ within redis_live_
  int withdrawn_ = 0;                     // unheld rejects in progress: no heartbeats
  std::int64_t last_heartbeat_sent_ = 0;  // steady ns; a heartbeat that may have run
};

}  // namespace canopy::cache
