// A reload swaps the whole directory or nothing: LivePolicies keeps every catalogue it loaded,
// so readers holding the previous one never dangle.
#include "main/policy_reloads.hpp"

#include <csignal>

#include <spdlog/spdlog.h>

#include "consent/grants.hpp"

namespace canopy::cli {

PolicyReloads::PolicyReloads(std::filesystem::path directory, policy::LivePolicies& policies,
                             store::Store& store, const Clock& clock, Readiness& readiness)
    : directory_(std::move(directory)),
      policies_(policies),
      store_(store),
      clock_(clock),
      readiness_(readiness) {}

api::PolicyReload PolicyReloads::reload() {
  std::lock_guard lock(mutex_);
  api::PolicyReload out;
  // Nothing changes; every problem is logged and answered.
  const auto refuse = [&](std::vector<std::string> problems, std::string_view why) {
    ++refused_;
    for (const auto& p : problems)
      spdlog::error("policy reload: {}", p);
    spdlog::error("policy reload refused: {} {}; the policies in force ({}) stay",
                  directory_.string(), why, policies_.loaded().digest);
    out.problems = std::move(problems);
    return std::move(out);
  };
  auto loaded = policy::load_policies(directory_);
  if (!loaded.snapshot) return refuse(std::move(loaded.errors), "did not validate");
  auto reconciled = consent::reconcile_grants(loaded.snapshot, store_, clock_.now());
  if (!reconciled) {
    return refuse({reconciled.error().message},
                  "disagrees with the permission sets recorded in the store");
  }
  const auto before = policies_.loaded().digest;
  policies_.replace(std::move(reconciled->snapshot), std::move(loaded.digest));
  readiness_.grants_reconciled();
  out.loaded = policies_.loaded();
  spdlog::info("policy reload: {} in force (was {}), {} apps", out.loaded->digest, before,
               policies_.apps().size());
  return out;
}

void PolicyReloads::reconcile_in_force() {
  std::lock_guard lock(mutex_);
  try {
    auto current = std::shared_ptr<const policy::PolicySnapshot>(
        std::shared_ptr<void>(), &policies_.current());  // kept alive by policies_
    auto reconciled = consent::reconcile_grants(current, store_, clock_.now());
    if (!reconciled) {
      spdlog::error(
          "not ready: {}: the policies disagree with the permission sets recorded in "
          "the store (fix the files and reload): {}",
          directory_.string(), reconciled.error().message);
      readiness_.grants_refused();
      return;
    }
    if (reconciled->restored > 0) policies_.amend(std::move(reconciled->snapshot));
    readiness_.grants_reconciled();
  } catch (const std::exception& e) {
    spdlog::warn("not ready: the permission sets could not be recorded: {}", e.what());
  }
}

void PolicyReloads::reload_on_hangup(asio::io_context& io, exec::BlockingPool& blocking) {
  hangups_ = std::make_unique<asio::signal_set>(io, SIGHUP);
  // Each SIGHUP reloads on the blocking pool (files are read there), then waits for the next.
  struct Watch {
    PolicyReloads* reloads;
    asio::io_context* io;
    exec::BlockingPool* blocking;
    void operator()(const boost::system::error_code& ec, int) const {
      if (ec || reloads->readiness_.stopping()) return;
      spdlog::info("SIGHUP: reloading the policies from {}", reloads->directory_.string());
      asio::co_spawn(
          *io,
          [reloads = reloads, blocking = blocking]() -> asio::awaitable<void> {
            co_await blocking->run([reloads] { (void)reloads->reload(); });
          },
          asio::detached);
      reloads->hangups_->async_wait(*this);
    }
  };
  hangups_->async_wait(Watch{this, &io, &blocking});
}

void PolicyReloads::stop_hangups() {
  if (hangups_) {
    boost::system::error_code ignored;
    hangups_->cancel(ignored);
  }
}

}  // namespace canopy::cli
