// Reading the servers fixture's environment file.
#include "support/servers.hpp"

#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>

namespace canopy::testing {

const TestServers& TestServers::get() {
  static const TestServers servers = [] {
    const char* path = std::getenv("CANOPY_TEST_SERVERS_ENV");
    if (path == nullptr)
      throw std::runtime_error("CANOPY_TEST_SERVERS_ENV is not set: run through ctest");
    std::ifstream in(path);
    if (!in)
      throw std::runtime_error(std::string(path) + ": missing; did the servers_start fixture run?");
    std::map<std::string, std::string> env;
    for (std::string line; std::getline(in, line);) {
      const auto eq = line.find('=');
      if (eq != std::string::npos) env[line.substr(0, eq)] = line.substr(eq + 1);
    }
    TestServers s;
    s.mysql_host = env.at("CANOPY_TEST_MYSQL_HOST");
    s.mysql_port = static_cast<std::uint16_t>(std::stoi(env.at("CANOPY_TEST_MYSQL_PORT")));
    s.mysql_user = env.at("CANOPY_TEST_MYSQL_USER");
    s.mysql_password = env.at("CANOPY_TEST_MYSQL_PASSWORD");
    s.redis_host = env.at("CANOPY_TEST_REDIS_HOST");
    s.redis_port = static_cast<std::uint16_t>(std::stoi(env.at("CANOPY_TEST_REDIS_PORT")));
    s.redis_user = env.at("CANOPY_TEST_REDIS_USER");
    s.redis_password = env.at("CANOPY_TEST_REDIS_PASSWORD");
    s.dir = env.at("CANOPY_TEST_SERVERS_DIR");
    return s;
  }();
  return servers;
}

void TestServers::run(const std::string& command) const {
  const std::string cmd =
      std::string("bash '") + CANOPY_SERVERS_SCRIPT + "' " + command + " '" + dir + "'";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("failed: " + cmd);
}

}  // namespace canopy::testing
