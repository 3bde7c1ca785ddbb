// A database of its own on the servers fixture's MariaDB, for one test; dropped afterwards.
#pragma once

#include <string>

#include "store/mysql/mysql_pool.hpp"

namespace canopy::testing {

class TestDatabase {
 public:
  TestDatabase();  // throws when the fixture's MariaDB is not there
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // Connection settings for a store on this database.
  store::MysqlConfig config() const;
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

}  // namespace canopy::testing
