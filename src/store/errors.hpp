// StoreError: the database itself failed; what every store interface may throw.
#pragma once

#include "core/error.hpp"

namespace canopy::store {

// The database itself failed (unreachable, corrupt, full). Never caused by user input.
class StoreError : public UnavailableError {
 public:
  using UnavailableError::UnavailableError;
};

}  // namespace canopy::store
