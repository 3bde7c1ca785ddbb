// The store the trust, notification and login-history API tests run on: one source, built
// twice (trust_api_test on SQLite, trust_api_mysql_test on MariaDB).
#pragma once

#include "support/test_app.hpp"

namespace canopy::testing {

#ifdef CANOPY_TEST_ON_MARIADB
inline constexpr TestBackend kBackend = TestBackend::mysql;
#else
inline constexpr TestBackend kBackend = TestBackend::sqlite;
#endif

}  // namespace canopy::testing
