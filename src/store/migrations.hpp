// Schema migrations, embedded in the binary from migrations/<dialect>/NNNN_name.sql.
#pragma once

#include <span>
#include <string>

namespace canopy::store {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

std::span<const Migration> sqlite_migrations();

// The newest schema version a migration list reaches.
int latest_version(std::span<const Migration> migrations);

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
};

}  // namespace canopy::store
