// Every change to a connection, as one use case: a partner's request, a school admin's approve,
// reject or cancel, an approval through an alternative connection's link, and a trust's bulk
// decision. Handlers call only this. The order of a
// change's steps is decided here and nowhere else: the revocation epoch, the holds of what the
// change takes away (revocation/), the commit on the blocking pool, then the publish.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "cache/shared_level.hpp"
#include "consent/connect_approvals.hpp"
#include "consent/service.hpp"
#include "exec/blocking_pool.hpp"
#include "http/asio.hpp"
#include "revocation/revoker.hpp"

namespace canopy::consent {

// What a committed batch leaves for the replays of its idempotency key, in its own transaction.
struct KeptAnswer {
  const store::IdempotencyRecord& claim;
  // The answer to replay, from the connections as written; called inside the transaction.
  std::function<store::EncodedOutcome(const std::vector<store::Connection>&)> encode;
  // Nothing was committed (a conflict, or the store failed): gives the key back so the client
  // can retry it. Runs on the blocking pool; never throws.
  std::function<void()> give_back;
};

class Changes {
 public:
  // `shared` is null in embedded mode: there is no other replica to tell then.
  Changes(Service& consent, revocation::Revoker& revoker, cache::SharedLevel* shared,
          exec::BlockingPool& blocking, const Clock& clock)
      : consent_(consent), revoker_(revoker), shared_(shared), blocking_(blocking), clock_(clock) {}

  // A partner app asks `school_id` for a connection (Service::request).
  asio::awaitable<Result<RequestOutcome>> request(const policy::App& app, std::string school_id,
                                                  RequestIds ids);
  // A school admin's approve, reject or cancel of `app_id` in the actor's school
  // (Service::decide). A reject of an approved connection is held on every replica at the
  // revision read and committed only at that revision (read again and retried when it moved);
  // when the holds cannot be placed it commits with a new revocation epoch instead and answers
  // once every replica has read that epoch or stopped trusting its caches. Throws
  // UnavailableError (store down, CommitTooLate, Redis and replicas out of reach), never having
  // answered a change that did not happen. `ids` and `actor` must outlive the call.
  asio::awaitable<Result<Decided>> decide(const tenancy::Actor& actor, std::string app_id,
                                          AdminAction action, RequestIds ids,
                                          DecisionInput input = {});
  // A school user approves through an alternative connection's link, holding the ticket they
  // were given when they signed in on it (ConnectApprovals::approve_once, tried again while the
  // connection moves). An approval takes no allow away: it needs no protection.
  asio::awaitable<Result<LinkApproved>> approve_through_link(ConnectApprovals& approvals,
                                                             std::string token, std::string ticket,
                                                             ConnectApprovals::Consent consent,
                                                             RequestIds ids);
  // Expires the pending requests made before `cutoff`, at most `limit` of them, each in its
  // own commit (a pending request allows nothing, so none needs protecting); the ones decided
  // meanwhile stay as decided. Returns how many expired.
  asio::awaitable<std::size_t> expire_requests(TimePoint cutoff, std::size_t limit);
  // A trust's validated bulk decision (Service::plan_bulk), all or nothing, under the same
  // protocol for every approved connection it rejects; its answer is kept in the same
  // transaction. `keep` must outlive the call.
  asio::awaitable<Result<std::vector<store::Connection>>> apply_bulk(BulkPlan plan,
                                                                     const KeptAnswer& keep);

 private:
  // Writes on the blocking pool under the guard it is given; returns the connections to publish.
  using Commit =
      std::function<Result<std::vector<store::Connection>>(const store::CommitGuard& guard)>;
  // Every change takes this path: the epoch, the protection of the pairs whose allow it takes
  // away (none for most changes), the commit, and, once it is safe to answer, the publish.
  asio::awaitable<Result<std::vector<store::Connection>>> commit(
      std::vector<cache::HoldRequest> takes_away, Commit work);
  // A decision, once: at `at_revision` when set, protecting `takes_away`.
  asio::awaitable<Result<Decided>> decide_once(const tenancy::Actor& actor,
                                               const std::string& app_id, AdminAction action,
                                               RequestIds ids,
                                               std::optional<std::int64_t> at_revision,
                                               std::vector<cache::HoldRequest> takes_away,
                                               const DecisionInput& input);
  // Level 2 and every other replica learn what a commit wrote.
  asio::awaitable<void> publish(const std::vector<store::Connection>& written, std::int64_t epoch);

  Service& consent_;
  revocation::Revoker& revoker_;
  cache::SharedLevel* shared_;
  exec::BlockingPool& blocking_;
  const Clock& clock_;
};

}  // namespace canopy::consent
