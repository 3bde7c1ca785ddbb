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

bool read_secret(const std::filesystem::path& file, const char* env, std::string_view what,
                 std::string& out) {
  if (!file.empty()) {
    std::ifstream in(file);
    std::string secret;
    if (!in || !std::getline(in, secret)) {
      std::cerr << file.string() << ": cannot read the " << what << " from it\n";
      return false;
    }
    while (!secret.empty() && std::isspace(static_cast<unsigned char>(secret.back())))
      secret.pop_back();
    out = secret;
  } else if (const char* value = std::getenv(env)) {
    out = value;
  }
  return true;
}

bool load_store_secrets(StoreConfig& config) {
  if (config.kind != StoreConfig::Kind::mysql) return true;
  return read_secret(config.mysql_password_file, "CANOPY_MYSQL_PASSWORD", "MySQL password",
                     config.mysql.password);
}

bool load_redis_secrets(RedisSecrets& s) {
  return read_secret(s.password_file, "CANOPY_REDIS_PASSWORD", "Redis password", s.password) &&
         read_secret(s.mac_key_file, "CANOPY_REDIS_MAC_KEY", "Redis MAC key", s.mac_key) &&
         read_secret(s.mac_key_previous_file, "CANOPY_REDIS_MAC_KEY_PREVIOUS",
                     "previous Redis MAC key", s.mac_key_previous);
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
