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
  // Both tokens before level 2 and the store are read, the generation first, then the epoch:
  // a read that took an epoch a poll has since replaced also took a generation from before the
  // clear that followed it, so its fills are dropped (why: cache::SharedLevel::epoch).
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
