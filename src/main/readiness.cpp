// The state is one atomic word, so a reader sees every part of it from the same moment and a
// transition changes only its own part (compare-and-swap).
#include "main/readiness.hpp"

#include "cache/shared_cache.hpp"

namespace canopy::cli {
namespace {

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Readiness::Readiness(bool migrated, const cache::SharedCache* shared,
                     std::chrono::milliseconds interval)
    : shared_(shared),
      interval_(interval),
      state_(State{.life = Life::serving,
                   .store = migrated ? Store::current : Store::behind,
                   .grants = migrated ? Grants::reconciled : Grants::unchecked,
                   .redis = shared != nullptr ? Redis::awaited : Redis::unused}),
      probed_at_ms_(steady_ms()) {}

template <class Change>
Readiness::State Readiness::update(Change change) const {
  State before = state_.load();
  State after = before;
  do {
    after = before;
    change(after);
  } while (!state_.compare_exchange_weak(before, after));
  return before;
}

bool Readiness::ready() const {
  const State s = state_.load();
  if (s.life != Life::serving || s.store != Store::current || s.grants != Grants::reconciled)
    return false;
  if (s.redis == Redis::awaited) {
    if (shared_->redis_stats().connected == 0) return false;
    update([](State& next) { next.redis = Redis::seen; });
  }
  return steady_ms() - probed_at_ms_ < 3 * interval_.count();
}

bool Readiness::drain() {
  return update([](State& next) {
           if (next.life == Life::serving) next.life = Life::draining;
         }).life == Life::serving;
}

void Readiness::stop() {
  update([](State& next) { next.life = Life::stopping; });
}

Readiness::Store Readiness::store_probed(Store found) {
  const State before = update([found](State& next) { next.store = found; });
  probed_at_ms_ = steady_ms();
  return before.store;
}

void Readiness::grants_reconciled() {
  update([](State& next) { next.grants = Grants::reconciled; });
}

void Readiness::grants_refused() {
  update([](State& next) {
    if (next.grants == Grants::unchecked) next.grants = Grants::refused;
  });
}

}  // namespace canopy::cli
