// This replica's lease on level 1: it may answer from level 1 only within `lease - margin` of
// sending a heartbeat that has come back on the subscription. Redis delivers a channel's
// messages in order, so a replica that received its heartbeat has also applied every message
// published before it; losing the subscription ends the lease at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>

#include "cache/local_cache.hpp"
#include "cache/ticks.hpp"

namespace canopy::cache {

class Lease {
 public:
  using Clock = std::chrono::steady_clock;

  // A lapsed lease clears `level1` before it is renewed: messages may have been missed.
  Lease(std::chrono::milliseconds lease, std::chrono::milliseconds margin, LocalCache& level1)
      : lease_(lease), margin_(margin), level1_(level1) {}

  // Whether level 1 may answer at `now` (steady-clock ticks: the hot path reads the clock once).
  bool fresh_at(std::int64_t now) const {
    return now < fresh_until_.load(std::memory_order_acquire);
  }

  // A heartbeat is being sent at `sent`: the nonce it carries (the last 64 are remembered).
  std::uint64_t sending(Clock::time_point sent);
  // Heartbeat `nonce` came back at `now`: the lease runs to its send + lease - margin (never
  // back). Unknown nonces are ignored.
  void came_back(std::uint64_t nonce, Clock::time_point now);
  // Redis ran a heartbeat at `now`. Whether the subscription has delivered none for a whole
  // lease meanwhile: then it is stalled (a black hole keeps it open and silent) and must be
  // rebuilt; the count starts again.
  bool stalled(Clock::time_point now);
  // Level 1 is not trusted until a heartbeat comes back (the subscription was lost, or a read
  // of the store may put what level 2 held in front of it).
  void end() { fresh_until_.store(0, std::memory_order_release); }
  // The subscription is (again) confirmed: whatever was published while unsubscribed was lost,
  // so level 1 starts afresh.
  void subscribed();

 private:
  const std::chrono::milliseconds lease_;
  const std::chrono::milliseconds margin_;
  LocalCache& level1_;
  std::atomic<std::int64_t> fresh_until_{0};  // steady-clock nanoseconds
  // When Redis first ran a heartbeat that has not come back (0: none), in steady nanoseconds.
  std::atomic<std::int64_t> unheard_since_{0};
  std::mutex mutex_;  // guards the heartbeats in flight: which nonce was sent when
  std::map<std::uint64_t, Clock::time_point> sent_;
  std::uint64_t next_nonce_ = 1;
};

}  // namespace canopy::cache
