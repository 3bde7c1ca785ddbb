// Holds before a commit that takes allows away and their release when it does not happen; the
// commit without holds (a new revocation epoch) and the wait after it.
#include "revocation/revoker.hpp"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

#include "core/error.hpp"

namespace canopy::revocation {

using SteadyClock = std::chrono::steady_clock;

asio::awaitable<Protection> Revoker::protect(std::vector<cache::HoldRequest> pairs) {
  Protection out;
  if (shared_ == nullptr || pairs.empty()) co_return out;
  // Every pair is held at the revision its change was checked against: one Redis script per
  // chunk of pairs, one announcement, one wait for the acknowledgements.
  out.holds_.reserve(pairs.size());
  for (const auto& p : pairs)
    out.holds_.push_back({p.school, p.app, {}});
  const auto placed = SteadyClock::now();
  bool held = false;
  try {
    auto holds = co_await shared_->hold_all(std::move(pairs));
    for (std::size_t k = 0; k < out.holds_.size(); ++k)
      out.holds_[k].hold = std::move(holds.at(k));
    held = true;
    if (config_.metrics != nullptr) {
      config_.metrics->holds_placed(
          out.holds_.size(), std::chrono::duration<double>(SteadyClock::now() - placed).count());
    }
  } catch (const UnavailableError& e) {
    if (out.holds_.size() == 1) {
      spdlog::warn("reject of {}/{} without holds ({}): committing with a new revocation epoch",
                   out.holds_.front().school, out.holds_.front().app, e.what());
    } else {
      spdlog::warn(
          "bulk decision taking {} approvals away without holds ({}): committing with "
          "a new revocation epoch",
          out.holds_.size(), e.what());
    }
    out.holds_.clear();  // hold_all took back what it placed
  }
  if (!held) {
    if (config_.metrics != nullptr) config_.metrics->unheld_revocation();
    // No heartbeats from here until the change is answered: see SharedLevel::withdraw.
    shared_->withdraw();
    out.withdrawn_.reset(shared_);
    co_await check_unheld_allowed();
    out.guard_ = {.advance_epoch = true};
  } else {
    out.guard_ = {.commit_by = placed + config_.commit_within};
  }
  co_return out;
}

asio::awaitable<void> Revoker::abandon(Protection& protection) {
  // Nothing was written: the holds guard nothing.
  if (protection.holds_.empty()) co_return;
  co_await shared_->release_all(std::move(protection.holds_));
  protection.holds_.clear();
}

asio::awaitable<void> Revoker::settle(Protection& protection) {
  if (!protection.guard_.advance_epoch) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_at(shared_->unheld_commit_settled(SteadyClock::now()));
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
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

}  // namespace canopy::revocation
