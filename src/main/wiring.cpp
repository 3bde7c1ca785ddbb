// The arrows of docs/architecture.md, in code: policy and store, then workers, cache and pools,
// then readiness and reloads, then the use cases, then routes, listeners and jobs.
#include "main/wiring.hpp"

#include <unistd.h>

#include <algorithm>

namespace canopy::cli {
namespace {

// How this replica signs the delivery log: its Redis id with --cache redis, else host and pid.
std::string replica_name(const Caches& caches) {
  if (caches.shared) return caches.shared->replica_id().substr(0, 40);
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  // At most 40 characters: with a claim's suffix, it fits the store's 64 (lease_owner).
  const std::string name = host[0] != '\0' ? host : "canopy";
  return name.substr(0, 32) + ":" + std::to_string(getpid());
}

// One io_context per I/O thread; each is run by exactly one thread, which it is told.
std::vector<std::unique_ptr<asio::io_context>> make_workers(unsigned threads) {
  std::vector<std::unique_ptr<asio::io_context>> ios;
  for (unsigned i = 0; i < std::max(threads, 1u); ++i)
    ios.push_back(std::make_unique<asio::io_context>(1));
  return ios;
}

Caches make_caches(const AppConfig& config, std::vector<asio::io_context*> workers) {
  Caches caches;
  if (config.cache == AppConfig::CacheKind::redis) {
    caches.shared = std::make_unique<cache::SharedCache>(std::move(workers), config.redis);
  } else {
    caches.local = std::make_unique<cache::LocalCache>();
  }
  return caches;
}

bool secure_cookies(const AppConfig& config) {
  if (config.cookies != AppConfig::Cookies::automatic)
    return config.cookies == AppConfig::Cookies::secure;
  if (config.address == "localhost") return false;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(config.address, ec);
  return ec || !address.is_loopback();
}

// Where browsers reach this service: as configured, or this listener's own address.
std::string public_url(const AppConfig& config) {
  if (!config.public_url.empty()) return config.public_url;
  const bool v6 = config.address.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + config.address + "]" : config.address) + ":" +
         std::to_string(config.port);
}

// The use cases over the parts built before them, and what the handlers are given of them.
UseCases wire_use_cases(const Parts& parts, Readiness& readiness, PolicyReloads& reloads) {
  const AppConfig& config = parts.config;
  const Clock& clock = *parts.clock;
  const policy::LivePolicies& policies = *parts.policies;
  store::Store& store = *parts.store;
  cache::DecisionCache& cache = parts.caches.decision();
  cache::SharedCache* shared = parts.caches.shared.get();
  metrics::ServiceMetrics* metrics = config.metrics ? parts.metrics.get() : nullptr;
  UseCases u;
  u.directory = std::make_unique<tenancy::Directory>(policies, store, store, store);
  u.consent = std::make_unique<consent::Service>(policies, store, store, store, cache, clock,
                                                 config.deletion_deadline);
  u.checker = std::make_unique<decision::Checker>(policies, cache, store, store);
  // Device cookies must verify on every replica: their keys come from a secret all share, their
  // own when the operator gives one, else the service token.
  auth::SignInPolicy sign_in = config.sign_in;
  const bool own_key = !config.device_cookie_key.empty();
  const std::string& current = own_key ? config.device_cookie_key : config.service_token;
  const std::string& previous =
      own_key ? config.previous_device_cookie_key : config.previous_service_token;
  for (const auto* secret : {&current, &previous})
    if (!secret->empty()) sign_in.device_secrets.push_back(*secret);
  u.sessions = std::make_unique<auth::SessionService>(store, store, store, store, clock, sign_in);
  u.partners = std::make_unique<auth::PartnerAuthenticator>(policies, store);
  u.service_token =
      std::make_unique<auth::ServiceToken>(config.service_token, config.previous_service_token);
  u.revoker = std::make_unique<revocation::Revoker>(
      shared, store, parts.pools->blocking, clock,
      revocation::RevokerConfig{.commit_within = config.redis.hold_ttl / 3,
                                .without_store = config.redis.without_store,
                                .catch_up = config.redis.lease + config.redis.margin,
                                .metrics = metrics});
  u.changes = std::make_unique<consent::Changes>(*u.consent, *u.revoker, shared,
                                                 parts.pools->blocking, clock);
  u.decisions =
      std::make_unique<decision::Service>(*u.checker, shared, parts.pools->blocking, metrics);
  u.inbox = std::make_unique<consent::Inbox>(store, *u.directory, clock);
  u.audit = std::make_unique<consent::AuditLog>(store, *u.directory);
  u.keys = std::make_unique<consent::IdempotencyKeys>(store, clock);
  u.events = std::make_unique<consent::PartnerEvents>(store, clock);
  u.deletions = std::make_unique<consent::Deletions>(store, store, store, clock);
  u.links = std::make_unique<consent::ConnectLinks>(
      store, store, clock,
      consent::ConnectLinkConfig{.lifetime = config.connect_link_lifetime,
                                 .public_url = public_url(config)});
  u.approvals =
      std::make_unique<consent::ConnectApprovals>(store, store, store, *u.consent, policies, clock);

  exec::BlockingPool& blocking = parts.pools->blocking;
  const api::Edge edge{policies, *u.sessions, *u.directory,
                       blocking, clock,       config.trusted_proxies};
  u.routes.reset(new api::RouteGroups{
      .sessions = {.edge = edge,
                   .hashing = parts.pools->hashing,
                   .secure_cookies = secure_cookies(config),
                   .session_ttl = config.sign_in.session_ttl,
                   .device_lifetime = config.sign_in.device_lifetime,
                   .metrics = metrics},
      .school_apps =
          {.edge = edge, .consent = *u.consent, .changes = *u.changes, .deletions = *u.deletions},
      .partners = {.partners = *u.partners,
                   .consent = *u.consent,
                   .changes = *u.changes,
                   .events = *u.events,
                   .deletions = *u.deletions,
                   .links = *u.links,
                   .blocking = blocking},
      .decisions = {.service_token = *u.service_token, .decisions = *u.decisions},
      .trusts = {.edge = edge, .consent = *u.consent, .deletions = *u.deletions},
      .bulk_decisions = {.edge = edge,
                         .consent = *u.consent,
                         .changes = *u.changes,
                         .keys = *u.keys,
                         .metrics = metrics},
      .notifications = {.edge = edge, .inbox = *u.inbox},
      .users = {.edge = edge},
      .audit = {.edge = edge, .consent = *u.consent, .audit = *u.audit},
      .policies = {.policy = policies,
                   .service_token = *u.service_token,
                   .blocking = blocking,
                   .reload = [&reloads] { return reloads.reload(); }},
      .events = {.service_token = *u.service_token, .events = *u.events, .blocking = blocking},
      .sites = {.service_token = *u.service_token, .consent = *u.consent, .blocking = blocking},
      .connect = {.edge = edge,
                  .hashing = parts.pools->hashing,
                  .approvals = *u.approvals,
                  .changes = *u.changes,
                  .secure_cookies = secure_cookies(config),
                  .device_lifetime = config.sign_in.device_lifetime,
                  .metrics = metrics},
      .ready = [&readiness] { return readiness.ready(); }});
  return u;
}

}  // namespace

cache::DecisionCache& Caches::decision() const {
  if (shared) return *shared;
  return *local;
}

Pools::Pools(const AppConfig& config)
    : blocking(config.blocking_threads), hashing(config.hashing_threads, config.hashing_queue) {}

void Pools::join() {
  blocking.join();
  hashing.join();
}

std::vector<asio::io_context*> Parts::workers() const {
  std::vector<asio::io_context*> out;
  for (const auto& io : ios)
    out.push_back(io.get());
  return out;
}

std::unique_ptr<Parts> wire(AppConfig config, const Clock& clock, policy::LoadResult policy,
                            std::unique_ptr<store::Store> store, events::Endpoints endpoints) {
  auto p = std::make_unique<Parts>();
  p->config = std::move(config);
  p->clock = &clock;
  p->policies =
      std::make_unique<policy::LivePolicies>(std::move(policy.snapshot), std::move(policy.digest));
  p->store = std::move(store);
  p->ios = make_workers(p->config.io_threads);
  p->caches = make_caches(p->config, p->workers());
  p->pools = std::make_unique<Pools>(p->config);
  p->metrics = std::make_unique<metrics::ServiceMetrics>();
  p->readiness = std::make_unique<Readiness>(p->config.migrations == AppConfig::Migrations::apply,
                                             p->caches.shared.get(), p->config.readiness_interval);
  p->reloads = std::make_unique<PolicyReloads>(p->config.policies, *p->policies, *p->store, clock,
                                               *p->readiness);
  p->use_cases = wire_use_cases(*p, *p->readiness, *p->reloads);
  // The listeners only keep the router: its routes are added before they listen, and in this
  // order, since a route's place in the table is its slot in the request counts.
  p->router = std::make_unique<http::Router>();
  p->listeners = std::make_unique<Listeners>(p->config, p->workers(), *p->router);
  p->metrics_endpoint = std::make_unique<MetricsEndpoint>(
      p->config.metrics, MetricsEndpoint::Sources{.readiness = *p->readiness,
                                                  .policies = *p->policies,
                                                  .reloads = *p->reloads,
                                                  .listeners = *p->listeners,
                                                  .metrics = *p->metrics,
                                                  .store = *p->store,
                                                  .shared = p->caches.shared.get()});
  api::add_routes(*p->router, *p->use_cases.routes);
  p->metrics_endpoint->add_route(*p->router);
  p->jobs = std::make_unique<BackgroundJobs>(p->config, clock, *p->store, p->io(),
                                             p->pools->blocking, p->caches.shared.get(),
                                             *p->readiness, *p->reloads, *p->use_cases.changes);
  p->dispatcher = std::make_unique<events::Dispatcher>(
      *p->store, p->pools->blocking, std::move(endpoints), p->config.webhook, clock,
      replica_name(p->caches), p->config.metrics ? p->metrics.get() : nullptr);
  return p;
}

}  // namespace canopy::cli
