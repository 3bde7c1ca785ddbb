// What the API handlers are wired to: each route group gets a struct of the use cases it calls
// and nothing else, built once in main (main/wiring.cpp) and kept as long as the router.
// Handlers reach the store only through these use cases.
#pragma once

#include <chrono>
#include <functional>

#include "auth/partners.hpp"
#include "auth/sessions.hpp"
#include "consent/audit_log.hpp"
#include "consent/changes.hpp"
#include "consent/connect_approvals.hpp"
#include "consent/connect_links.hpp"
#include "consent/deletions.hpp"
#include "consent/idempotency_keys.hpp"
#include "consent/inbox.hpp"
#include "consent/partner_events.hpp"
#include "consent/service.hpp"
#include "decision/service.hpp"
#include "exec/blocking_pool.hpp"
#include "http/router.hpp"
#include "http/trusted_proxies.hpp"
#include "metrics/service_metrics.hpp"
#include "policy/live.hpp"
#include "tenancy/directory.hpp"

namespace canopy::api {

// What every group of a signed-in person's routes needs: who is calling (the session, and the
// trust of a trust's routes), the policies in force, where blocking work runs, the time.
struct Edge {
  const policy::LivePolicies& policy;  // current() for a whole step
  auth::SessionService& sessions;
  tenancy::Directory& directory;
  exec::BlockingPool& blocking;  // store calls; never password hashing
  const Clock& clock;
  // Whose forwarding headers say who the client is (sign-in's throttles and history).
  const http::TrustedProxies& proxies;
};

struct SessionRoutes {
  Edge edge;
  exec::BlockingPool& hashing;  // argon2id (sign-in), small and bounded: see exec/blocking_pool.hpp
  bool secure_cookies = true;   // set the Secure attribute (off only on loopback, or when told)
  std::chrono::seconds session_ttl{std::chrono::hours(8)};
  std::chrono::seconds device_lifetime{std::chrono::hours(24 * 90)};  // the device cookie's
  metrics::ServiceMetrics* metrics = nullptr;  // where to count; none when counting is off
};

// The alternative connection's page: a school user with a partner's link, and no session.
struct ConnectRoutes {
  Edge edge;
  exec::BlockingPool& hashing;  // argon2id, as for sign-in
  consent::ConnectApprovals& approvals;
  consent::Changes& changes;
  bool secure_cookies = true;
  std::chrono::seconds device_lifetime{std::chrono::hours(24 * 90)};
  metrics::ServiceMetrics* metrics = nullptr;
};

// A school's admins: its apps, their decisions.
struct SchoolAppRoutes {
  Edge edge;
  consent::Service& consent;
  consent::Changes& changes;  // every change to a connection
  consent::Deletions& deletions;
};

// Partner apps, by their client credentials.
struct PartnerRoutes {
  auth::PartnerAuthenticator& partners;
  consent::Service& consent;
  consent::Changes& changes;
  consent::PartnerEvents& events;
  consent::Deletions& deletions;
  consent::ConnectLinks& links;
  exec::BlockingPool& blocking;
};

// The gateway's questions, by the service token.
struct DecisionRoutes {
  const auth::ServiceToken& service_token;
  decision::Service& decisions;
};

// A trust's central team: its schools, their terms, the matrix and the export.
struct TrustRoutes {
  Edge edge;
  consent::Service& consent;
  consent::Deletions& deletions;
};

struct BulkDecisionRoutes {
  Edge edge;
  consent::Service& consent;
  consent::Changes& changes;
  consent::IdempotencyKeys& keys;
  metrics::ServiceMetrics* metrics = nullptr;
};

struct NotificationRoutes {
  Edge edge;
  consent::Inbox& inbox;
};

// A site's people and their sign-ins (Edge::directory).
struct UserRoutes {
  Edge edge;
};

struct AuditRoutes {
  Edge edge;
  consent::Service& consent;
  consent::AuditLog& audit;
};

// What a reload of the policies did: the policies now in force, or, when none, every problem
// found as "file:line: message" (the policies in force stay).
struct PolicyReload {
  std::optional<policy::LivePolicies::Loaded> loaded;
  std::vector<std::string> problems;
};

// The operator's, by the service token.
struct PolicyRoutes {
  const policy::LivePolicies& policy;
  const auth::ServiceToken& service_token;
  exec::BlockingPool& blocking;
  // Blocking: reads the policies directory again and puts it in force (Application).
  std::function<PolicyReload()> reload;
};

// The operator's view of partner events and their deliveries, by the service token.
struct EventRoutes {
  const auth::ServiceToken& service_token;
  consent::PartnerEvents& events;
  exec::BlockingPool& blocking;
};

struct SiteRoutes {
  const auth::ServiceToken& service_token;
  consent::Service& consent;
  exec::BlockingPool& blocking;
};

// Every group, plus what health and readiness answer from.
struct RouteGroups {
  SessionRoutes sessions;
  SchoolAppRoutes school_apps;
  PartnerRoutes partners;
  DecisionRoutes decisions;
  TrustRoutes trusts;
  BulkDecisionRoutes bulk_decisions;
  NotificationRoutes notifications;
  UserRoutes users;
  AuditRoutes audit;
  PolicyRoutes policies;
  EventRoutes events;
  SiteRoutes sites;
  ConnectRoutes connect;
  // True when the store answered its last probe and the server is not stopping. Never blocks
  // and waits on no pool: the probe runs on its own thread (main/readiness.hpp).
  std::function<bool()> ready;
};

// `groups` must outlive the router: its handlers keep references into it.
void add_routes(http::Router& router, RouteGroups& groups);

using Work = std::function<Result<http::Response>()>;

// Runs blocking `work` (store) on the blocking pool and resumes on the caller's strand.
inline asio::awaitable<Result<http::Response>> on_pool(exec::BlockingPool& pool, Work work) {
  Result<http::Response> out = make_error(Errc::internal, "the work did not run");
  co_await pool.run([&] { out = work(); });
  co_return out;
}

inline asio::awaitable<Result<http::Response>> on_pool(const Edge& edge, Work work) {
  return on_pool(edge.blocking, std::move(work));
}

}  // namespace canopy::api
