// The production store: MariaDB / MySQL through MySQL Connector/C++ 1.1, over a bounded pool.
// The driver blocks: callers run store calls on the blocking pool, never on an io thread.
// Thread-safe: each call checks out its own pooled connection.
#pragma once

#include "store/mysql/mysql_pool.hpp"
#include "store/sql/sql_store.hpp"

namespace canopy::store {

namespace db {
class MysqlDatabase;
}

// The SQL store (store/sql) over MariaDB / MySQL, with MySQL's dialect. Migrations run under a
// server-wide named lock, so replicas starting together migrate once.
class MysqlStore final : public SqlStore {
 public:
  // Connects lazily: the first call opens the first connection.
  explicit MysqlStore(MysqlConfig config);

  // For tests and metrics: connections currently open (idle or in use).
  std::size_t open_connections() const;

 private:
  explicit MysqlStore(std::unique_ptr<db::MysqlDatabase> database);
  const db::MysqlDatabase& mysql_;
};

}  // namespace canopy::store
