// Helpers over embedded migration lists.
#include "store/migrations.hpp"

#include <algorithm>

namespace canopy::store {

int latest_version(std::span<const Migration> migrations) {
  int v = 0;
  for (const auto& m : migrations)
    v = std::max(v, m.version);
  return v;
}

}  // namespace canopy::store
