// What each app version granted, as first recorded (RecordedGrant, GrantStore).
#pragma once

#include <string>
#include <vector>

#include "core/time.hpp"

namespace canopy::store {

// The permission set one app version granted, as first recorded: what every school that
// approved that version approved (`grants`: canonical JSON, consent/grants.hpp).
struct RecordedGrant {
  std::string app_id;
  int version = 0;
  std::string grants;
  TimePoint recorded_at;
};

// The grants of every app version a replica has loaded. Rows are never changed.
class GrantStore {
 public:
  virtual ~GrantStore() = default;
  // Records each of `sets` whose (app, version) has no row yet, in one transaction, and returns
  // every row, the earlier ones included, sorted by app and version.
  virtual std::vector<RecordedGrant> record_grants(const std::vector<RecordedGrant>& sets) = 0;
};

}  // namespace canopy::store
