// The database seam over MariaDB / MySQL through Connector/C++ 1.1 and a bounded pool.
// Thread-safe: each read, transaction or migration run checks out its own pooled connection.
#pragma once

#include "store/db/database.hpp"
#include "store/mysql/mysql_pool.hpp"

namespace canopy::store::db {

class MysqlDatabase final : public Database {
 public:
  // Connects lazily: the first call opens the first connection.
  explicit MysqlDatabase(MysqlConfig config);

  std::optional<PoolStats> pool_stats() const override { return pool_.stats(); }
  // Connections currently open (idle or in use).
  std::size_t open_connections() const { return pool_.open_connections(); }

 protected:
  void run(Use use, std::string_view what, const std::function<void(Session&)>& work) override;

 private:
  void read(std::string_view what, const std::function<void(Session&)>& work);
  void transact(std::string_view what, const std::function<void(Session&)>& work);
  void migrate(std::string_view what, const std::function<void(Session&)>& work);

  AuditIds audit_ids_;
  mysql::Pool pool_;
};

}  // namespace canopy::store::db
