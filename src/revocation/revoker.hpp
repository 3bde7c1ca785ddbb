// Revocation: the changes that take an allow away (a reject of an approved connection, alone or
// in a bulk decision), made so that no replica allows once the change is answered, whatever
// Redis does. The one place that knows the protocol; the HTTP handlers only translate.
// docs/architecture.md, "Revocation across replicas" and "Revocation without Redis".
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "cache/shared_level.hpp"
#include "consent/service.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "http/blocking.hpp"
#include "metrics/service_metrics.hpp"
#include "store/store.hpp"
#include "tenancy/actor.hpp"

namespace canopy::revocation {

struct RevokerConfig {
  // A held change commits within this of placing its holds or not at all (CommitTooLate, 503,
  // nothing written): a hold must outlive its change, so this stays well below the holds'
  // lifetime in Redis (SharedCacheConfig::hold_ttl; the application takes a third of it).
  std::chrono::milliseconds commit_within{20'000};
  // Rejects retried when the connection moved between the read and the commit, then 409.
  int attempts = 5;
  // How long a replica that cannot reach the store may go on answering from level 2
  // (SharedCacheConfig::without_store): a reject without Redis looks at every replica the
  // store saw within it.
  std::chrono::milliseconds without_store{std::chrono::hours(2)};
  // How long a reject without Redis waits for such replicas to poll the store once more.
  std::chrono::milliseconds catch_up{2250};
  // Allowance for the difference between the replicas' clocks and a transaction's length.
  std::chrono::milliseconds skew{1000};
  // Where holds and unheld revocations are counted; none when null.
  metrics::ServiceMetrics* metrics = nullptr;
};

class Revoker {
 public:
  // `shared` is null in embedded mode (one process: nobody else to tell).
  Revoker(consent::Service& consent, cache::SharedLevel* shared, store::RevocationStore& store,
          http::BlockingPool& blocking, const Clock& clock, RevokerConfig config = {})
      : consent_(consent),
        shared_(shared),
        store_(store),
        blocking_(blocking),
        clock_(clock),
        config_(config) {}

  // A school admin's reject of `app_id` in the actor's school. An approved connection is held
  // on every replica at the revision read, committed only at that revision (re-read and retried
  // when it moved), then published. When the holds cannot be placed (Redis unreachable from
  // here), it commits with a new revocation epoch instead and returns once every replica has
  // read that epoch or stopped trusting its caches. Throws UnavailableError (store down,
  // CommitTooLate), never having answered a change that did not happen.
  asio::awaitable<Result<store::Connection>> reject(const tenancy::Actor& actor, std::string app_id,
                                                    consent::RequestIds ids);

  // Runs `commit` (on the blocking pool; it applies `plan` with the guard it is given, which
  // `plan`'s changes also carry) under the same protocol for every approved connection the plan
  // rejects, then publishes what was written. `commit`'s error comes back as it is, with the
  // holds taken back.
  using Commit =
      std::function<Result<std::vector<store::Connection>>(const store::CommitGuard& guard)>;
  asio::awaitable<Result<std::vector<store::Connection>>> apply(consent::BulkPlan& plan,
                                                                Commit commit);

 private:
  // The guard of a change about to commit: with holds placed at `placed`, a deadline; without.
  store::CommitGuard guard_for(bool held, std::chrono::steady_clock::time_point placed) const;
  // Before a commit without holds: every replica the store saw lately has polled it since this
  // one first did (so it counts this one among the replicas it must see live on Redis before it
  // answers without the store), waiting a little for stragglers. Throws UnavailableError
  // otherwise: nothing is written then.
  asio::awaitable<void> check_unheld_allowed();
  // After a commit made without holds: waits until every replica has read the new epoch or
  // stopped trusting its caches.
  asio::awaitable<void> settle_unheld();
  void count_holds(std::size_t pairs, std::chrono::steady_clock::time_point placed) const;

  consent::Service& consent_;
  cache::SharedLevel* shared_;
  store::RevocationStore& store_;
  http::BlockingPool& blocking_;
  const Clock& clock_;
  RevokerConfig config_;
};

}  // namespace canopy::revocation
