// The `canopy` subcommands. Each returns the process exit code.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "core/time.hpp"
#include "main/store_config.hpp"
#include "policy/snapshot.hpp"
#include "store/retention.hpp"

namespace canopy::cli {

// kBroken: a check found a problem in the data (an audit chain broken), as opposed to kFailure,
// the command could not run.
enum ExitCode : int { kOk = 0, kInvalid = 1, kBroken = 1, kUsage = 2, kFailure = 3 };

struct Common {
  StoreConfig store;
  std::filesystem::path policies = "policies";
  // Sign-in attempts older than this are deleted (serve, hourly; housekeeping); 0 keeps them.
  unsigned login_history_days = 365;
};

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  unsigned io_threads = 2;
  unsigned blocking_threads = 4;
  unsigned hashing_threads = 2;
  std::size_t hashing_queue = 8;
  unsigned sign_in_burst = 60;       // sign-in attempts one address may make at once
  unsigned sign_in_per_minute = 60;  // and then per minute
  // CIDRs of proxies whose Forwarded / X-Forwarded-For headers name the client; empty: none.
  std::string trusted_proxies;
  std::string forwarded_header = "x-forwarded-for";  // the one the trusted proxies write
  std::size_t max_connections = 1024;
  std::size_t max_connections_per_address = 256;  // 0: no per-address cap
  std::string internal_listen;                    // empty: /internal/* on the public listener
  std::filesystem::path service_token_file;
  // Where a generated service token goes when none is configured; empty: beside --db.
  std::filesystem::path generated_service_token_file;
  bool secure_cookies = false;    // Secure even on a loopback address (a TLS proxy on the host)
  bool insecure_cookies = false;  // never Secure (plain HTTP on purpose)
  long session_ttl_minutes = 480;
  bool access_log = true;
  std::string password_cost = "interactive";
  unsigned shutdown_grace_seconds = 10;
  // After SIGTERM, /readyz answers 503 at once and the listeners go on serving this long (a
  // load balancer's time to stop sending), before the grace period starts.
  unsigned shutdown_delay_seconds = 0;
  std::filesystem::path service_token_previous_file;      // or CANOPY_SERVICE_TOKEN_PREVIOUS
  std::filesystem::path device_cookie_key_file;           // or CANOPY_DEVICE_COOKIE_KEY
  std::filesystem::path device_cookie_key_previous_file;  // or CANOPY_DEVICE_COOKIE_KEY_PREVIOUS
  std::string metrics_listen;  // empty: /metrics on the public (and internal) listener
  bool metrics = true;
  std::string log_format = "auto";  // auto: json unless stderr is a terminal
  std::string log_level = "info";
  std::string migrations = "apply";  // or wait
  std::string cache = "local";       // local or redis
  std::string redis = "127.0.0.1:6379";
  std::string redis_prefix = "canopy";
  unsigned lease_ms = 2000;
  std::string redis_user;      // ACL user; the password comes from RedisSecrets
  RedisSecrets redis_secrets;  // files named by flags; values read at start
  int redis_timeouts_before_reconnect = 3;
  std::size_t redis_max_inflight = 4096;
  unsigned level2_ttl_seconds = 24 * 3600;
  unsigned hold_ttl_ms = 60'000;
  unsigned store_outage_minutes = 120;
  // Partner webhooks (events/endpoints.hpp); empty: events are kept, none is pushed.
  std::filesystem::path webhooks;
  unsigned webhook_timeout_ms = 10'000;
  unsigned webhook_lease_ms = 60'000;
  unsigned webhook_poll_ms = 1'000;
  unsigned webhook_retry_base_ms = 5'000;
  unsigned webhook_max_attempts = 12;
  unsigned request_expiry_days = 30;  // 0: requests never expire
  unsigned deletion_deadline_days = 30;
  unsigned connect_link_hours = 24;
  std::string public_url;  // empty: http:// and the --listen address
};

int serve(const Common& common, const ServeOptions& options);

struct ReloadOptions {
  std::string url = "http://127.0.0.1:8080";  // the listener that serves /internal/*
  std::filesystem::path service_token_file;   // or CANOPY_SERVICE_TOKEN
};
// Asks a running serve to reload its policies; kInvalid when they did not validate (nothing
// changed there), kFailure when it could not be asked.
int policies_reload(const ReloadOptions& options);
int migrate(const Common& common);
int policies_check(const std::filesystem::path& dir);
// Imports the tenant files, then reports the users they no longer list; with `prune`, disables
// those users (ending their sessions) too.
int tenants_import(const Common& common, const std::filesystem::path& dir, bool prune);
// Sets a user's password and ends every session of theirs.
int users_set_password(const Common& common, const std::string& email, const std::string& cost);
// A leaver: the user can no longer sign in, and every session of theirs ends at once.
int users_disable(const Common& common, const std::string& email);
// Undoes users_disable (sessions ended stay ended).
int users_enable(const Common& common, const std::string& email);
int partners_set_secret(const Common& common, const std::string& app, bool generate);
// A dummy school's site goes live (consent::Service::go_live); prints the partners told.
int schools_go_live(const Common& common, const std::string& school);
// Walks every school's audit chain (or one school's) and prints the first broken link of each:
// kOk when all are intact, kBroken otherwise.
int audit_verify(const Common& common, const std::optional<std::string>& school);
// Deletes what the retention no longer keeps (expired sessions, old sign-in attempts, day-old
// idempotency keys) and prints how many of each.
int housekeeping(const Common& common);

// Shared start-up steps. Null (with every problem printed to stderr) on failure.
std::shared_ptr<const policy::PolicySnapshot> load_policies_or_report(
    const std::filesystem::path& dir);
std::unique_ptr<store::Store> open_migrated_store(const StoreConfig& config, const Clock& clock);
store::Retention retention_of(const Common& common);

}  // namespace canopy::cli
