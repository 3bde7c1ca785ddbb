// What the API handlers are wired to: references to the use cases, built once in main.
#pragma once

#include <functional>

#include "auth/partners.hpp"
#include "auth/sessions.hpp"
#include "consent/changes.hpp"
#include "consent/service.hpp"
#include "decision/service.hpp"
#include "exec/blocking_pool.hpp"
#include "http/router.hpp"
#include "metrics/service_metrics.hpp"
#include "policy/live.hpp"
#include "store/store.hpp"

namespace canopy::api {

// What a reload of the policies did: the policies now in force, or, when none, every problem
// found as "file:line: message" (the policies in force stay).
struct PolicyReload {
  std::optional<policy::LivePolicies::Loaded> loaded;
  std::vector<std::string> problems;
};

struct Services {
  const policy::LivePolicies& policy;  // current() for a whole step
  consent::Service& consent;
  consent::Changes& changes;     // every change to a connection
  decision::Service& decisions;  // the gateway's questions
  auth::SessionService& sessions;
  auth::PartnerAuthenticator& partners;
  const auth::ServiceToken& service_token;
  store::DirectoryStore& directory;
  store::TrustStore& trusts;
  store::NotificationStore& notifications;
  store::LoginHistoryStore& logins;
  store::IdempotencyStore& idempotency;
  store::AuditStore& audit;
  const Clock& clock;
  exec::BlockingPool& blocking;  // store calls; never password hashing
  exec::BlockingPool& hashing;  // argon2id (sign-in), small and bounded: see exec/blocking_pool.hpp
  // True when the store answered its last probe and the server is not stopping. Never blocks
  // and waits on no pool: the probe runs on its own thread (main/application.cpp).
  std::function<bool()> ready;
  bool secure_cookies = true;  // set the Secure attribute (off only on loopback, or when told)
  std::chrono::seconds session_ttl{std::chrono::hours(8)};
  metrics::ServiceMetrics* metrics = nullptr;  // where to count; none when counting is off
  // Blocking: reads the policies directory again and puts it in force (Application).
  std::function<PolicyReload()> reload_policies;
};

void add_routes(http::Router& router, Services& services);

using Work = std::function<Result<http::Response>()>;

// Runs blocking `work` (store) on the blocking pool and resumes on the caller's strand.
inline asio::awaitable<Result<http::Response>> on_pool(Services& s, Work work) {
  Result<http::Response> out = make_error(Errc::internal, "the work did not run");
  co_await s.blocking.run([&] { out = work(); });
  co_return out;
}

}  // namespace canopy::api
