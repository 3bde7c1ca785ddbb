// The database seam over one SQLite file: one connection, used by one caller at a time.
#pragma once

#include <filesystem>
#include <mutex>

#include "store/db/database.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace canopy::store::db {

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(const std::filesystem::path& file);

 protected:
  void run(Use use, std::string_view what, const std::function<void(Session&)>& work) override;

 private:
  // One connection, serialised: SQLite writes are serialised anyway and the embedded
  // default serves one school office, not a SaaS fleet.
  std::mutex mutex_;
  sqlite::Database db_;
};

}  // namespace canopy::store::db
