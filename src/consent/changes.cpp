// The connection-change protocol: epoch, holds, commit, settle, publish, in that order.
#include "consent/changes.hpp"

#include <exception>
#include <functional>
#include <optional>

namespace canopy::consent {

using Written = Result<std::vector<store::Connection>>;

asio::awaitable<Result<std::vector<store::Connection>>> Changes::commit(
    std::vector<cache::HoldRequest> takes_away, Commit work) {
  // The revocation epoch before the transaction: what the published entries are trusted under.
  const std::int64_t epoch = shared_ != nullptr ? shared_->epoch() : 0;
  auto protection = co_await revoker_.protect(std::move(takes_away));
  std::optional<Result<std::vector<store::Connection>>> written;
  std::exception_ptr too_late;
  try {
    co_await blocking_.run([&] { written = work(protection.guard()); });
  } catch (const store::CommitTooLate&) {
    too_late = std::current_exception();  // rolled back: the holds guard nothing now
  }
  // Any other failure throws through with the holds kept: a failed MySQL COMMIT may still have
  // committed, and the holds keep every replica reading the store for these pairs.
  if (too_late || !*written) {
    co_await revoker_.abandon(protection);
    if (too_late) std::rethrow_exception(too_late);
    co_return std::move(*written);
  }
  co_await revoker_.settle(protection);
  co_await publish(**written, epoch);
  co_return std::move(*written);
}

asio::awaitable<void> Changes::publish(const std::vector<store::Connection>& written,
                                       std::int64_t epoch) {
  if (shared_ == nullptr || written.empty()) co_return;
  std::vector<cache::Published> changes;
  changes.reserve(written.size());
  for (const auto& c : written)
    changes.push_back({c.school_id, c.app_id, cache_entry_for(c), epoch});
  co_await shared_->publish_all(std::move(changes));
}

asio::awaitable<Result<RequestOutcome>> Changes::request(const policy::App& app,
                                                         std::string school_id, RequestIds ids) {
  std::optional<Result<RequestOutcome>> outcome;
  // No protection: before the connection existed every replica could only deny
  // (not_requested), and connections are never deleted, so a request takes nothing away and
  // its guard stays empty.
  auto written = co_await commit({}, [&](const store::CommitGuard&) -> Written {
    outcome.emplace(consent_.request(app, school_id, ids));
    if (!*outcome) return outcome->error();
    std::vector<store::Connection> created;
    if ((*outcome)->created) created.push_back((*outcome)->connection);
    return created;
  });
  if (!written) co_return written.error();
  co_return std::move(*outcome);
}

asio::awaitable<Result<LinkApproved>> Changes::approve_through_link(
    ConnectApprovals& approvals, std::string token, std::string ticket,
    ConnectApprovals::Consent consent, RequestIds ids) {
  constexpr int kAttempts = 5;
  std::optional<Result<LinkApproved>> approved;
  auto written = co_await commit({}, [&](const store::CommitGuard&) -> Written {
    for (int attempt = 0; attempt < kAttempts && !approved; ++attempt) {
      if (auto once = approvals.approve_once(token, ticket, consent, ids))
        approved.emplace(std::move(*once));
    }
    if (!approved)
      approved.emplace(
          make_error(Errc::concurrent_change, "the connection kept changing; try again"));
    if (!*approved) return approved->error();
    std::vector<store::Connection> changed;
    if ((*approved)->changed) changed.push_back((*approved)->connection);
    return changed;
  });
  if (!written) co_return written.error();
  co_return std::move(*approved);
}

asio::awaitable<Result<Decided>> Changes::decide_once(const tenancy::Actor& actor,
                                                      const std::string& app_id, AdminAction action,
                                                      RequestIds ids,
                                                      std::optional<std::int64_t> at_revision,
                                                      std::vector<cache::HoldRequest> takes_away,
                                                      const DecisionInput& input) {
  std::optional<Result<Decided>> decided;
  auto written =
      co_await commit(std::move(takes_away), [&](const store::CommitGuard& guard) -> Written {
        decided.emplace(
            consent_.decide_with_app(actor, app_id, action, ids, at_revision, guard, input));
        if (!*decided) return decided->error();
        // A cancel changes nothing: nothing to publish.
        std::vector<store::Connection> changed;
        if (action != AdminAction::cancel) changed.push_back((*decided)->connection);
        return changed;
      });
  if (!written) co_return written.error();
  co_return std::move(*decided);
}

asio::awaitable<Result<Decided>> Changes::decide(const tenancy::Actor& actor, std::string app_id,
                                                 AdminAction action, RequestIds ids,
                                                 DecisionInput input) {
  if (action != AdminAction::reject || shared_ == nullptr) {
    // Takes no allow away, or there is nobody else to tell (embedded): the decision checks,
    // and retries a moved connection, by itself, in one hop.
    co_return co_await decide_once(actor, app_id, action, ids, std::nullopt, {}, input);
  }
  for (int attempt = 0; attempt < revoker_.config().attempts; ++attempt) {
    std::optional<Result<store::Connection>> checked;
    co_await blocking_.run(
        [&] { checked = consent_.check_decision(actor, app_id, AdminAction::reject); });
    if (!*checked) co_return checked->error();
    const store::Connection& current = **checked;
    // Only an approved connection allows anything; rejecting a pending one takes nothing away.
    std::vector<cache::HoldRequest> takes_away;
    if (current.status == ConnectionStatus::approved)
      takes_away.push_back({current.school_id, current.app_id, current.revision});
    auto decided = co_await decide_once(actor, app_id, AdminAction::reject, ids, current.revision,
                                        std::move(takes_away), input);
    if (decided || decided.error().code != Errc::concurrent_change) co_return decided;
  }
  co_return make_error(Errc::concurrent_change, "the connection kept changing; try again");
}

asio::awaitable<std::size_t> Changes::expire_requests(TimePoint cutoff, std::size_t limit) {
  std::vector<store::Connection> stale;
  co_await blocking_.run([&] { stale = consent_.stale_requests(cutoff, limit); });
  std::size_t expired = 0;
  for (const auto& request : stale) {
    auto written = co_await commit({}, [&](const store::CommitGuard&) -> Written {
      // The revision check keeps a request decided since as decided.
      std::vector<store::Connection> changed;
      if (auto now_expired = consent_.expire_request(request, "request-expiry"))
        changed.push_back(std::move(*now_expired));
      return changed;
    });
    if (written && !written->empty()) ++expired;
  }
  co_return expired;
}

asio::awaitable<Result<std::vector<store::Connection>>> Changes::apply_bulk(
    BulkPlan plan, const KeptAnswer& keep) {
  // Every pair whose approval the batch takes away, at the revision the plan read.
  std::vector<cache::HoldRequest> takes_away;
  for (std::size_t i = 0; i < plan.changes.size(); ++i) {
    const auto& change = plan.changes[i].change;
    if (plan.current[i].status == ConnectionStatus::approved &&
        change.to == ConnectionStatus::rejected) {
      takes_away.push_back({change.school_id, change.app_id, plan.current[i].revision});
    }
  }
  co_return co_await commit(std::move(takes_away), [&](const store::CommitGuard& guard) -> Written {
    // An exception (the store failed, perhaps at COMMIT) also gives the key back on its way
    // out: the release deletes the claim only while it is still running, which the commit
    // would have ended, so a key whose batch committed is never given back.
    try {
      const store::BatchAnswer answer{
          .claim = keep.claim, .encode = std::cref(keep.encode), .at = clock_.now()};
      auto applied = consent_.apply_bulk(std::move(plan), guard, &answer);
      if (!applied) keep.give_back();
      return applied;
    } catch (...) {
      keep.give_back();
      throw;
    }
  });
}

}  // namespace canopy::consent
