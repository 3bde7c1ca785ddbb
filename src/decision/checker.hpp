// The hot path: may app A do operation O on data type T (field F) of school S, right now?
// check_cached() answers from policy and cache alone, never blocking; on a miss the caller runs
// check_store() on the blocking pool, which fills the cache for the next time.
#pragma once

#include <optional>
#include <string_view>

#include "cache/decision_cache.hpp"
#include "core/operation.hpp"
#include "policy/live.hpp"
#include "store/store.hpp"

namespace canopy::decision {

struct Query {
  std::string_view app;
  std::string_view school;
  std::string_view data_type;
  Operation operation = Operation::read;
  std::optional<std::string_view> field;
};

struct Decision {
  bool allow = false;
  std::string_view reason;  // a stable code; static storage
};

class Checker {
 public:
  Checker(const policy::LivePolicies& policy, cache::DecisionCache& cache,
          store::ConnectionStore& connections, store::DirectoryStore& directory)
      : policy_(policy), cache_(cache), connections_(connections), directory_(directory) {}

  std::optional<Decision> check_cached(const Query& query) const;
  // Taken before looking anywhere else (the shared level), for check_entry.
  cache::Generation generation() const { return cache_.generation(); }
  // The same answer for an entry found elsewhere (the shared level) after `since` was taken,
  // when level 1 takes it; nullopt when level 1 refuses it (a hold or floor stands against it,
  // it knows a newer revision, or it was cleared meanwhile): then the entry is not to be
  // trusted, and the caller reads the store.
  std::optional<Decision> check_entry(const Query& query, const cache::Entry& entry,
                                      cache::Generation since);
  // Reads the store; fills level 1 and, when the connection exists, `*found` (for level 2).
  // `since` is the generation taken before the lookups that led here (by default, now).
  Decision check_store(const Query& query, std::optional<cache::Entry>* found = nullptr,
                       std::optional<cache::Generation> since = std::nullopt);

  // Pure evaluation of one cached entry against the app's current permission set.
  static Decision evaluate(const policy::App& app, const cache::Entry& entry, const Query& query);

 private:
  const policy::LivePolicies& policy_;
  cache::DecisionCache& cache_;
  store::ConnectionStore& connections_;
  store::DirectoryStore& directory_;
};

}  // namespace canopy::decision
