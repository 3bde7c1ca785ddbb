// Requests that must not run twice: a client names each one with a key of its choosing, and a
// retry with the same key and body gets the first answer instead of a second run. A key is
// claimed before the work, then either finished with the answer (the bulk use case stores it
// in the batch's own transaction: consent::KeptAnswer) or released so the client may retry.
// Blocking (store): run on the blocking pool.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/time.hpp"
#include "store/store.hpp"

namespace canopy::consent {

class IdempotencyKeys {
 public:
  // A claim still running after this is presumed dead (its process stopped before answering)
  // and may be taken over by a retry. A batch's transaction gives up long before (MySQL
  // timeouts).
  static constexpr std::chrono::minutes kTakeover{5};

  IdempotencyKeys(store::IdempotencyStore& store, const Clock& clock)
      : store_(store), clock_(clock) {}

  // Claims `key` of `user_id` in `scope` (the same key in another scope is another key) for a
  // request whose body is `body`. claimed: the caller runs the request and holds the returned
  // record until it finishes or releases it.
  store::IdempotencyOutcome claim(std::int64_t user_id, std::string scope, std::string key,
                                  std::string_view body);
  // Keeps `status` and `body` for replays; the claim is spent. When the claim was taken over
  // meanwhile nothing is written, and a warning says so.
  void finish(const store::IdempotencyRecord& claim, int status, const std::string& body);
  // Gives the key back after a failure that is no answer (a conflict, the store or cache down),
  // so the client can retry with the same key. Best effort: when the store cannot be told, the
  // claim is taken over once it is stale.
  void release(const store::IdempotencyRecord& claim) noexcept;

 private:
  store::IdempotencyStore& store_;
  const Clock& clock_;
};

}  // namespace canopy::consent
