// In-process cost of the decision hot path: pure evaluation, a full check_cached() against the
// local cache, and the decision service's level-1 answer (counted), over the real policy
// catalogue. Prints checks per second per core.
#include <benchmark/benchmark.h>

#include <random>
#include <stdexcept>

#include "cache/local_cache.hpp"
#include "cache/mac.hpp"
#include "cache/shared_cache.hpp"
#include "decision/checker.hpp"
#include "decision/service.hpp"
#include "exec/blocking_pool.hpp"
#include "metrics/service_metrics.hpp"
#include "policy/live.hpp"

namespace {

using namespace canopy;

const policy::PolicySnapshot& catalogue() {
  static const auto loaded = policy::load_policies(CANOPY_SOURCE_DIR "/policies");
  if (!loaded.snapshot) throw std::runtime_error(loaded.errors.front());
  return *loaded.snapshot;
}

const policy::LivePolicies& live_catalogue() {
  static const policy::LivePolicies live(
      policy::load_policies(CANOPY_SOURCE_DIR "/policies").snapshot);
  return live;
}

// A mix of questions over every app's real permission set: granted and denied types, fields
// and operations, as the gateway would ask them.
std::vector<decision::Query> queries(std::size_t count, std::size_t schools) {
  static std::vector<std::string> school_ids;
  school_ids.clear();
  for (std::size_t i = 0; i < schools; ++i)
    school_ids.push_back("school-" + std::to_string(i));
  std::mt19937 rng(42);
  std::vector<decision::Query> out;
  const auto& apps = catalogue().apps();
  for (std::size_t i = 0; i < count; ++i) {
    const auto& app = apps[rng() % apps.size()];
    const auto& grants = app.permissions.grants();
    const auto& grant = grants[rng() % grants.size()];
    decision::Query q{app.id, school_ids[rng() % schools], grant.data_type,
                      kAllOperations[rng() % 4], std::nullopt};
    if (rng() % 2 == 0 && !grant.fields.empty())
      q.field = grant.fields[rng() % grant.fields.size()];
    out.push_back(q);
  }
  return out;
}

void BM_Evaluate(benchmark::State& state) {
  const auto qs = queries(4096, 1);
  const cache::Entry approved{cache::Presence::approved, 0, 1};
  std::vector<const policy::App*> apps;
  for (const auto& q : qs)
    apps.push_back(catalogue().find_app(q.app));
  std::size_t i = 0;
  std::size_t allowed = 0;
  for (auto _ : state) {
    const auto& q = qs[i & 4095];
    cache::Entry e = approved;
    e.permission_set_version = apps[i & 4095]->permissions.version();
    allowed += decision::Checker::evaluate(*apps[i & 4095], e, q).allow;
    ++i;
  }
  benchmark::DoNotOptimize(allowed);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_Evaluate);

// The checker never reaches the store on a warm cache; these references are never used.
struct NoStore final : store::ConnectionStore, store::DirectoryStore {
  std::optional<store::Connection> find_connection(std::string_view, std::string_view) override {
    throw std::logic_error("miss");
  }
  std::vector<store::Connection> list_connections(std::string_view,
                                                  std::optional<ConnectionStatus>) override {
    return {};
  }
  std::optional<store::Connection> apply(const store::ConnectionChange&,
                                         const store::AuditRecord&) override {
    return {};
  }
  std::optional<std::vector<store::Connection>> apply_all(std::span<const store::AuditedChange>,
                                                          const store::BatchAnswer*) override {
    return {};
  }
  std::vector<store::Connection> trust_connections(std::string_view) override { return {}; }
  std::vector<store::Connection> app_connections(std::string_view,
                                                 const AppConnectionsQuery&) override {
    return {};
  }
  std::vector<store::Connection> pending_requests_before(TimePoint, std::size_t) override {
    return {};
  }
  std::optional<std::vector<store::Connection>> go_live(std::string_view,
                                                        const GoLiveRecords&) override {
    return {};
  }
  store::Upsert upsert_site(const Site&) override { return store::Upsert::unchanged; }
  std::optional<Site> find_site(std::string_view) override { return {}; }
  std::vector<Site> list_sites() override { return {}; }
  store::Upsert upsert_user(const User&) override { return store::Upsert::unchanged; }
  std::optional<User> find_user(std::int64_t) override { return {}; }
  std::optional<User> find_user_by_email(std::string_view) override { return {}; }
  std::vector<User> users_of_site(std::string_view) override { return {}; }
};

// Asks what `make(checker)` returns about queries over state.range(0) schools, every pair cached
// as approved: the warm cache the gateway nearly always meets.
template <class Make>
void warm(benchmark::State& state, Make make) {
  const std::size_t schools = static_cast<std::size_t>(state.range(0));
  const auto qs = queries(4096, schools);
  cache::LocalCache cache;
  for (const auto& q : qs) {
    const auto* app = catalogue().find_app(q.app);
    cache.put(q.school, q.app, {cache::Presence::approved, app->permissions.version(), 1});
  }
  NoStore none;
  decision::Checker checker(live_catalogue(), cache, none, none);
  auto ask = make(checker);
  std::size_t i = 0;
  std::size_t allowed = 0;
  for (auto _ : state) {
    allowed += ask(qs[i & 4095]).allow;
    ++i;
  }
  benchmark::DoNotOptimize(allowed);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// App lookup + cache lookup + evaluation: what the server does before any I/O.
void BM_CheckCached(benchmark::State& state) {
  warm(state, [](decision::Checker& checker) {
    return [&checker](const decision::Query& q) { return *checker.check_cached(q); };
  });
}
BENCHMARK(BM_CheckCached)->Arg(1)->Arg(500);

// The route's level-1 path through the decision service: check_cached() and the counting of
// the lookup and the answer (what a level-1 hit costs before the answer is rendered).
void BM_ServiceAnswerCached(benchmark::State& state) {
  exec::BlockingPool unused(1);
  metrics::ServiceMetrics metrics;
  std::optional<decision::Service> service;
  warm(state, [&](decision::Checker& checker) {
    service.emplace(checker, nullptr, unused, &metrics);
    return [&](const decision::Query& q) { return *service->answer_cached(q); };
  });
  unused.join();
}
BENCHMARK(BM_ServiceAnswerCached)->Arg(1)->Arg(500);

}  // namespace

// What the MAC adds to a Redis-hit decision: parsing the level-2 value and checking its tag
// (one keyed BLAKE2b over prefix, pair and entry; two during a key rotation). A level-2 miss
// adds one tag (the `remember` it writes) on top of its store read.
void BM_Level2VerifyEntry(benchmark::State& state) {
  const auto keys = state.range(0) == 1
                        ? cache::MacKeys::from_secrets("bench-mac-key-0123456789abcdef-0123456")
                        : cache::MacKeys::from_secrets("bench-mac-key-0123456789abcdef-0123456",
                                                       "bench-previous-key-0123456789abcdef-01");
  const std::string entry = "3 4 12";
  auto input = [&](const std::string& text) {
    return "e\ncanopy\noakfield-primary\nwonde\n" + text;
  };
  const std::string value = entry + " " + keys->sign(input(entry));
  for (auto _ : state) {
    const auto record = cache::decode_record(value);
    const bool ok = keys->verify(input(record.entry_text), record.tag);
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_Level2VerifyEntry)->Arg(1)->Arg(2);

void BM_Level2SignEntry(benchmark::State& state) {
  const auto keys = cache::MacKeys::from_secrets("bench-mac-key-0123456789abcdef-0123456");
  for (auto _ : state) {
    auto tag = keys->sign("e\ncanopy\noakfield-primary\nwonde\n3 4 12");
    benchmark::DoNotOptimize(tag);
  }
}
BENCHMARK(BM_Level2SignEntry);

BENCHMARK_MAIN();
