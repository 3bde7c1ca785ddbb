// Deletion attestations: when a school revokes an approved app, the partner is asked to delete
// the school's data and to say it did, by a deadline. The request is written with the reject
// (ConnectionChange::deletion_due); the partner's attestation is the only change after that.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace canopy::store {

struct DeletionRequest {
  std::int64_t id = 0;  // set by the store; grows with every request
  std::string school_id;
  std::string app_id;
  TimePoint requested_at;  // the reject's time
  TimePoint due_at;
  std::string event_id;  // the connection.rejected event that asked
  std::optional<TimePoint> attested_at;
  std::string note;  // what the partner said, if anything
};

class DeletionStore {
 public:
  virtual ~DeletionStore() = default;
  // The requests of `schools`, newest first; only those not yet attested when `open_only`.
  virtual std::vector<DeletionRequest> deletion_requests(std::span<const std::string> schools,
                                                         bool open_only) = 0;
  // The partner attests the newest request of (school, app): sets attested_at and the note
  // once. The request as it stands (attested earlier: unchanged), or nullopt when there is none.
  virtual std::optional<DeletionRequest> attest_deletion(std::string_view school,
                                                         std::string_view app, TimePoint at,
                                                         std::string_view note) = 0;
};

}  // namespace canopy::store
