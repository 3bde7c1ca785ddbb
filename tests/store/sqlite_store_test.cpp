// Tests what only the embedded SqliteStore has: its database file. Store behaviour shared by
// every backend is in store_conformance_test.cpp.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/migrations.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/manual_clock.hpp"
#include "support/temp_dir.hpp"

namespace canopy::store {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::filesystem::path db_path() const { return dir_.path() / "canopy.db"; }

  testing::TempDir dir_;
  testing::ManualClock clock_;
};

TEST_F(SqliteStoreTest, OpeningCreatesTheFile) {
  ASSERT_FALSE(std::filesystem::exists(db_path()));
  SqliteStore store(db_path());
  auto r = store.migrate(clock_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(std::filesystem::exists(db_path()));
}

// A reject answered 200 must survive a power cut (issue 9): every commit syncs the WAL
// (synchronous = FULL, 2), not only checkpoints (NORMAL, 1).
TEST_F(SqliteStoreTest, EveryConnectionCommitsDurably) {
  sqlite::Database db(db_path());
  auto mode = db.prepare("PRAGMA synchronous");
  ASSERT_TRUE(mode.step());
  EXPECT_EQ(mode.integer(0), 2);
  auto journal = db.prepare("PRAGMA journal_mode");
  ASSERT_TRUE(journal.step());
  EXPECT_EQ(journal.text(0), "wal");
}

TEST_F(SqliteStoreTest, DataOutlivesTheStoreObject) {
  {
    SqliteStore store(db_path());
    ASSERT_TRUE(store.migrate(clock_).ok());
    Site oak;
    oak.id = "oak";
    oak.name = "Oak";
    ASSERT_EQ(store.upsert_site(oak), Upsert::created);
  }
  SqliteStore reopened(db_path());
  EXPECT_EQ(reopened.schema_version(), latest_version(sqlite_migrations()));
  ASSERT_TRUE(reopened.find_site("oak").has_value());
  EXPECT_EQ(reopened.find_site("oak")->name, "Oak");
}

TEST_F(SqliteStoreTest, AFileInAMissingDirectoryIsAStoreError) {
  EXPECT_THROW(SqliteStore(dir_.path() / "missing" / "canopy.db"), StoreError);
}

TEST_F(SqliteStoreTest, AFileThatIsNotADatabaseIsAStoreError) {
  const auto file = dir_.write("canopy.db", std::string(4096, 'x'));
  EXPECT_THROW(
      {
        SqliteStore store(file);
        (void)store.migrate(clock_);
      },
      StoreError);
}

TEST(StoreActorKind, NamesRoundTrip) {
  for (auto k : {ActorKind::user, ActorKind::partner, ActorKind::system}) {
    EXPECT_EQ(parse_actor_kind(to_string(k)), std::optional<ActorKind>(k));
  }
  EXPECT_FALSE(parse_actor_kind("admin").has_value());
}

}  // namespace
}  // namespace canopy::store
