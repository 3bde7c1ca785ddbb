// The revocation protocol, for one reject and for a batch. Holds first, then a commit at the
// revisions read, then the publish; a failure before the commit takes the holds back.
#include "revocation/revoker.hpp"

#include <algorithm>
#include <exception>
#include <optional>
#include <utility>

#include <spdlog/spdlog.h>

#include "core/error.hpp"

namespace canopy::revocation {
namespace {

using SteadyClock = std::chrono::steady_clock;

// While alive, this replica sends no heartbeats (SharedLevel::withdraw): for a change committed
// without holds.
class Withdrawal {
 public:
  explicit Withdrawal(cache::SharedLevel& shared) : shared_(shared) { shared_.withdraw(); }
  ~Withdrawal() { shared_.rejoin(); }
  Withdrawal(const Withdrawal&) = delete;
  Withdrawal& operator=(const Withdrawal&) = delete;

 private:
  cache::SharedLevel& shared_;
};

// The entry a committed connection leaves, to publish.
cache::Published published(const store::Connection& c, std::int64_t epoch) {
  return {c.school_id, c.app_id, consent::cache_entry_for(c), epoch};
}

}  // namespace

store::CommitGuard Revoker::guard_for(bool held, SteadyClock::time_point placed) const {
  if (!held) return {.advance_epoch = true};
  return {.commit_by = placed + config_.commit_within};
}

void Revoker::count_holds(std::size_t pairs, SteadyClock::time_point placed) const {
  if (config_.metrics == nullptr) return;
  config_.metrics->holds_placed(pairs,
                                std::chrono::duration<double>(SteadyClock::now() - placed).count());
}

asio::awaitable<void> Revoker::check_unheld_allowed() {
  const auto deadline = SteadyClock::now() + config_.catch_up;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    std::vector<store::ReplicaPresence> seen;
    co_await blocking_.run(
        [&] { seen = store_.replicas_seen(clock_.now() - config_.without_store); });
    const auto me = std::find_if(seen.begin(), seen.end(),
                                 [&](const auto& r) { return r.id == shared_->id(); });
    std::vector<std::string> behind;
    if (me != seen.end()) {
      for (const auto& r : seen) {
        if (r.id != me->id && r.seen < me->first_seen + config_.skew) behind.push_back(r.id);
      }
      if (behind.empty()) co_return;
    }
    if (SteadyClock::now() >= deadline) {
      std::string who;
      for (const auto& id : behind)
        who += (who.empty() ? "" : ", ") + id;
      throw UnavailableError(
          me == seen.end()
              ? "this replica has not polled the store yet, and cannot reach Redis"
              : "this replica cannot reach Redis, and replica(s) " + who +
                    " have not polled the store since it started: they may be answering from "
                    "Redis alone, so a reject cannot be made sure of");
    }
    timer.expires_after(std::chrono::milliseconds(100));
    co_await timer.async_wait(asio::use_awaitable);
  }
}

asio::awaitable<void> Revoker::settle_unheld() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_at(shared_->unheld_commit_settled(SteadyClock::now()));
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<Result<store::Connection>> Revoker::reject(const tenancy::Actor& actor,
                                                           std::string app_id,
                                                           consent::RequestIds ids) {
  if (shared_ == nullptr) {
    // Embedded: nobody else to tell. The decision checks, and retries a moved connection,
    // by itself, in one hop.
    std::optional<Result<store::Connection>> decided;
    co_await blocking_.run(
        [&] { decided = consent_.decide(actor, app_id, AdminAction::reject, ids); });
    co_return std::move(*decided);
  }
  for (int attempt = 0; attempt < config_.attempts; ++attempt) {
    std::optional<Result<store::Connection>> checked;
    co_await blocking_.run(
        [&] { checked = consent_.check_decision(actor, app_id, AdminAction::reject); });
    if (!*checked) co_return checked->error();
    const store::Connection current = std::move(**checked);
    // The epoch before the transaction: what the published entry is trusted under.
    const std::int64_t epoch = shared_->epoch();
    // Only an approved connection allows anything; rejecting a pending one takes nothing away.
    const bool takes_allow = current.status == ConnectionStatus::approved;
    std::optional<cache::Hold> hold;
    std::optional<Withdrawal> withdrawn;
    store::CommitGuard guard;
    if (takes_allow) {
      const auto placed = SteadyClock::now();
      try {
        hold = co_await shared_->hold(current.school_id, current.app_id, current.revision);
        count_holds(1, placed);
      } catch (const UnavailableError& e) {
        spdlog::warn("reject of {}/{} without holds ({}): committing with a new revocation epoch",
                     current.school_id, current.app_id, e.what());
      }
      if (!hold) {
        if (config_.metrics) config_.metrics->unheld_revocation();
        withdrawn.emplace(*shared_);
        co_await check_unheld_allowed();
      }
      guard = guard_for(hold.has_value(), placed);
    }
    std::optional<Result<store::Connection>> decided;
    std::exception_ptr failed;
    try {
      co_await blocking_.run([&] {
        decided = consent_.decide(actor, app_id, AdminAction::reject, ids, current.revision, guard);
      });
    } catch (const store::CommitTooLate&) {
      failed = std::current_exception();  // rolled back: the hold guards nothing now
    }
    // Any other failure throws through with the hold kept: a failed MySQL COMMIT may still have
    // committed, and the hold keeps every replica reading the store for this pair.
    if (failed) {
      if (hold) co_await shared_->release(current.school_id, current.app_id, std::move(*hold));
      std::rethrow_exception(failed);
    }
    if (*decided) {
      if (guard.advance_epoch) co_await settle_unheld();
      std::vector<cache::Published> change{published(**decided, epoch)};
      co_await shared_->publish_all(std::move(change));
      co_return std::move(*decided);
    }
    if (hold) co_await shared_->release(current.school_id, current.app_id, std::move(*hold));
    if (decided->error().code != Errc::concurrent_change) co_return std::move(*decided);
  }
  co_return make_error(Errc::concurrent_change, "the connection kept changing; try again");
}

asio::awaitable<Result<std::vector<store::Connection>>> Revoker::apply(consent::BulkPlan& plan,
                                                                       Commit commit) {
  if (shared_ == nullptr) {
    // Embedded: nothing to hold, nobody to tell.
    std::optional<Result<std::vector<store::Connection>>> applied;
    co_await blocking_.run([&] { applied = commit({}); });
    co_return std::move(*applied);
  }
  const std::int64_t epoch = shared_->epoch();
  // Every pair whose approval the batch takes away is held at the revision the plan read: one
  // Redis script per chunk of pairs, one announcement, one wait for the acknowledgements.
  std::vector<cache::HoldRequest> wanted;
  std::vector<cache::HeldPair> holds;
  for (std::size_t i = 0; i < plan.changes.size(); ++i) {
    const auto& change = plan.changes[i].change;
    if (plan.current[i].status != ConnectionStatus::approved ||
        change.to != ConnectionStatus::rejected) {
      continue;
    }
    wanted.push_back({change.school_id, change.app_id, plan.current[i].revision});
    holds.push_back({change.school_id, change.app_id, {}});
  }
  store::CommitGuard guard;
  std::optional<Withdrawal> withdrawn;
  if (!wanted.empty()) {
    const auto placed = SteadyClock::now();
    bool held = false;
    try {
      auto placed_holds = co_await shared_->hold_all(std::move(wanted));
      for (std::size_t k = 0; k < holds.size(); ++k)
        holds[k].hold = std::move(placed_holds.at(k));
      held = true;
      count_holds(holds.size(), placed);
    } catch (const UnavailableError& e) {
      spdlog::warn(
          "bulk decision taking {} approvals away without holds ({}): committing with "
          "a new revocation epoch",
          holds.size(), e.what());
      holds.clear();  // hold_all took back what it placed
    }
    if (!held) {
      if (config_.metrics) config_.metrics->unheld_revocation();
      withdrawn.emplace(*shared_);
      co_await check_unheld_allowed();
    }
    guard = guard_for(held, placed);
    for (auto& item : plan.changes)
      item.change.guard = guard;
  }
  std::optional<Result<std::vector<store::Connection>>> applied;
  std::exception_ptr failed;
  try {
    co_await blocking_.run([&] { applied = commit(guard); });
  } catch (const store::CommitTooLate&) {
    failed = std::current_exception();
  }
  if (failed || !*applied) {
    // Nothing was written (a conflict, or too late to commit): the holds guard nothing.
    if (!holds.empty()) co_await shared_->release_all(std::move(holds));
    if (failed) std::rethrow_exception(failed);
    co_return std::move(*applied);
  }
  if (guard.advance_epoch) co_await settle_unheld();
  std::vector<cache::Published> changes;
  changes.reserve((*applied)->size());
  for (const auto& c : **applied)
    changes.push_back(published(c, epoch));
  co_await shared_->publish_all(std::move(changes));
  co_return std::move(*applied);
}

}  // namespace canopy::revocation
