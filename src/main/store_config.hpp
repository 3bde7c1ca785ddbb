// Which store a command talks to: the embedded SQLite file or MySQL/MariaDB.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

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

// Reads a secret: the first line of `file` (trailing spaces trimmed) when one is named, else the
// environment variable `env`; `out` stays unchanged when neither is set. False (with
// "FILE: cannot read the WHAT from it" printed, never the secret) when a named file cannot be
// read or has no line.
bool read_secret(const std::filesystem::path& file, const char* env, std::string_view what,
                 std::string& out);

// The Redis secrets of `canopy serve --cache redis`, each from its file or its variable.
struct RedisSecrets {
  std::filesystem::path password_file;          // or CANOPY_REDIS_PASSWORD
  std::filesystem::path mac_key_file;           // or CANOPY_REDIS_MAC_KEY
  std::filesystem::path mac_key_previous_file;  // or CANOPY_REDIS_MAC_KEY_PREVIOUS
  std::string password;
  std::string mac_key;
  std::string mac_key_previous;
};
bool load_redis_secrets(RedisSecrets& secrets);

// Opens the store without migrating it; throws StoreError when it cannot be opened.
std::unique_ptr<store::Store> open_store(const StoreConfig& config);

}  // namespace canopy::cli
