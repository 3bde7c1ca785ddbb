// Which store a command talks to: the embedded SQLite file or MySQL/MariaDB.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "store/mysql/mysql_store.hpp"
#include "store/store.hpp"

namespace canopy::cli {

struct StoreConfig {
  enum class Kind { sqlite, mysql };
  Kind kind = Kind::sqlite;
  std::filesystem::path sqlite_path = "var/canopy.db";
  store::MysqlConfig mysql;
  std::filesystem::path mysql_password_file;  // or CANOPY_MYSQL_PASSWORD; never a flag or YAML

  // For messages: the file, or mysql://user@host:port/database (never the password).
  std::string describe() const;
};

// Reads the MySQL password from CANOPY_MYSQL_PASSWORD or the password file; false (with the
// reason printed) when a configured file cannot be read.
bool load_store_secrets(StoreConfig& config);

// Opens the store without migrating it; throws StoreError when it cannot be opened.
std::unique_ptr<store::Store> open_store(const StoreConfig& config);

}  // namespace canopy::cli
