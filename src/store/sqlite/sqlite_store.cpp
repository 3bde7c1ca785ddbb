// Picks the SQLite seam and dialect for the SQL store.
#include "store/sqlite/sqlite_store.hpp"

#include "store/db/sqlite_database.hpp"

namespace canopy::store {

SqliteStore::SqliteStore(const std::filesystem::path& file)
    : SqlStore(std::make_unique<db::SqliteDatabase>(file), db::sqlite_dialect()) {}

}  // namespace canopy::store
