// The database seam over SQLite and SQLite's dialect: what the SQL store relies on from an engine
// (the MariaDB side runs through the same store in store_conformance_mysql_test).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "store/db/dialect.hpp"
#include "store/db/sqlite_database.hpp"
#include "support/temp_dir.hpp"

namespace canopy::store::db {
namespace {

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_.transact("create", [](Session& s) {
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, k TEXT UNIQUE, n INTEGER)");
    });
  }
  std::vector<std::string> keys() {
    return db_.read("keys", [](Session& s) {
      std::vector<std::string> out;
      for (auto q = s.prepare("SELECT k FROM t ORDER BY id"); q->next();)
        out.push_back(q->text(0));
      return out;
    });
  }

  ::canopy::testing::TempDir dir_;
  SqliteDatabase db_{dir_.path() / "seam.db"};
  const Dialect& dialect_ = sqlite_dialect();
};

TEST_F(SqliteDatabaseTest, ADuplicateKeyWritesNothingAndTheTransactionGoesOn) {
  db_.transact("insert", [](Session& s) {
    auto q = s.prepare("INSERT INTO t (k, n) VALUES (?, ?)");
    EXPECT_EQ(q->bind("a").bind(1).execute_unless_duplicate(), std::optional<std::int64_t>(1));
    EXPECT_EQ(q->again().bind("a").bind(2).execute_unless_duplicate(), std::nullopt);
    EXPECT_EQ(q->again().bind("b").bind(3).execute_unless_duplicate(),
              std::optional<std::int64_t>(1));
  });
  EXPECT_EQ(keys(), (std::vector<std::string>{"a", "b"}));
}

TEST_F(SqliteDatabaseTest, TheFirstIdOfAMultiRowInsertNamesItsFirstRow) {
  const auto first = db_.transact("insert", [](Session& s) {
    s.prepare("INSERT INTO t (k) VALUES ('x')")->execute();
    s.prepare("INSERT INTO t (k) VALUES (?), (?), (?)")->bind("a").bind("b").bind("c").execute();
    return s.first_inserted_id(3);
  });
  const auto id_of_a = db_.read("id", [](Session& s) {
    auto q = s.prepare("SELECT id FROM t WHERE k = 'a'");
    EXPECT_TRUE(q->next());
    return q->integer(0);
  });
  EXPECT_EQ(first, id_of_a);
}

TEST_F(SqliteDatabaseTest, AFailedTransactionWritesNothingAndARetryRunsOnceMore) {
  EXPECT_THROW(db_.transact("fails",
                            [](Session& s) {
                              s.prepare("INSERT INTO t (k) VALUES ('lost')")->execute();
                              throw std::runtime_error("the work failed");
                            }),
               std::runtime_error);
  EXPECT_TRUE(keys().empty());

  int runs = 0;
  db_.transact("retried", [&](Session& s) {
    s.prepare("INSERT INTO t (k) VALUES (?)")->bind("run " + std::to_string(++runs)).execute();
    if (runs == 1) throw RetryTransaction{};
  });
  EXPECT_EQ(keys(), (std::vector<std::string>{"run 2"}));
  EXPECT_THROW(db_.transact("always", [](Session&) { throw RetryTransaction{}; }), StoreError);
}

TEST_F(SqliteDatabaseTest, UpsertKeepsTheRowAndSetsTheNamedColumns) {
  for (int n : {1, 2}) {
    db_.transact("upsert", [&](Session& s) {
      EXPECT_EQ(s.prepare("INSERT INTO t (k, n) VALUES (?, ?)" + dialect_.upsert("k", {"n"}))
                    ->bind("a")
                    .bind(n)
                    .execute(),
                dialect_.upserted_rows(n == 1 ? 1 : 0, n == 1 ? 0 : 1));
    });
  }
  db_.read("check", [](Session& s) {
    auto q = s.prepare("SELECT id, n FROM t");
    ASSERT_TRUE(q->next());
    EXPECT_EQ(q->integer(0), 1);
    EXPECT_EQ(q->integer(1), 2);
    EXPECT_FALSE(q->next());
  });
}

TEST_F(SqliteDatabaseTest, DeleteOldestTakesTheSmallestFirstUpToTheLimit) {
  db_.transact("fill", [](Session& s) {
    auto q = s.prepare("INSERT INTO t (k, n) VALUES (?, ?)");
    for (const auto& [k, n] :
         {std::pair("c", 3), std::pair("a", 1), std::pair("d", 9), std::pair("b", 2)})
      q->again().bind(k).bind(n).execute();
  });
  const auto deleted = db_.transact("delete", [&](Session& s) {
    return s.prepare(dialect_.delete_oldest("t", "n < ?", "n"))->bind(5).bind(2).execute();
  });
  EXPECT_EQ(deleted, 2);
  EXPECT_EQ(keys(), (std::vector<std::string>{"c", "d"}));
}

}  // namespace
}  // namespace canopy::store::db
