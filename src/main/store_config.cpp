// Store selection and its secrets.
#include "main/store_config.hpp"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "store/sqlite/sqlite_store.hpp"

namespace canopy::cli {

std::string StoreConfig::describe() const {
  if (kind == Kind::sqlite) return sqlite_path.string();
  return "mysql://" + mysql.user + "@" + mysql.host + ":" + std::to_string(mysql.port) + "/" +
         mysql.database;
}

bool load_store_secrets(StoreConfig& config) {
  if (config.kind != StoreConfig::Kind::mysql) return true;
  if (!config.mysql_password_file.empty()) {
    std::ifstream in(config.mysql_password_file);
    std::string password;
    if (!in || !std::getline(in, password)) {
      std::cerr << config.mysql_password_file.string()
                << ": cannot read the MySQL password from it\n";
      return false;
    }
    while (!password.empty() && std::isspace(static_cast<unsigned char>(password.back())))
      password.pop_back();
    config.mysql.password = password;
  } else if (const char* env = std::getenv("CANOPY_MYSQL_PASSWORD")) {
    config.mysql.password = env;
  }
  return true;
}

std::unique_ptr<store::Store> open_store(const StoreConfig& config) {
  if (config.kind == StoreConfig::Kind::mysql)
    return std::make_unique<store::MysqlStore>(config.mysql);
  std::error_code ec;
  if (config.sqlite_path.has_parent_path())
    std::filesystem::create_directories(config.sqlite_path.parent_path(), ec);
  return std::make_unique<store::SqliteStore>(config.sqlite_path);
}

}  // namespace canopy::cli
