// Creating and dropping a throwaway MariaDB database.
#include "support/test_database.hpp"

#include <cppconn/connection.h>
#include <cppconn/statement.h>

#include <cstdio>
#include <memory>
#include <random>

#include "support/servers.hpp"

namespace canopy::testing {
namespace {

store::MysqlConfig server_config() {
  const auto& servers = TestServers::get();
  store::MysqlConfig c;
  c.host = servers.mysql_host;
  c.port = servers.mysql_port;
  c.user = servers.mysql_user;
  c.password = servers.mysql_password;
  return c;
}

void run_on_server(const std::string& statement) {
  auto connection = store::mysql::open_connection(server_config());
  std::unique_ptr<sql::Statement> s(connection->createStatement());
  s->execute(statement);
}

}  // namespace

TestDatabase::TestDatabase() {
  std::random_device random;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%08x%08x", random(), random());
  name_ = std::string("canopy_api_") + hex;
  run_on_server("CREATE DATABASE " + name_ + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
}

TestDatabase::~TestDatabase() {
  try {
    run_on_server("DROP DATABASE IF EXISTS " + name_);
  } catch (const std::exception&) {
    // A stray database on a throwaway server is not worth failing a test for.
  }
}

store::MysqlConfig TestDatabase::config() const {
  auto c = server_config();
  c.database = name_;
  return c;
}

}  // namespace canopy::testing
