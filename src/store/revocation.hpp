// Revocation without Redis: the revocation epoch and the replicas' polls of it (RevocationStore).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace canopy::store {

// A replica's presence in the store (--cache redis): when it first polled the revocation epoch
// in its current run of polls, and when it last did.
struct ReplicaPresence {
  std::string id;
  TimePoint first_seen;
  TimePoint seen;
};

// What one poll of the revocation epoch brings back.
struct EpochPoll {
  std::int64_t epoch = 0;
  std::vector<std::string> live;  // the replicas seen since the poll's `live_since`
};

// The store's side of revocation without Redis (docs/design/revocation.md, "Revocation without
// Redis"): the revocation epoch, and which replicas read it when.
class RevocationStore {
 public:
  virtual ~RevocationStore() = default;
  // The revocation epoch: starts at 1, moved only by changes whose guard says so.
  virtual std::int64_t revocation_epoch() = 0;
  // In one transaction: records that `replica` polled at `now` (starting a new run of polls when
  // it was last seen before `absent_before`, or never), reads the epoch, and lists the replicas
  // seen since `live_since`.
  virtual EpochPoll poll_epoch(std::string_view replica, TimePoint now, TimePoint absent_before,
                               TimePoint live_since) = 0;
  // Every replica seen since `since`.
  virtual std::vector<ReplicaPresence> replicas_seen(TimePoint since) = 0;
  // A replica that stops cleanly leaves; so do rows not seen since `before` (housekeeping).
  virtual void forget_replica(std::string_view replica) = 0;
  virtual std::size_t forget_replicas_before(TimePoint before) = 0;
};

}  // namespace canopy::store
