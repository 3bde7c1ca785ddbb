// Idempotency keys: claims of a request that must not run twice, their stored answers, a batch's
// answer (BatchAnswer), and IdempotencyStore.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "store/connections.hpp"

namespace canopy::store {

// A request that must not run twice, under the key its client chose.
struct IdempotencyRecord {
  std::int64_t user_id = 0;
  std::string scope;           // what the key is for, e.g. one trust's bulk decisions
  std::string key;             // as the client sent it
  std::string request_digest;  // of the request body: the same key with another body is misuse
  bool done = false;           // false while the first request runs
  std::string claim_token;     // who runs it; only they may finish or release it
  int response_status = 0;     // when done: the answer, given again to every replay
  std::string response_body;
  TimePoint created_at;
  TimePoint started_at;  // when the current claimer took it
};

// A batch's outcome as its replays are given it, encoded by the caller: the store keeps both
// values as they are (IdempotencyRecord::response_status and response_body).
struct EncodedOutcome {
  int status = 0;
  std::string body;
};

// What a batch leaves under its claim's key (ConnectionStore::apply_all).
struct BatchAnswer {
  const IdempotencyRecord& claim;
  // Encodes the outcome from the connections as written; called inside the transaction.
  std::function<EncodedOutcome(const std::vector<Connection>&)> encode;
  TimePoint at;
};

enum class IdempotencyClaim {
  claimed,      // the caller runs the request (a new key, or a stale running one taken over)
  in_progress,  // another request with this key and body is running
  replay,       // done before: answer with the stored response
  reused,       // the key was used with another body
};

struct IdempotencyOutcome {
  IdempotencyClaim claim = IdempotencyClaim::claimed;
  IdempotencyRecord record;  // the stored record (for replay: its response)
};

class IdempotencyStore {
 public:
  virtual ~IdempotencyStore() = default;
  // Atomically: records `running` as running unless the (user, scope, key) exists. An existing
  // record with another digest is `reused`; a done one is a `replay`; a running one is
  // `in_progress`, unless it started before `stale_before`: then its claimer is presumed dead
  // and `running` takes it over (started_at and claim_token replaced).
  virtual IdempotencyOutcome claim_idempotency_key(const IdempotencyRecord& running,
                                                   TimePoint stale_before) = 0;
  // Stores the answer of the claim `claim_token` holds; false (nothing written) when the claim
  // was taken over meanwhile.
  virtual bool finish_idempotency_key(const IdempotencyRecord& claim, int status,
                                      const std::string& body, TimePoint at) = 0;
  // Gives a running claim up (the request failed without an answer worth keeping), so the
  // client can retry with the same key.
  virtual void release_idempotency_key(const IdempotencyRecord& claim) = 0;
  // Deletes at most `limit` keys created before `cutoff` (done or, long stale, running), oldest
  // first; returns how many. A replay of a deleted key runs as a new request.
  virtual std::size_t delete_idempotency_keys_before(TimePoint cutoff, std::size_t limit) = 0;
};

}  // namespace canopy::store
