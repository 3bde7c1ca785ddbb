// The private MariaDB and Redis that CTest's "servers" fixture started (tests/servers/servers.sh).
#pragma once

#include <cstdint>
#include <string>

namespace canopy::testing {

struct TestServers {
  std::string mysql_host;
  std::uint16_t mysql_port = 0;
  std::string mysql_user;
  std::string mysql_password;
  std::string redis_host;
  std::uint16_t redis_port = 0;
  // An ACL user with a password (the default user stays open, for tests that play an attacker
  // who can write to Redis, and for older tests).
  std::string redis_user;
  std::string redis_password;
  std::string dir;

  // Reads $CANOPY_TEST_SERVERS_ENV; throws when the fixture did not run (the test then fails:
  // a test that needs a server never passes without one).
  static const TestServers& get();

  // For degraded-mode tests: stop or start one server on its same port.
  void run(const std::string& command) const;
};

}  // namespace canopy::testing
