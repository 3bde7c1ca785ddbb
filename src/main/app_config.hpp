// What one `canopy serve` is told: store, listeners, pools, cache, timings. Built once from the
// command line (serve.cpp) or by a test, then read-only.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "auth/sessions.hpp"
#include "cache/shared_cache.hpp"
#include "events/dispatcher.hpp"
#include "http/server_limits.hpp"
#include "http/trusted_proxies.hpp"
#include "main/store_config.hpp"
#include "store/retention.hpp"

namespace canopy::cli {

struct AppConfig {
  StoreConfig store;
  std::filesystem::path policies = "policies";
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;
  // When set, a second listener serves /internal/* (the gateway's decisions) and the health
  // routes, with its own connection cap, and the public listener answers /internal/* with 404:
  // no client of the public port can starve the gateway, and a NetworkPolicy can admit only the
  // gateway to this port. Port 0 picks a free port.
  std::optional<std::uint16_t> internal_port;
  std::string internal_address = "127.0.0.1";
  // When set, a third listener serves GET /metrics alone, and the others answer it 404; when
  // not, the public listener (and the internal one) serve it.
  std::optional<std::uint16_t> metrics_port;
  std::string metrics_address = "127.0.0.1";
  // Counting for /metrics; off only to measure what counting costs (bench/run).
  bool metrics = true;
  // apply: create() migrates the store. wait: it does not (a migration job does), and /readyz
  // answers 503 until the store's schema is at least this binary's.
  enum class Migrations { apply, wait } migrations = Migrations::apply;
  unsigned io_threads = 2;
  unsigned blocking_threads = 4;
  // Password hashing (argon2id) has its own pool: its threads, and how many sign-ins may wait
  // for one; beyond that a sign-in answers 503 at once. Store calls never wait behind it.
  unsigned hashing_threads = 2;
  std::size_t hashing_queue = 8;
  std::string service_token;  // required: main generates one when none is configured
  // Also accepted while a rotation rolls out (the gateway moving to the new token); empty: none.
  std::string previous_service_token;
  // The keys device cookies are signed with (auth/device_cookies.hpp), shared by every replica:
  // the first signs, both verify. Empty: derived from the service tokens, which the gateway
  // holds too (so it could forge them); an operator sets one of Canopy's own.
  std::string device_cookie_key;
  std::string previous_device_cookie_key;
  // Secure session cookies. automatic: Secure unless `address` is a loopback address (a
  // browser on this machine, over plain HTTP); a TLS proxy on the same host needs `secure`.
  enum class Cookies { automatic, secure, insecure } cookies = Cookies::automatic;
  // How often the store is probed for /readyz; a probe older than three of these is not ready.
  std::chrono::milliseconds readiness_interval = std::chrono::seconds(1);
  auth::SignInPolicy sign_in;
  // The proxies in front whose forwarding headers name the client (sign-in's throttles and
  // history); none by default, so nobody can claim another's address.
  http::TrustedProxies trusted_proxies;
  // Request bodies up to 64 KiB; routes that take batches set their own (RouteOptions).
  http::ServerLimits limits;
  // The decision cache: in-process only, or shared by replicas through Redis.
  enum class CacheKind { local, redis } cache = CacheKind::local;
  cache::SharedCacheConfig redis;
  // What old data is deleted, and how often this replica looks (store/retention.hpp); the
  // first look is one interval after the start.
  store::Retention retention;
  std::chrono::milliseconds housekeeping_interval = std::chrono::hours(1);
  // Pending requests nobody decided for this long expire (the partner may ask again); zero:
  // never. Looked for every expiry_interval.
  std::chrono::days request_expiry{30};
  std::chrono::milliseconds expiry_interval = std::chrono::minutes(5);
  // The alternative connection's links: how long one lasts, and the URL school users' browsers
  // reach this service at (empty: http:// and the public listener's address).
  std::chrono::seconds connect_link_lifetime{std::chrono::hours(24)};
  std::string public_url;
  // How long a partner whose approval is revoked has to attest it deleted the school's data.
  std::chrono::days deletion_deadline{30};
  // Partner webhook endpoints (events/endpoints.hpp), checked at create(); unset: partner
  // events are kept but none is pushed.
  std::optional<std::filesystem::path> webhooks;
  events::DispatchConfig webhook;
};

}  // namespace canopy::cli
