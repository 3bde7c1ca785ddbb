// Whether this replica should get traffic: what /readyz and canopy_ready answer. One state,
// changed only by the named transitions below, each made from one place: the store probe
// (background_jobs.cpp), a policy load (policy_reloads.cpp), drain() and stop() (application.cpp).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace canopy::cache {
class SharedCache;
}

namespace canopy::cli {

class Readiness {
 public:
  // The process's life. Only forward: serving -> draining -> stopping, or serving -> stopping.
  enum class Life : std::uint8_t {
    serving,   // from the start
    draining,  // SIGTERM: the listeners serve on for the shutdown delay, but /readyz says 503
               // so that the load balancer stops sending
    stopping,  // stop(): listeners closed, background jobs ending; never ready again
  };
  // What the last probe of the store found.
  enum class Store : std::uint8_t {
    current,  // it answered, with a schema at least this binary's (an older binary stays
              // ready on a newer schema: a rolling upgrade migrates first)
    behind,   // it answered with an older schema: --migrations wait until the migration job
              // has run; also the state with --migrations wait before the first probe
    silent,   // it did not answer (or, migrating itself, had no schema)
  };
  // The policies in force against the permission sets the store records.
  enum class Grants : std::uint8_t {
    unchecked,   // --migrations wait: checked by the probe once the schema is current
    refused,     // they disagree: not ready until a reload puts agreeing files in force (the
                 // probe does not try again: the files will not change by themselves)
    reconciled,  // checked and recorded: by create() when it migrates, the probe, or a reload
  };
  // With Redis, not ready until its first connection; from then on a Redis outage is served
  // from the store, so it no longer makes the replica unready.
  enum class Redis : std::uint8_t { unused, awaited, seen };

  struct State {
    Life life;
    Store store;
    Grants grants;
    Redis redis;
  };

  // `migrated`: create() migrated the store and reconciled the grants (--migrations apply).
  // `shared`: the Redis level, or null. A probe older than three `interval`s is not ready.
  Readiness(bool migrated, const cache::SharedCache* shared, std::chrono::milliseconds interval);
  Readiness(const Readiness&) = delete;
  Readiness& operator=(const Readiness&) = delete;

  // Serving, the store current, the grants reconciled, Redis seen (when used) and the last probe
  // recent. Never blocks.
  bool ready() const;
  State state() const { return state_.load(); }
  bool stopping() const { return state().life == Life::stopping; }

  // serving -> draining; false (and nothing changes) when already draining or stopping.
  bool drain();
  // Any -> stopping.
  void stop();
  // The probe's finding, and when it finished; returns what the previous probe had found.
  Store store_probed(Store found);
  // unchecked or refused -> reconciled (the probe recorded the grants, or a reload applied).
  void grants_reconciled();
  // unchecked -> refused (the probe found the files disagree with the store).
  void grants_refused();

 private:
  template <class Change>
  State update(Change change) const;

  const cache::SharedCache* shared_;
  std::chrono::milliseconds interval_;
  // mutable: ready() may note that Redis has been seen, a one-way step.
  mutable std::atomic<State> state_;
  std::atomic<std::int64_t> probed_at_ms_;  // steady clock
  static_assert(std::atomic<State>::is_always_lock_free);
};

}  // namespace canopy::cli
