// The cross-replica level of the decision cache, as the API layer sees it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cache/decision_cache.hpp"
#include "http/asio.hpp"

namespace canopy::cache {

// A pair marked, on every replica and in level 2, as about to change at `revision`.
struct Hold {
  std::int64_t revision = 0;
  std::string token;  // which replica placed it, and which of its holds: releases only this one
};

// A pair to hold at the revision its change was checked against.
struct HoldRequest {
  std::string school;
  std::string app;
  std::int64_t revision = 0;
};

// A pair's entry after a commit, and the revocation epoch known before its transaction began.
struct Published {
  std::string school;
  std::string app;
  Entry entry;
  std::int64_t epoch = 0;
};

// A pair and the hold placed on it: what a release takes back.
struct HeldPair {
  std::string school;
  std::string app;
  Hold hold;
};

// The cross-replica level, as the API layer uses it. Embedded mode has none.
class SharedLevel {
 public:
  virtual ~SharedLevel() = default;
  // Level 2 lookup; nullopt on a miss, for a held pair, or when Redis is unavailable.
  virtual asio::awaitable<std::optional<Entry>> fetch(std::string school, std::string app) = 0;
  // Stores a level-2 entry read from the store (never replacing a newer revision or a hold),
  // under the revocation epoch taken before the read (epoch()).
  virtual asio::awaitable<void> remember(std::string school, std::string app, Entry entry,
                                         std::int64_t epoch) = 0;
  // The revocation epoch this replica last read from the store (0 before the first read). A
  // caller takes it before reading what it will write to level 2 or publish, and passes it on:
  // an entry of an older epoch than a replica's is never trusted there (docs/design/revocation.md,
  // "Revocation without Redis").
  //
  // The two tokens and their order. A caller that will cache what it reads takes, before the
  // read, first level 1's generation (DecisionCache::generation) and then the epoch. The
  // generation goes to DecisionCache::put, the epoch to remember() and publish_all(). When a
  // poll of the store finds a new epoch (a reject was committed without holds, and may have
  // taken away what level 1 holds), the replica shows the new epoch first and then clears
  // level 1, which starts a new generation. So a caller that read the old epoch took its
  // generation before that clear, and its put to level 1 is dropped; a caller that took the
  // new generation reads the new epoch too. An invalidation received from another replica is
  // put the same way: the generation is taken before the epoch it is compared with.
  virtual std::int64_t epoch() const = 0;
  // A change that takes an allow away was committed without holds (hold_all threw), and moved
  // the epoch: the time after which every replica has either read the new epoch or stopped
  // trusting its caches. Answer only then.
  virtual std::chrono::steady_clock::time_point unheld_commit_settled(
      std::chrono::steady_clock::time_point committed) const = 0;
  // This replica's id, in Redis and in the store's record of polls.
  virtual const std::string& id() const = 0;
  // Before a commit without holds: this replica stops heartbeating (so that no replica answering
  // without the store counts it as live on Redis) until every withdraw() has its rejoin().
  virtual void withdraw() = 0;
  virtual void rejoin() = 0;
  // Before changes that take allows away, each of which will commit only if its connection is
  // still at its request's revision: from the return on, no replica trusts an entry of any of
  // the pairs at or below its revision. The holds come back in the order of `pairs`, all with
  // one token (the batch's), or one token each while a replica of an older version is live. Throws
  // UnavailableError when that cannot be made sure of for every pair (Redis unreachable), having
  // taken back the holds it placed: do not commit then.
  virtual asio::awaitable<std::vector<Hold>> hold_all(std::vector<HoldRequest> pairs) = 0;
  // The changes did not happen: lifts these holds (best effort; a lost release costs lookups
  // only). Lifts nothing placed by another hold_all, even on the same pairs.
  virtual asio::awaitable<void> release_all(std::vector<HeldPair> held) = 0;
  // hold_all and release_all of one pair.
  asio::awaitable<Hold> hold(std::string school, std::string app, std::int64_t revision) {
    std::vector<HoldRequest> one;
    one.push_back({std::move(school), std::move(app), revision});
    auto holds = co_await hold_all(std::move(one));
    co_return std::move(holds.at(0));
  }
  asio::awaitable<void> release(std::string school, std::string app, Hold hold) {
    std::vector<HeldPair> one;
    one.push_back({std::move(school), std::move(app), std::move(hold)});
    co_await release_all(std::move(one));
  }
  // After commits: level 2, then every replica (each entry replaces its pair's holds), one
  // script per chunk of pairs. What Redis does not hear of is published once it answers again.
  virtual asio::awaitable<void> publish_all(std::vector<Published> changes) = 0;
  // publish_all of one pair.
  asio::awaitable<void> publish(std::string school, std::string app, Entry entry,
                                std::int64_t epoch) {
    std::vector<Published> one;
    one.push_back({std::move(school), std::move(app), entry, epoch});
    co_await publish_all(std::move(one));
  }
};

}  // namespace canopy::cache
