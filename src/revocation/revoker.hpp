// Revocation: what a commit that takes an allow away (a reject of an approved connection, alone
// or in a bulk decision) needs before and after it, so that no replica allows once the change is
// answered, whatever Redis does. The connection-change use case (consent/changes.hpp) decides
// when each step runs; this knows how. docs/design/revocation.md, "Revocation across replicas" and
// "Revocation without Redis".
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "cache/shared_level.hpp"
#include "core/time.hpp"
#include "exec/blocking_pool.hpp"
#include "metrics/service_metrics.hpp"
#include "store/store.hpp"

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

// One commit's protection, from Revoker::protect() until it is dropped: the holds placed for
// it or, when they could not be, this replica's withdrawal from the heartbeats (kept until the
// change is published), and the guard its transaction must carry.
class Protection {
 public:
  Protection() = default;
  const store::CommitGuard& guard() const { return guard_; }

 private:
  friend class Revoker;
  struct Rejoin {
    void operator()(cache::SharedLevel* shared) const { shared->rejoin(); }
  };
  store::CommitGuard guard_;
  std::vector<cache::HeldPair> holds_;
  std::unique_ptr<cache::SharedLevel, Rejoin> withdrawn_;
};

class Revoker {
 public:
  // `shared` is null in embedded mode (one process: nobody else to tell, nothing to protect).
  Revoker(cache::SharedLevel* shared, store::RevocationStore& store, exec::BlockingPool& blocking,
          const Clock& clock, RevokerConfig config = {})
      : shared_(shared), store_(store), blocking_(blocking), clock_(clock), config_(config) {}

  const RevokerConfig& config() const { return config_; }

  // Before a commit that takes the allows of `pairs` away, each only if its connection is still
  // at the revision given: holds them on every replica. When the holds cannot be placed (Redis
  // unreachable from here), the commit moves the revocation epoch instead, once every replica the
  // store saw lately has polled it; throws UnavailableError otherwise, nothing to commit then.
  // No pairs (or embedded mode): nothing to protect, an empty guard.
  asio::awaitable<Protection> protect(std::vector<cache::HoldRequest> pairs);
  // The commit did not happen (an error, a conflict, too late): takes the holds back.
  asio::awaitable<void> abandon(Protection& protection);
  // The commit happened: without holds, waits until every replica has read the new epoch or
  // stopped trusting its caches. Answer (and publish) only then.
  asio::awaitable<void> settle(Protection& protection);

 private:
  // Before a commit without holds: every replica the store saw lately has polled it since this
  // one first did (so it counts this one among the replicas it must see live on Redis before it
  // answers without the store), waiting a little for stragglers. Throws UnavailableError
  // otherwise: nothing is written then.
  asio::awaitable<void> check_unheld_allowed();

  cache::SharedLevel* shared_;
  store::RevocationStore& store_;
  exec::BlockingPool& blocking_;
  const Clock& clock_;
  RevokerConfig config_;
};

}  // namespace canopy::revocation
