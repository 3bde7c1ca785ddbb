// The order of the cache levels and the tokens that keep a stale read from filling them.
#include "decision/service.hpp"

#include <string>

namespace canopy::decision {

std::optional<Decision> Service::answer_cached(const Query& query) {
  if (auto hit = checker_.check_cached(query)) {
    count_lookup(metrics::CacheLevel::local, true);
    return counted(*hit);
  }
  count_lookup(metrics::CacheLevel::local, false);
  return std::nullopt;
}

asio::awaitable<Decision> Service::answer_uncached(const Query& query) {
  // Two tokens, both taken before level 2 and the store are read, and in this order.
  // The generation first: a level-1 fill is dropped when level 1 was cleared since it was
  // taken. The revocation epoch second, for the level-2 fill: no replica trusts a level-2 entry
  // of an older epoch than the one it has read. A replica that reads a new epoch from the store
  // (a reject committed without holds) makes the new epoch show first and clears level 1 after
  // (cache::SharedCache::store_polled), so a read that took the old epoch took its generation
  // before that clear: whatever it read under the old epoch is dropped from level 1 and
  // distrusted in level 2 (docs/design/revocation.md, "Revocation without Redis").
  const auto since = checker_.generation();
  const std::int64_t epoch = shared_ != nullptr ? shared_->epoch() : 0;
  if (shared_ != nullptr) {
    if (auto entry = co_await shared_->fetch(std::string(query.school), std::string(query.app))) {
      // An entry level 1 refuses (a hold stands against it) is a miss: the store answers.
      if (auto d = checker_.check_entry(query, *entry, since)) {
        count_lookup(metrics::CacheLevel::shared, true);
        co_return counted(*d);
      }
    }
    count_lookup(metrics::CacheLevel::shared, false);
  }
  Decision d;
  std::optional<cache::Entry> found;
  co_await blocking_.run([&] { d = checker_.check_store(query, &found, since); });
  if (shared_ != nullptr && found) {
    co_await shared_->remember(std::string(query.school), std::string(query.app), *found, epoch);
  }
  co_return counted(d);
}

}  // namespace canopy::decision
