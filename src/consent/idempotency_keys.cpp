#include "consent/idempotency_keys.hpp"

#include <spdlog/spdlog.h>

#include "auth/crypto.hpp"

namespace canopy::consent {

store::IdempotencyOutcome IdempotencyKeys::claim(std::int64_t user_id, std::string scope,
                                                 std::string key, std::string_view body) {
  const TimePoint now = clock_.now();
  const store::IdempotencyRecord running{.user_id = user_id,
                                         .scope = std::move(scope),
                                         .key = std::move(key),
                                         .request_digest = auth::digest_hex(body),
                                         .claim_token = auth::random_token(),
                                         .created_at = now,
                                         .started_at = now};
  return store_.claim_idempotency_key(running, now - kTakeover);
}

void IdempotencyKeys::finish(const store::IdempotencyRecord& claim, int status,
                             const std::string& body) {
  if (!store_.finish_idempotency_key(claim, status, body, clock_.now())) {
    spdlog::warn("idempotency key '{}' was taken over before its answer was stored", claim.key);
  }
}

void IdempotencyKeys::release(const store::IdempotencyRecord& claim) noexcept {
  try {
    store_.release_idempotency_key(claim);
  } catch (const std::exception& e) {
    spdlog::warn("idempotency key '{}' stays claimed until it is stale: {}", claim.key, e.what());
  }
}

}  // namespace canopy::consent
