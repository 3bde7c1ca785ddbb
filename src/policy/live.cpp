#include "policy/live.hpp"

#include <stdexcept>

namespace canopy::policy {

LivePolicies::LivePolicies(std::shared_ptr<const PolicySnapshot> initial, std::string digest)
    : loaded_{std::move(digest), std::chrono::system_clock::now(), 0}, current_(initial.get()) {
  if (!initial) throw std::invalid_argument("LivePolicies needs a catalogue");
  kept_.push_back(std::move(initial));
}

void LivePolicies::replace(std::shared_ptr<const PolicySnapshot> next, std::string digest) {
  if (!next) throw std::invalid_argument("LivePolicies::replace needs a catalogue");
  std::lock_guard lock(mutex_);
  current_.store(next.get(), std::memory_order_release);
  kept_.push_back(std::move(next));
  loaded_ = {std::move(digest), std::chrono::system_clock::now(), loaded_.generation + 1};
}

void LivePolicies::amend(std::shared_ptr<const PolicySnapshot> next) {
  if (!next) throw std::invalid_argument("LivePolicies::amend needs a catalogue");
  std::lock_guard lock(mutex_);
  current_.store(next.get(), std::memory_order_release);
  kept_.push_back(std::move(next));
}

LivePolicies::Loaded LivePolicies::loaded() const {
  std::lock_guard lock(mutex_);
  return loaded_;
}

}  // namespace canopy::policy
