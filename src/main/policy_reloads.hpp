// Putting a policies directory in force while serving: a reload (SIGHUP, or POST
// /internal/v1/policies/reload) and, with --migrations wait, the first check of the policies
// loaded at start against the permission sets the store records. One at a time.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>

#include <boost/asio/signal_set.hpp>

#include "api/services.hpp"
#include "core/time.hpp"
#include "exec/blocking_pool.hpp"
#include "http/asio.hpp"
#include "main/readiness.hpp"
#include "policy/live.hpp"
#include "store/store.hpp"

namespace canopy::cli {

class PolicyReloads {
 public:
  PolicyReloads(std::filesystem::path directory, policy::LivePolicies& policies,
                store::Store& store, const Clock& clock, Readiness& readiness);
  PolicyReloads(const PolicyReloads&) = delete;
  PolicyReloads& operator=(const PolicyReloads&) = delete;

  // Loads the directory again and puts it in force; a directory that does not validate, or that
  // disagrees with the store, changes nothing, and every problem is logged and returned.
  // Blocking (files and store).
  api::PolicyReload reload();
  // --migrations wait, once the schema is current: the policies loaded at start are checked
  // against (and recorded in) the store; until then the replica is not ready. Blocking.
  void reconcile_in_force();
  // Reloads on every SIGHUP, on `blocking`, until the readiness says stopping.
  void reload_on_hangup(asio::io_context& io, exec::BlockingPool& blocking);
  // On the io_context given to reload_on_hangup(): no more SIGHUP watching.
  void stop_hangups();

  // Reloads refused since the start.
  std::uint64_t refused() const { return refused_.load(); }

 private:
  std::filesystem::path directory_;
  policy::LivePolicies& policies_;
  store::Store& store_;
  const Clock& clock_;
  Readiness& readiness_;
  std::mutex mutex_;  // one reload at a time
  std::atomic<std::uint64_t> refused_{0};
  std::unique_ptr<asio::signal_set> hangups_;
};

}  // namespace canopy::cli
