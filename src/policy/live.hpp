// The policies in force, replaceable while the service runs (SIGHUP, `canopy policies reload`).
// Readers ask for what they need at each use (find_app, apps) or take current() once for a
// whole step. Every catalogue ever loaded stays alive until the process ends, so a reference
// taken before a reload stays valid: reloads are rare, and a catalogue is tens of kilobytes.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "policy/snapshot.hpp"

namespace canopy::policy {

class LivePolicies {
 public:
  explicit LivePolicies(std::shared_ptr<const PolicySnapshot> initial, std::string digest = {});
  LivePolicies(const LivePolicies&) = delete;
  LivePolicies& operator=(const LivePolicies&) = delete;

  const PolicySnapshot& current() const { return *current_.load(std::memory_order_acquire); }
  const App* find_app(std::string_view id) const { return current().find_app(id); }
  const std::vector<App>& apps() const { return current().apps(); }

  // Puts `next` in force for every reader from now on.
  void replace(std::shared_ptr<const PolicySnapshot> next, std::string digest);
  // The same files, amended (earlier versions restored from the store): in force from now on,
  // with the same digest, and not counted as a reload.
  void amend(std::shared_ptr<const PolicySnapshot> next);

  // What is in force: the digest of its files, and when it was loaded.
  struct Loaded {
    std::string digest;
    std::chrono::system_clock::time_point at;
    std::size_t generation = 0;  // 0 for the first load, then one more per replace()
  };
  Loaded loaded() const;

 private:
  mutable std::mutex mutex_;  // kept_ and loaded_
  std::vector<std::shared_ptr<const PolicySnapshot>> kept_;
  Loaded loaded_;
  std::atomic<const PolicySnapshot*> current_;
};

}  // namespace canopy::policy
