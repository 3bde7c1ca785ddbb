// Holds across replicas. Before a change that takes an allow away commits, its pairs are held
// in this replica's level 1, in level 2 and, by one message, in every replica's level 1, and
// hold_all returns once every live replica has acknowledged (or a lease has passed). A change
// that does not happen releases its holds; what Redis did not hear of is sent again later.
// Holds and releases other replicas announce are applied here, and authentic holds
// acknowledged.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cache/replica_context.hpp"
#include "cache/shared_level.hpp"
#include "cache/wire_codec.hpp"

namespace canopy::cache {

class Holds {
 public:
  explicit Holds(ReplicaContext replica) : replica_(replica) {}

  // See SharedLevel::hold_all and release_all.
  asio::awaitable<std::vector<Hold>> hold_all(std::vector<HoldRequest> pairs);
  asio::awaitable<void> release_all(std::vector<HeldPair> held);
  // Sends again the releases Redis has not heard of: how many it sent, or nullopt when Redis
  // failed again (what is left is kept for the next time).
  asio::awaitable<std::optional<std::size_t>> resend_releases();

  // A "hold TOKEN SCHOOL APP REV [SCHOOL APP REV ...]" or "rel ..." message, split in `parts`.
  void announced(const std::vector<std::string_view>& parts, const ReceivedMessage& message);
  // An "ack ID SEQ REPLICA" message to this replica, split in `parts`.
  void acknowledged(const std::vector<std::string_view>& parts, const ReceivedMessage& message);

 private:
  struct Waiter;
  asio::awaitable<void> take_back(const std::vector<HoldRequest>& pairs,
                                  const std::vector<Hold>& holds, std::size_t sent);
  asio::awaitable<std::vector<Hold>> hold_one_by_one(std::vector<HoldRequest> pairs);
  // Sends the releases of `held` to Redis; those it could not send are kept for later. How many
  // it sent.
  asio::awaitable<std::size_t> send_releases(std::vector<HeldPair> held);
  // Where the release script that starts at `begin` ends (a chunk, of one token).
  std::size_t release_chunk_end(const std::vector<HeldPair>& held, std::size_t begin) const;
  // Releases held[begin, end): one script, one "rel" message; they share one token.
  RedisCommand release_command(const std::vector<HeldPair>& held, std::size_t begin,
                               std::size_t end) const;

  const ReplicaContext replica_;
  std::mutex mutex_;  // guards the holds waiting for acknowledgements and the unsent releases
  std::map<std::uint64_t, std::shared_ptr<Waiter>> waiters_;  // by sequence number
  std::vector<HeldPair> unreleased_;                          // releases Redis has not heard of yet
};

}  // namespace canopy::cache
