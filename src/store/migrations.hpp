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

// The migration that adds the audit chain: applying it also chains the records written before.
inline constexpr int kAuditChainVersion = 3;

std::span<const Migration> sqlite_migrations();
std::span<const Migration> mysql_migrations();

// The newest schema version a migration list reaches.
int latest_version(std::span<const Migration> migrations);

}  // namespace canopy::store
