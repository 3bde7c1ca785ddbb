// Picks the MariaDB / MySQL seam and dialect for the SQL store.
#include "store/mysql/mysql_store.hpp"

#include "store/db/mysql_database.hpp"

namespace canopy::store {

MysqlStore::MysqlStore(MysqlConfig config)
    : MysqlStore(std::make_unique<db::MysqlDatabase>(std::move(config))) {}

MysqlStore::MysqlStore(std::unique_ptr<db::MysqlDatabase> database)
    : SqlStore(std::move(database), db::mysql_dialect()),
      mysql_(static_cast<const db::MysqlDatabase&>(SqlStore::database())) {}

std::size_t MysqlStore::open_connections() const {
  return mysql_.open_connections();
}

}  // namespace canopy::store
