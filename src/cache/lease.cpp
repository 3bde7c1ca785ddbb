// Renewing and ending the lease; every moment is given by the caller.
#include "cache/lease.hpp"

namespace canopy::cache {

std::uint64_t Lease::sending(Clock::time_point sent) {
  std::lock_guard lock(mutex_);
  const std::uint64_t nonce = next_nonce_++;
  sent_[nonce] = sent;
  while (sent_.size() > 64)
    sent_.erase(sent_.begin());
  return nonce;
}

void Lease::came_back(std::uint64_t nonce, Clock::time_point now) {
  Clock::time_point sent;
  {
    std::lock_guard lock(mutex_);
    auto it = sent_.find(nonce);
    if (it == sent_.end()) return;
    sent = it->second;
  }
  unheard_since_.store(0);
  const auto until = ticks(sent + lease_ - margin_);
  auto current = fresh_until_.load(std::memory_order_acquire);
  if (current <= ticks(now)) level1_.clear();  // lapsed: messages may have been missed
  while (until > current &&
         !fresh_until_.compare_exchange_weak(current, until, std::memory_order_acq_rel)) {
  }
}

bool Lease::stalled(Clock::time_point at) {
  const auto now = ticks(at);
  std::int64_t none = 0;
  if (!unheard_since_.compare_exchange_strong(none, now) &&
      now - none > std::chrono::nanoseconds(lease_).count()) {
    unheard_since_.store(0);
    return true;
  }
  return false;
}

void Lease::subscribed() {
  unheard_since_.store(0);
  fresh_until_.store(0, std::memory_order_release);
  level1_.clear();
}

}  // namespace canopy::cache
