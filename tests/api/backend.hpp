// The store the trust, notification and login-history API tests run on: one source, built
// twice (trust_api_test on SQLite, trust_api_mysql_test on MariaDB); and a second trust.
#pragma once

#include "support/test_app.hpp"

namespace canopy::testing {

#ifdef CANOPY_TEST_ON_MARIADB
inline constexpr TestBackend kBackend = TestBackend::mysql;
#else
inline constexpr TestBackend kBackend = TestBackend::sqlite;
#endif

// Another trust, elm-trust, whose one user is its central team: for refusals to users of a
// trust that is not the school's.
inline constexpr char kElmCentral[] = "cara.central@elm.example";

inline void add_elm_trust(TestApp& t) {
  Site elm;
  elm.id = "elm-trust";
  elm.name = "Elm Trust";
  elm.kind = SiteKind::trust;
  ASSERT_EQ(t.store().upsert_site(elm), store::Upsert::created);
  t.add_user(kElmCentral, "elm-trust", {"trust_central_team"});
}

}  // namespace canopy::testing
