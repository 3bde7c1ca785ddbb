// What a replica keeps when Redis does not hear of a change or a release, and what it sends
// again: the newest change per pair, forgotten only once Redis took that very revision. Redis
// is unreachable throughout (a connection never started), so no server is needed.
#include <gtest/gtest.h>

#include <exception>
#include <optional>

#include "cache/holds.hpp"
#include "cache/publisher.hpp"
#include "core/error.hpp"

namespace canopy::cache {
namespace {

using namespace std::chrono_literals;

Unpublished change(std::string school, std::int64_t revision, std::string message = "m") {
  return {std::move(school), "app", {Presence::rejected, 1, revision}, 1, std::move(message)};
}

std::vector<std::pair<std::string, std::int64_t>> revisions(const UnpublishedChanges& changes) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (const auto& u : changes.pending())
    out.emplace_back(u.school, u.entry.revision);
  return out;
}

TEST(UnpublishedChangesTest, KeepsTheNewestRevisionOfEachPair) {
  UnpublishedChanges changes;
  const std::vector<Unpublished> first{change("s1", 5), change("s2", 3)};
  changes.keep(first);
  const std::vector<Unpublished> later{change("s1", 4), change("s2", 6)};
  changes.keep(later);
  EXPECT_EQ(revisions(changes), (decltype(revisions(changes)){{"s1", 5}, {"s2", 6}}))
      << "an older revision arriving later does not replace a newer one";
  const std::vector<Unpublished> again{change("s1", 5, "second")};
  changes.keep(again);
  ASSERT_EQ(changes.pending().size(), 2u);
  EXPECT_EQ(changes.pending()[0].message, "second") << "at the same revision, the later wins";
}

TEST(UnpublishedChangesTest, APublishedChangeIsForgottenOnlyAtTheRevisionSent) {
  UnpublishedChanges changes;
  const std::vector<Unpublished> kept{change("s1", 5), change("s2", 3)};
  changes.keep(kept);
  const std::vector<Unpublished> sent = changes.pending();
  // While they were being sent, s2 changed again and was not published either.
  const std::vector<Unpublished> newer{change("s2", 4)};
  changes.keep(newer);
  changes.published(sent);
  EXPECT_EQ(revisions(changes), (decltype(revisions(changes)){{"s2", 4}}));
  changes.published(newer);
  EXPECT_TRUE(changes.pending().empty());
}

// Awaits `work` on `io` from the test thread; what it throws is rethrown here.
template <class T>
T drive(asio::io_context& io, asio::awaitable<T> work) {
  std::optional<T> out;
  std::exception_ptr failed;
  asio::co_spawn(io, std::move(work), [&](std::exception_ptr e, T value) {
    failed = e;
    if (!e) out = std::move(value);
  });
  io.run();
  io.restart();
  if (failed) std::rethrow_exception(failed);
  return std::move(*out);
}
void drive(asio::io_context& io, asio::awaitable<void> work) {
  std::exception_ptr failed;
  asio::co_spawn(io, std::move(work), [&](std::exception_ptr e) { failed = e; });
  io.run();
  io.restart();
  if (failed) std::rethrow_exception(failed);
}

// A replica whose Redis never answers.
class Unreachable : public ::testing::Test {
 protected:
  static SharedCacheConfig make_config() {
    SharedCacheConfig c;
    c.keys = MacKeys::from_secrets("publisher-test-mac-key-0123456789abcdef");
    c.batch_chunk = 2;
    return c;
  }
  asio::io_context io;
  SharedCacheConfig config = make_config();
  std::string id = "b-test";
  RedisKeys keys{config.prefix};
  WireSigner signer{config.prefix, *config.keys};
  LocalCache level1;
  StorePresence presence{config.lease, config.margin, config.without_store, level1};
  std::shared_ptr<RedisConnection> redis =
      RedisConnection::create(io, {"127.0.0.1", 1}, "test", {});
  std::atomic<std::uint64_t> sequence{1};
  CacheWarnings warnings;
  ReplicaContext replica() {
    return {config, id, keys, signer, level1, *redis, sequence, warnings};
  }
  Publisher publisher{replica(), presence};
  Holds holds{replica()};
};

TEST_F(Unreachable, ChangesRedisMissedAreKeptAndSentAgain) {
  EXPECT_EQ(drive(io, publisher.republish()), 0u) << "nothing kept: nothing to send";
  std::vector<Published> changes;
  for (int i = 0; i < 5; ++i)
    changes.push_back({"s" + std::to_string(i), "app", {Presence::rejected, 1, 10 + i}, 1});
  drive(io, publisher.publish_all(std::move(changes)));
  EXPECT_FALSE(drive(io, publisher.republish())) << "kept, and Redis failed again";
}

TEST_F(Unreachable, HoldsAreRefusedAndTakenBackAndTheirReleasesKept) {
  EXPECT_EQ(drive(io, holds.resend_releases()), 0u);
  std::vector<HoldRequest> pairs{{"s1", "a", 5}, {"s2", "a", 6}, {"s3", "a", 7}};
  EXPECT_THROW(drive(io, holds.hold_all(pairs)), UnavailableError);
  for (const auto& p : pairs)
    EXPECT_FALSE(level1.held(p.school, p.app)) << p.school << ": a refused hold is not left";
  EXPECT_FALSE(drive(io, holds.resend_releases()))
      << "the first chunk's script was sent and may have run: its release is kept";
}

}  // namespace
}  // namespace canopy::cache
