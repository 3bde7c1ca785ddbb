// The parts the service is made of, and wire(), which builds them from one config in the order
// their dependencies require, handing each the references it uses.
#pragma once

#include <memory>
#include <vector>

#include "api/services.hpp"
#include "auth/partners.hpp"
#include "auth/sessions.hpp"
#include "cache/local_cache.hpp"
#include "cache/shared_cache.hpp"
#include "consent/changes.hpp"
#include "consent/connect_links.hpp"
#include "consent/service.hpp"
#include "core/time.hpp"
#include "decision/checker.hpp"
#include "decision/service.hpp"
#include "events/dispatcher.hpp"
#include "exec/blocking_pool.hpp"
#include "http/asio.hpp"
#include "http/router.hpp"
#include "main/app_config.hpp"
#include "main/background_jobs.hpp"
#include "main/listeners.hpp"
#include "main/metrics_endpoint.hpp"
#include "main/policy_reloads.hpp"
#include "main/readiness.hpp"
#include "metrics/service_metrics.hpp"
#include "policy/live.hpp"
#include "policy/snapshot.hpp"
#include "revocation/revoker.hpp"
#include "store/store.hpp"

namespace canopy::cli {

// The decision cache: in-process only, or shared by replicas through Redis.
struct Caches {
  std::unique_ptr<cache::LocalCache> local;    // with CacheKind::local
  std::unique_ptr<cache::SharedCache> shared;  // with CacheKind::redis
  cache::DecisionCache& decision() const;
};

// Thread pools for blocking work, so I/O threads never block: the store's calls, and a small
// bounded pool for password hashing, so that sign-ins never make a store call wait.
struct Pools {
  explicit Pools(const AppConfig& config);
  exec::BlockingPool blocking;
  exec::BlockingPool hashing;
  void join();
};

// The use cases and the handlers' view of them.
struct UseCases {
  std::unique_ptr<tenancy::Directory> directory;
  std::unique_ptr<consent::Service> consent;
  std::unique_ptr<decision::Checker> checker;
  std::unique_ptr<auth::SessionService> sessions;
  std::unique_ptr<auth::PartnerAuthenticator> partners;
  std::unique_ptr<auth::ServiceToken> service_token;
  std::unique_ptr<revocation::Revoker> revoker;
  std::unique_ptr<consent::Changes> changes;     // every change to a connection
  std::unique_ptr<decision::Service> decisions;  // the gateway's questions
  std::unique_ptr<consent::Inbox> inbox;
  std::unique_ptr<consent::AuditLog> audit;
  std::unique_ptr<consent::IdempotencyKeys> keys;
  std::unique_ptr<consent::PartnerEvents> events;        // the outbox, read
  std::unique_ptr<consent::Deletions> deletions;         // attestations after revocations
  std::unique_ptr<consent::ConnectLinks> links;          // the alternative connection's links
  std::unique_ptr<consent::ConnectApprovals> approvals;  // and the page they open
  std::unique_ptr<api::RouteGroups> routes;              // what each group of handlers is given
};

// Built by wire() only, on the heap and never moved, so the references between parts stay
// good. wire() sets the members one after the other, each from those set before it, so no
// part's construction depends on where it is declared. They are declared in that same order
// all the same, so that they are destroyed in reverse: nothing outlives what it refers to.
struct Parts {
  Parts() = default;
  Parts(const Parts&) = delete;
  Parts& operator=(const Parts&) = delete;

  AppConfig config;
  const Clock* clock = nullptr;
  std::unique_ptr<policy::LivePolicies> policies;
  std::unique_ptr<store::Store> store;
  std::vector<std::unique_ptr<asio::io_context>> ios;  // one per I/O thread
  Caches caches;
  std::unique_ptr<Pools> pools;
  std::unique_ptr<metrics::ServiceMetrics> metrics;
  std::unique_ptr<Readiness> readiness;
  std::unique_ptr<PolicyReloads> reloads;
  UseCases use_cases;
  std::unique_ptr<http::Router> router;
  std::unique_ptr<Listeners> listeners;
  std::unique_ptr<MetricsEndpoint> metrics_endpoint;
  std::unique_ptr<BackgroundJobs> jobs;
  std::unique_ptr<events::Dispatcher> dispatcher;  // partner events to their webhooks

  // The first I/O worker: it also accepts, and runs the Redis connections and the jobs.
  asio::io_context& io() const { return *ios.front(); }
  std::vector<asio::io_context*> workers() const;
};

// Every part, from a config whose policies are loaded and whose store is open (and migrated,
// unless the config says to wait for the schema). Nothing runs until the workers do.
// `endpoints`: the partners' webhooks, loaded and checked (none: nothing is pushed).
std::unique_ptr<Parts> wire(AppConfig config, const Clock& clock, policy::LoadResult policy,
                            std::unique_ptr<store::Store> store, events::Endpoints endpoints = {});

}  // namespace canopy::cli
