// Each job loops on its own timer until stopping; a failure is logged and tried again at the
// next interval, never ending the job.
#include "main/background_jobs.hpp"

#include <spdlog/spdlog.h>

#include "store/retention.hpp"

namespace canopy::cli {

BackgroundJobs::BackgroundJobs(const AppConfig& config, const Clock& clock, store::Store& store,
                               asio::io_context& io, exec::BlockingPool& blocking,
                               cache::SharedCache* shared, Readiness& readiness,
                               PolicyReloads& reloads, consent::Changes& changes)
    : config_(config),
      clock_(clock),
      store_(store),
      io_(io),
      blocking_(blocking),
      shared_(shared),
      readiness_(readiness),
      reloads_(reloads),
      changes_(changes),
      housekeeping_timer_(io),
      expiry_timer_(io),
      readiness_timer_(io),
      epoch_timer_(io) {}

void BackgroundJobs::start() {
  asio::co_spawn(io_, housekeeping(), asio::detached);
  if (config_.request_expiry.count() > 0) asio::co_spawn(io_, expire_requests(), asio::detached);
  asio::co_spawn(io_, watch_readiness(), asio::detached);
  if (shared_) asio::co_spawn(io_, watch_revocation_epoch(), asio::detached);
}

void BackgroundJobs::cancel() {
  housekeeping_timer_.cancel();
  expiry_timer_.cancel();
  readiness_timer_.cancel();
  epoch_timer_.cancel();
}

void BackgroundJobs::join() {
  probe_.join();
  epoch_probe_.join();
}

// Every interval, on the probe's own thread: does the store answer? A probe that hangs (the
// database unreachable) leaves the last answer to age, and /readyz turns 503 after three
// intervals without waiting for it.
asio::awaitable<void> BackgroundJobs::watch_readiness() {
  using Store = Readiness::Store;
  const bool waits = config_.migrations == AppConfig::Migrations::wait;
  while (!readiness_.stopping()) {
    readiness_timer_.expires_after(config_.readiness_interval);
    boost::system::error_code ec;
    co_await readiness_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || readiness_.stopping()) co_return;
    bool answers = false;
    int version = 0;
    std::string why;
    co_await probe_.run([&] {
      try {
        version = store_.schema_version();
        answers = version > 0 || waits;
      } catch (const std::exception& e) {
        why = e.what();
      }
    });
    const Store found = !answers                                    ? Store::silent
                        : version >= store_.latest_schema_version() ? Store::current
                                                                    : Store::behind;
    // Once: files that disagree with the store wait for a reload, not for the next probe.
    if (found == Store::current && readiness_.state().grants == Readiness::Grants::unchecked)
      co_await probe_.run([&] { reloads_.reconcile_in_force(); });
    const Store before = readiness_.store_probed(found);
    if (before != Store::silent && found == Store::silent) {
      if (waits)
        spdlog::warn(
            "not ready: the store has no schema yet (run `canopy migrate`), or does not "
            "answer: {}",
            why);
      else
        spdlog::warn("not ready: the store does not answer: {}", why);
    }
    if (before != Store::current && found == Store::current && waits)
      spdlog::info("the store's schema is at version {}: ready", version);
  }
}

// Replicas only, every heartbeat interval, on the poll's own thread: the store's revocation
// epoch. Each answer keeps level 1 usable for a lease from the poll's start; a poll that fails
// or hangs lets that lapse (docs/design/revocation.md, "Revocation without Redis").
asio::awaitable<void> BackgroundJobs::watch_revocation_epoch() {
  auto last_warning = std::chrono::steady_clock::time_point{};
  while (!readiness_.stopping()) {
    const auto started = std::chrono::steady_clock::now();
    store::EpochPoll poll;
    std::string why;
    co_await epoch_probe_.run([&] {
      try {
        // A replica absent from the store's record for a few leases starts a new run of polls.
        const auto now = clock_.now();
        const auto window = 3 * config_.redis.lease;
        poll = store_.poll_epoch(shared_->id(), now, now - window, now - window);
      } catch (const std::exception& e) {
        why = e.what();
      }
    });
    if (poll.epoch > 0) {
      shared_->store_polled(poll.epoch, std::move(poll.live), started);
    } else if (std::chrono::steady_clock::now() - last_warning > std::chrono::seconds(10)) {
      last_warning = std::chrono::steady_clock::now();
      spdlog::warn("the revocation epoch could not be read ({}): level 1 is not used until it is",
                   why);
    }
    epoch_timer_.expires_at(started + config_.redis.heartbeat);
    boost::system::error_code ec;
    co_await epoch_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || readiness_.stopping()) co_return;
  }
}

void BackgroundJobs::leave_store_record() {
  if (!shared_) return;
  try {
    store_.forget_replica(shared_->id());
  } catch (const std::exception& e) {
    spdlog::warn("could not remove this replica from the store's record of polls: {}", e.what());
  }
}

// Every interval, on the blocking pool: what the retention no longer keeps is deleted. A
// failure (the store down) is logged and tried again next time.
asio::awaitable<void> BackgroundJobs::housekeeping() {
  while (!readiness_.stopping()) {
    housekeeping_timer_.expires_after(config_.housekeeping_interval);
    boost::system::error_code ec;
    co_await housekeeping_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || readiness_.stopping()) co_return;
    try {
      store::RetentionReport report;
      co_await blocking_.run(
          [&] { report = store::apply_retention(store_, clock_.now(), config_.retention); });
      if (report.total() > 0) {
        spdlog::info(
            "housekeeping: deleted {} expired sessions, {} sign-in attempts, {} idempotency "
            "keys, {} replica records, {} partner events, {} connect links",
            report.sessions, report.logins, report.idempotency_keys, report.replica_records,
            report.partner_events, report.connect_links);
      }
    } catch (const std::exception& e) {
      spdlog::warn(
          "housekeeping failed, trying again in {} s: {}",
          std::chrono::duration_cast<std::chrono::seconds>(config_.housekeeping_interval).count(),
          e.what());
    }
  }
}

// Every interval: pending requests older than the expiry expire, through the connection-change
// use case (audited, the partner told, every replica's cache updated). Every replica runs it:
// each expiry is one revision-checked commit, so two replicas never expire one request twice.
asio::awaitable<void> BackgroundJobs::expire_requests() {
  constexpr std::size_t kPerRound = 500;
  while (!readiness_.stopping()) {
    expiry_timer_.expires_after(config_.expiry_interval);
    boost::system::error_code ec;
    co_await expiry_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || readiness_.stopping()) co_return;
    try {
      const std::size_t expired =
          co_await changes_.expire_requests(clock_.now() - config_.request_expiry, kPerRound);
      if (expired > 0) {
        spdlog::info("expired {} connection request(s) older than {} days", expired,
                     config_.request_expiry.count());
      }
    } catch (const std::exception& e) {
      spdlog::warn("expiring requests failed, trying again later: {}", e.what());
    }
  }
}

}  // namespace canopy::cli
