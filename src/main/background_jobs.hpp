// What a replica does besides answering requests, each on a timer on the first I/O worker:
// retention (housekeeping), the expiry of requests nobody decided, the store probe behind
// readiness, and, with Redis, the poll of the store's revocation epoch. Blocking work runs on
// pools, never on the I/O thread.
#pragma once

#include "cache/shared_cache.hpp"
#include "consent/changes.hpp"
#include "core/time.hpp"
#include "exec/blocking_pool.hpp"
#include "http/asio.hpp"
#include "main/app_config.hpp"
#include "main/policy_reloads.hpp"
#include "main/readiness.hpp"
#include "store/store.hpp"

namespace canopy::cli {

class BackgroundJobs {
 public:
  // `shared`: the Redis level, or null (then there is no epoch to poll). The jobs end once
  // `readiness` says stopping and cancel() has run.
  BackgroundJobs(const AppConfig& config, const Clock& clock, store::Store& store,
                 asio::io_context& io, exec::BlockingPool& blocking, cache::SharedCache* shared,
                 Readiness& readiness, PolicyReloads& reloads, consent::Changes& changes);
  BackgroundJobs(const BackgroundJobs&) = delete;
  BackgroundJobs& operator=(const BackgroundJobs&) = delete;

  // Spawns the jobs on `io`; they run once it does.
  void start();
  // On `io`: wakes every job, so that each sees it is stopping and ends.
  void cancel();
  // Waits for the probes' own threads once nothing runs on `io` any more.
  void join();
  // Replicas only: a clean stop leaves the store's record of polls, so that rejects made
  // without Redis do not wait for this replica (best effort: the record also ages out).
  void leave_store_record();

 private:
  asio::awaitable<void> housekeeping();
  asio::awaitable<void> expire_requests();
  asio::awaitable<void> watch_readiness();
  asio::awaitable<void> watch_revocation_epoch();

  const AppConfig& config_;
  const Clock& clock_;
  store::Store& store_;
  asio::io_context& io_;
  exec::BlockingPool& blocking_;
  cache::SharedCache* shared_;
  Readiness& readiness_;
  PolicyReloads& reloads_;
  consent::Changes& changes_;
  exec::BlockingPool probe_{1};        // the readiness probe's own thread
  exec::BlockingPool epoch_probe_{1};  // the revocation epoch's poll's own thread (replicas)
  asio::steady_timer housekeeping_timer_;
  asio::steady_timer expiry_timer_;
  asio::steady_timer readiness_timer_;
  asio::steady_timer epoch_timer_;
};

}  // namespace canopy::cli
