// The embedded default store: one SQLite file, so `canopy serve` runs with no servers.
// SQLite calls block; callers run them on the blocking pool, never on an io thread.
#pragma once

#include <filesystem>

#include "store/sql/sql_store.hpp"

namespace canopy::store {

// The SQL store (store/sql) over SQLite, with SQLite's dialect.
class SqliteStore final : public SqlStore {
 public:
  explicit SqliteStore(const std::filesystem::path& file);
};

}  // namespace canopy::store
