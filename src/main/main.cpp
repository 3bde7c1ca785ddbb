// canopy: the executable. Parses the command line and hands off; nothing else lives here.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <iostream>

#include "main/commands.hpp"
#include "main/config_file.hpp"

int main(int argc, char** argv) {
  using namespace canopy::cli;
  spdlog::set_default_logger(spdlog::stderr_color_mt("canopy"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  CLI::App app{
      "Canopy decides which third-party apps may touch a school's data.\n"
      "Every option's environment variable (shown as Env) overrides its default; secrets come\n"
      "only from the environment or files: CANOPY_SERVICE_TOKEN(_FILE), "
      "CANOPY_MYSQL_PASSWORD(_FILE), CANOPY_REDIS_PASSWORD(_FILE), "
      "CANOPY_REDIS_MAC_KEY(_FILE), CANOPY_REDIS_MAC_KEY_PREVIOUS(_FILE), "
      "CANOPY_SERVICE_TOKEN_PREVIOUS(_FILE), CANOPY_DEVICE_COOKIE_KEY(_FILE), "
      "CANOPY_DEVICE_COOKIE_KEY_PREVIOUS(_FILE)."};
  app.require_subcommand(1);
  // An option given by the configuration file and again on the command line takes the latter.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  Common common;
  const auto add_db = [&](CLI::App* cmd) {
    auto& s = common.store;
    cmd->add_option("--store", s.kind,
                    "Where state lives: sqlite (embedded) or mysql (MySQL/MariaDB)")
        ->transform(CLI::CheckedTransformer(std::map<std::string, StoreConfig::Kind>{
            {"sqlite", StoreConfig::Kind::sqlite}, {"mysql", StoreConfig::Kind::mysql}}))
        ->envname("CANOPY_STORE")
        ->default_str("sqlite");
    cmd->add_option("--db", s.sqlite_path, "SQLite database file (created if missing)")
        ->envname("CANOPY_DB")
        ->capture_default_str();
    cmd->add_option("--mysql-host", s.mysql.host, "MySQL/MariaDB host")
        ->envname("CANOPY_MYSQL_HOST")
        ->capture_default_str();
    cmd->add_option("--mysql-port", s.mysql.port, "MySQL/MariaDB port")
        ->envname("CANOPY_MYSQL_PORT")
        ->capture_default_str();
    cmd->add_option("--mysql-user", s.mysql.user, "MySQL/MariaDB user")
        ->envname("CANOPY_MYSQL_USER");
    cmd->add_option("--mysql-database", s.mysql.database, "MySQL/MariaDB database")
        ->envname("CANOPY_MYSQL_DATABASE");
    cmd->add_option("--mysql-pool-size", s.mysql.pool_size, "Connections in the MySQL pool")
        ->envname("CANOPY_MYSQL_POOL_SIZE")
        ->check(CLI::Range(std::size_t{1}, std::size_t{512}))
        ->capture_default_str();
    cmd->add_option("--mysql-password-file", s.mysql_password_file,
                    "File holding the MySQL password (or set CANOPY_MYSQL_PASSWORD)")
        ->envname("CANOPY_MYSQL_PASSWORD_FILE");
  };
  const auto add_retention = [&](CLI::App* cmd) {
    cmd->add_option("--login-history-days", common.login_history_days,
                    "Delete sign-in attempts older than this many days (0 keeps them for good)")
        ->envname("CANOPY_LOGIN_HISTORY_DAYS")
        ->check(CLI::Range(0u, 36500u))
        ->capture_default_str();
  };
  const auto add_policies = [&](CLI::App* cmd) {
    cmd->add_option("--policies", common.policies, "Directory of policy YAML")
        ->envname("CANOPY_POLICIES")
        ->capture_default_str();
  };

  ServeOptions serve_opts;
  std::string config_path;
  auto* serve_cmd =
      app.add_subcommand("serve", "Run the HTTP service (migrates the database first)");
  serve_cmd->add_option(
      "--config", config_path,
      "YAML file of option: value pairs (e.g. `store: mysql`); the environment and the "
      "command line override it; secrets are refused there");
  add_db(serve_cmd);
  add_policies(serve_cmd);
  add_retention(serve_cmd);
  serve_cmd
      ->add_option("--listen", serve_opts.listen,
                   "ADDRESS:PORT to listen on; port 0 picks a free port")
      ->envname("CANOPY_LISTEN")
      ->capture_default_str();
  serve_cmd->add_option("--threads", serve_opts.io_threads, "I/O threads")
      ->check(CLI::Range(1u, 64u))
      ->capture_default_str();
  serve_cmd
      ->add_option("--blocking-threads", serve_opts.blocking_threads,
                   "Threads for database work (password checks have their own: --hashing-threads)")
      ->check(CLI::Range(1u, 256u))
      ->capture_default_str();
  serve_cmd
      ->add_option("--hashing-threads", serve_opts.hashing_threads,
                   "Threads that check passwords (argon2id); nothing else waits for them")
      ->check(CLI::Range(1u, 64u))
      ->capture_default_str();
  serve_cmd
      ->add_option("--hashing-queue", serve_opts.hashing_queue,
                   "Sign-ins that may wait for a hashing thread; more answer 503 at once")
      ->check(CLI::Range(std::size_t{0}, std::size_t{10'000}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--sign-in-burst", serve_opts.sign_in_burst,
                   "Sign-in attempts one client address (IPv6: one /64) may make at once")
      ->check(CLI::Range(1u, 1'000'000u))
      ->capture_default_str();
  serve_cmd
      ->add_option("--sign-in-per-minute", serve_opts.sign_in_per_minute,
                   "Sign-in attempts one client address may make per minute after its burst")
      ->check(CLI::Range(1u, 60'000u))
      ->capture_default_str();
  serve_cmd
      ->add_option("--trusted-proxies", serve_opts.trusted_proxies,
                   "Comma-separated addresses or CIDR blocks of the proxies in front (an "
                   "Ingress controller): from a peer in them, Forwarded or X-Forwarded-For names "
                   "the client whose sign-ins are throttled and recorded. Never trusted otherwise")
      ->envname("CANOPY_TRUSTED_PROXIES");
  serve_cmd
      ->add_option("--forwarded-header", serve_opts.forwarded_header,
                   "The header the trusted proxies append the client to: x-forwarded-for "
                   "(nginx, ingress-nginx, most load balancers) or forwarded (RFC 7239). Only "
                   "that one is read: a proxy passes the other through as the client wrote it")
      ->check(CLI::IsMember({"x-forwarded-for", "forwarded"}))
      ->envname("CANOPY_FORWARDED_HEADER")
      ->capture_default_str();
  serve_cmd
      ->add_option("--max-connections", serve_opts.max_connections,
                   "Open connections before new ones get 503")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--max-connections-per-address", serve_opts.max_connections_per_address,
                   "Open connections one client address (an IPv6 /64) may hold on the public "
                   "listener before its new ones get 503; 0 for no per-address cap")
      ->envname("CANOPY_MAX_CONNECTIONS_PER_ADDRESS")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1'000'000}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--internal-listen", serve_opts.internal_listen,
                   "ADDRESS:PORT of a second listener for /internal/* (the gateway's decisions) "
                   "and the health routes; the public listener then answers /internal/* 404")
      ->envname("CANOPY_INTERNAL_LISTEN");
  serve_cmd
      ->add_option("--service-token-file", serve_opts.service_token_file,
                   "File holding the gateway's bearer token (or set CANOPY_SERVICE_TOKEN)")
      ->envname("CANOPY_SERVICE_TOKEN_FILE");
  serve_cmd
      ->add_option("--generated-service-token-file", serve_opts.generated_service_token_file,
                   "With no service token configured: the file (0600) a generated one is written "
                   "to once and read from on later starts; default: service-token beside --db")
      ->envname("CANOPY_GENERATED_SERVICE_TOKEN_FILE");
  auto* secure_flag = serve_cmd->add_flag(
      "--secure-cookies", serve_opts.secure_cookies,
      "Mark session cookies Secure even when listening on a loopback address (behind a TLS "
      "proxy on the same host); they are Secure on any other address anyway");
  serve_cmd
      ->add_flag("--insecure-cookies", serve_opts.insecure_cookies,
                 "Never mark session cookies Secure (plain HTTP beyond this host: not for "
                 "production)")
      ->excludes(secure_flag);
  serve_cmd
      ->add_option("--session-ttl-minutes", serve_opts.session_ttl_minutes,
                   "How long a sign-in lasts")
      ->check(CLI::Range(1L, 7L * 24 * 60))
      ->capture_default_str();
  serve_cmd->add_flag("!--no-access-log", serve_opts.access_log, "Do not log each request");
  serve_cmd
      ->add_option("--password-cost", serve_opts.password_cost,
                   "argon2id cost used when checking sign-ins for unknown emails; match users "
                   "set-password --cost")
      ->check(CLI::IsMember({"minimum", "interactive", "moderate"}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--shutdown-grace", serve_opts.shutdown_grace_seconds,
                   "Seconds in-flight requests get to finish once the listeners close")
      ->envname("CANOPY_SHUTDOWN_GRACE")
      ->check(CLI::Range(0u, 3600u))
      ->capture_default_str();
  serve_cmd
      ->add_option("--shutdown-delay", serve_opts.shutdown_delay_seconds,
                   "Seconds the listeners go on serving after SIGTERM, with /readyz answering "
                   "503, so a load balancer stops sending first (Kubernetes: a few seconds)")
      ->envname("CANOPY_SHUTDOWN_DELAY")
      ->check(CLI::Range(0u, 600u))
      ->capture_default_str();
  serve_cmd
      ->add_option("--service-token-previous-file", serve_opts.service_token_previous_file,
                   "File holding the previous service token, still accepted while the gateway "
                   "moves to the new one (or set CANOPY_SERVICE_TOKEN_PREVIOUS)")
      ->envname("CANOPY_SERVICE_TOKEN_PREVIOUS_FILE");
  serve_cmd
      ->add_option("--device-cookie-key-file", serve_opts.device_cookie_key_file,
                   "File holding the key (at least 32 bytes, the same on every replica) that "
                   "signs device cookies, a browser's proof that it signed in before (or set "
                   "CANOPY_DEVICE_COOKIE_KEY); unset: derived from the service token, which "
                   "the gateway also holds")
      ->envname("CANOPY_DEVICE_COOKIE_KEY_FILE");
  serve_cmd
      ->add_option("--device-cookie-key-previous-file", serve_opts.device_cookie_key_previous_file,
                   "File holding the previous device-cookie key, still accepted while a rotation "
                   "rolls out (or set CANOPY_DEVICE_COOKIE_KEY_PREVIOUS)")
      ->envname("CANOPY_DEVICE_COOKIE_KEY_PREVIOUS_FILE");
  serve_cmd
      ->add_option("--metrics-listen", serve_opts.metrics_listen,
                   "ADDRESS:PORT of a listener serving GET /metrics alone (Prometheus text); the "
                   "others then answer it 404. Unset: /metrics is on the public listener (and on "
                   "the internal one), without authentication")
      ->envname("CANOPY_METRICS_LISTEN");
  serve_cmd->add_flag("!--no-metrics", serve_opts.metrics,
                      "Count nothing and answer /metrics 404 (to measure what counting costs)");
  serve_cmd
      ->add_option("--log-format", serve_opts.log_format,
                   "Log lines as json (one object a line) or text; auto: text on a terminal, "
                   "json otherwise")
      ->check(CLI::IsMember({"auto", "json", "text"}))
      ->envname("CANOPY_LOG_FORMAT")
      ->capture_default_str();
  serve_cmd
      ->add_option("--log-level", serve_opts.log_level,
                   "The least severe lines written: trace, debug, info (one line a request), "
                   "warn or error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->envname("CANOPY_LOG_LEVEL")
      ->capture_default_str();
  serve_cmd
      ->add_option("--migrations", serve_opts.migrations,
                   "apply: migrate the database at start; wait: do not (a job runs `canopy "
                   "migrate`), and answer /readyz 503 until the schema is current")
      ->check(CLI::IsMember({"apply", "wait"}))
      ->envname("CANOPY_MIGRATIONS")
      ->capture_default_str();
  serve_cmd
      ->add_option(
          "--cache", serve_opts.cache,
          "Decision cache: local (one process) or redis (shared by replicas, immediate revocation)")
      ->check(CLI::IsMember({"local", "redis"}))
      ->envname("CANOPY_CACHE")
      ->capture_default_str();
  serve_cmd->add_option("--redis", serve_opts.redis, "Redis HOST:PORT for --cache redis")
      ->envname("CANOPY_REDIS")
      ->capture_default_str();
  serve_cmd
      ->add_option("--redis-prefix", serve_opts.redis_prefix,
                   "Prefix of Canopy's Redis keys and channel")
      ->envname("CANOPY_REDIS_PREFIX")
      ->capture_default_str();
  serve_cmd
      ->add_option("--lease-ms", serve_opts.lease_ms,
                   "How long a replica trusts its in-process cache after a heartbeat; a reject "
                   "waits at most this long")
      ->check(CLI::Range(200u, 60000u))
      ->capture_default_str();
  serve_cmd->add_option("--redis-user", serve_opts.redis_user, "Redis ACL user to AUTH as")
      ->envname("CANOPY_REDIS_USER");
  serve_cmd
      ->add_option("--redis-password-file", serve_opts.redis_secrets.password_file,
                   "File holding the Redis password (or set CANOPY_REDIS_PASSWORD)")
      ->envname("CANOPY_REDIS_PASSWORD_FILE");
  serve_cmd
      ->add_option("--redis-mac-key-file", serve_opts.redis_secrets.mac_key_file,
                   "File holding the key that signs level-2 entries and replica messages, at "
                   "least 32 characters (or set CANOPY_REDIS_MAC_KEY); required with --cache redis")
      ->envname("CANOPY_REDIS_MAC_KEY_FILE");
  serve_cmd
      ->add_option("--redis-mac-key-previous-file", serve_opts.redis_secrets.mac_key_previous_file,
                   "File holding the previous MAC key, still accepted while a rotation rolls "
                   "out (or set CANOPY_REDIS_MAC_KEY_PREVIOUS)")
      ->envname("CANOPY_REDIS_MAC_KEY_PREVIOUS_FILE");
  serve_cmd
      ->add_option("--redis-timeouts-before-reconnect", serve_opts.redis_timeouts_before_reconnect,
                   "Redis commands in a row that get no reply in time before the connection is "
                   "dropped and rebuilt")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  serve_cmd
      ->add_option("--redis-max-inflight", serve_opts.redis_max_inflight,
                   "Redis commands waiting for a reply, per connection, beyond which commands "
                   "fail at once (decisions then come from the store)")
      ->check(CLI::Range(std::size_t{16}, std::size_t{1} << 20))
      ->capture_default_str();
  serve_cmd
      ->add_option("--request-expiry-days", serve_opts.request_expiry_days,
                   "Pending connection requests nobody decided for this many days expire (the "
                   "partner may ask again); 0: never")
      ->envname("CANOPY_REQUEST_EXPIRY_DAYS")
      ->check(CLI::Range(0u, 3650u))
      ->capture_default_str();
  serve_cmd
      ->add_option("--deletion-deadline-days", serve_opts.deletion_deadline_days,
                   "Days a partner whose approval is revoked has to attest it deleted the "
                   "school's data; later, the school and its trust see the attestation overdue")
      ->envname("CANOPY_DELETION_DEADLINE_DAYS")
      ->check(CLI::Range(1u, 3650u))
      ->capture_default_str();
  serve_cmd
      ->add_option("--connect-link-hours", serve_opts.connect_link_hours,
                   "Hours a partner's alternative-connection link stays usable (it is spent by "
                   "the approval it leads to)")
      ->envname("CANOPY_CONNECT_LINK_HOURS")
      ->check(CLI::Range(1u, 24u * 30))
      ->capture_default_str();
  serve_cmd
      ->add_option("--public-url", serve_opts.public_url,
                   "The URL school users' browsers reach this service at, e.g. "
                   "https://canopy.example.org (the alternative connection's links start with "
                   "it); unset: http:// and the --listen address")
      ->envname("CANOPY_PUBLIC_URL");
  serve_cmd
      ->add_option("--webhooks", serve_opts.webhooks,
                   "YAML file of partner webhook endpoints (per app: url, and its signing "
                   "secret by reference, env:NAME or file:PATH); unset: partner events are kept "
                   "for GET /partner/v1/events and none is pushed")
      ->envname("CANOPY_WEBHOOKS");
  serve_cmd
      ->add_option("--webhook-timeout-ms", serve_opts.webhook_timeout_ms,
                   "How long one delivery of a partner event may take, connecting included")
      ->envname("CANOPY_WEBHOOK_TIMEOUT_MS")
      ->check(CLI::Range(100u, 120'000u))
      ->capture_default_str();
  serve_cmd
      ->add_option("--webhook-lease-ms", serve_opts.webhook_lease_ms,
                   "How long a replica holds an event it delivers before another may try it "
                   "(at least twice --webhook-timeout-ms)")
      ->check(CLI::Range(200u, 3'600'000u))
      ->capture_default_str();
  serve_cmd
      ->add_option("--webhook-poll-ms", serve_opts.webhook_poll_ms,
                   "How often a replica looks for partner events to deliver when idle")
      ->check(CLI::Range(50u, 600'000u))
      ->capture_default_str();
  serve_cmd
      ->add_option("--webhook-retry-base-ms", serve_opts.webhook_retry_base_ms,
                   "The wait after a delivery's first failure; each next one doubles (up to an "
                   "hour), with jitter")
      ->check(CLI::Range(50u, 3'600'000u))
      ->capture_default_str();
  serve_cmd
      ->add_option("--webhook-max-attempts", serve_opts.webhook_max_attempts,
                   "Attempts at one partner event before it is given up (an operator can "
                   "redeliver it)")
      ->check(CLI::Range(1u, 100u))
      ->capture_default_str();
  serve_cmd
      ->add_option("--store-outage-minutes", serve_opts.store_outage_minutes,
                   "How long a replica that cannot reach the database goes on answering "
                   "decisions from Redis (while every replica it last saw is live there)")
      ->check(CLI::Range(1u, 7u * 24 * 60))
      ->capture_default_str();
  serve_cmd
      ->add_option("--hold-ttl-ms", serve_opts.hold_ttl_ms,
                   "How long a reject's hold on a pair lives in Redis; the reject commits within "
                   "a third of it or is refused with nothing written")
      ->check(CLI::Range(1000u, 600000u))
      ->capture_default_str();
  serve_cmd
      ->add_option("--level2-ttl-seconds", serve_opts.level2_ttl_seconds,
                   "How long a decision entry stays in Redis after it was last written: how long "
                   "a database outage is answered for pairs asked before it")
      ->check(CLI::Range(60u, 30u * 24 * 3600))
      ->capture_default_str();

  auto* migrate_cmd = app.add_subcommand("migrate", "Apply pending database migrations");
  add_db(migrate_cmd);

  auto* policies_cmd = app.add_subcommand("policies", "Policy catalogue tools");
  policies_cmd->require_subcommand(1);
  std::filesystem::path check_dir = "policies";
  auto* check_cmd =
      policies_cmd->add_subcommand("check", "Validate a policies directory; exit 1 on any problem");
  check_cmd->add_option("DIR", check_dir, "Policies directory")->capture_default_str();
  ReloadOptions reload_opts;
  auto* reload_cmd = policies_cmd->add_subcommand(
      "reload",
      "Ask a running `canopy serve` to read its policies directory again; files that do not "
      "validate change nothing there, and their problems are printed (exit 1)");
  reload_cmd
      ->add_option("--url", reload_opts.url,
                   "The serve listener that answers /internal/* (its --internal-listen, if set)")
      ->envname("CANOPY_RELOAD_URL")
      ->capture_default_str();
  reload_cmd
      ->add_option("--service-token-file", reload_opts.service_token_file,
                   "File holding the service token (or set CANOPY_SERVICE_TOKEN)")
      ->envname("CANOPY_SERVICE_TOKEN_FILE");

  auto* tenants_cmd = app.add_subcommand("tenants", "Trusts, schools and users");
  tenants_cmd->require_subcommand(1);
  std::filesystem::path tenants_dir = "tenants";
  bool prune = false;
  auto* import_cmd = tenants_cmd->add_subcommand(
      "import",
      "Create or update trusts, schools and users from YAML (idempotent); list the users the "
      "files no longer name");
  import_cmd->add_option("DIR", tenants_dir, "Tenants directory")->capture_default_str();
  import_cmd->add_flag("--prune", prune,
                       "Disable the users the files no longer name, ending their sessions (they "
                       "stay in the audit trail; `users enable` undoes it)");
  add_db(import_cmd);
  add_policies(import_cmd);

  auto* users_cmd = app.add_subcommand("users", "MIS user accounts");
  users_cmd->require_subcommand(1);
  std::string email;
  std::string cost = "interactive";
  auto* set_password_cmd = users_cmd->add_subcommand(
      "set-password", "Set a user's password, read from standard input; ends their sessions");
  set_password_cmd->add_option("EMAIL", email, "The user's email")->required();
  set_password_cmd->add_option("--cost", cost, "argon2id cost")
      ->check(CLI::IsMember({"minimum", "interactive", "moderate"}))
      ->capture_default_str();
  add_db(set_password_cmd);
  auto* disable_cmd = users_cmd->add_subcommand(
      "disable", "A leaver: the user can no longer sign in, and their sessions end at once");
  disable_cmd->add_option("EMAIL", email, "The user's email")->required();
  add_db(disable_cmd);
  auto* enable_cmd =
      users_cmd->add_subcommand("enable", "Let a disabled user sign in again (users disable)");
  enable_cmd->add_option("EMAIL", email, "The user's email")->required();
  add_db(enable_cmd);

  auto* schools_cmd = app.add_subcommand("schools", "Schools' sites");
  schools_cmd->require_subcommand(1);
  std::string school_id;
  auto* go_live_cmd = schools_cmd->add_subcommand(
      "go-live",
      "A dummy (migration) site goes live: every approval is kept, the audit records it, the "
      "banner goes, and each approved partner gets a school.ids_changed event");
  go_live_cmd->add_option("SCHOOL", school_id, "The school's site id, as in tenants/")->required();
  add_db(go_live_cmd);
  add_policies(go_live_cmd);

  auto* partners_cmd = app.add_subcommand("partners", "Partner app credentials");
  partners_cmd->require_subcommand(1);
  std::string app_id;
  bool generate = false;
  auto* secret_cmd = partners_cmd->add_subcommand(
      "set-secret", "Set an app's client secret, read from standard input (client id = app id)");
  secret_cmd->add_option("APP", app_id, "The app id from policies/apps")->required();
  secret_cmd->add_flag("--generate", generate,
                       "Generate a random secret and print it instead of reading one");
  add_db(secret_cmd);
  add_policies(secret_cmd);

  auto* audit_cmd = app.add_subcommand("audit", "The audit trail");
  audit_cmd->require_subcommand(1);
  std::optional<std::string> audit_school;
  auto* verify_cmd = audit_cmd->add_subcommand(
      "verify",
      "Walk every school's audit hash chain and print the first broken link of each; exit 1 "
      "when one is broken");
  verify_cmd->add_option("--school", audit_school, "Verify only this school's chain");
  add_db(verify_cmd);

  auto* housekeeping_cmd = app.add_subcommand(
      "housekeeping",
      "Delete what Canopy no longer keeps: expired sessions, sign-in attempts older than "
      "--login-history-days, idempotency keys older than 24 hours (serve does this hourly)");
  add_db(housekeeping_cmd);
  add_retention(housekeeping_cmd);

  // The configuration file's settings go in front of the real arguments, so those win.
  std::vector<std::string> args;
  for (int i = 0; i < argc; ++i)
    args.emplace_back(argv[i] != nullptr ? argv[i] : "");
  if (const auto config = find_config_argument(argc, argv); !config.empty()) {
    std::vector<std::string> errors;
    const auto from_file = config_file_arguments(config, *serve_cmd, errors);
    for (const auto& e : errors)
      std::cerr << e << '\n';
    if (!errors.empty()) return kInvalid;
    const auto serve_at = std::find(args.begin(), args.end(), "serve");
    if (serve_at == args.end()) {
      std::cerr << "--config is an option of `canopy serve`\n";
      return kUsage;
    }
    args.insert(serve_at + 1, from_file.begin(), from_file.end());
  }
  std::vector<char*> arg_pointers;
  for (auto& a : args)
    arg_pointers.push_back(a.data());
  try {
    app.parse(static_cast<int>(arg_pointers.size()), arg_pointers.data());
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kOk : kUsage;
  }

  if (!load_store_secrets(common.store)) return kInvalid;
  try {
    if (*serve_cmd) return serve(common, serve_opts);
    if (*migrate_cmd) return migrate(common);
    if (*check_cmd) return policies_check(check_dir);
    if (*reload_cmd) return policies_reload(reload_opts);
    if (*import_cmd) return tenants_import(common, tenants_dir, prune);
    if (*set_password_cmd) return users_set_password(common, email, cost);
    if (*disable_cmd) return users_disable(common, email);
    if (*enable_cmd) return users_enable(common, email);
    if (*secret_cmd) return partners_set_secret(common, app_id, generate);
    if (*go_live_cmd) return schools_go_live(common, school_id);
    if (*verify_cmd) return audit_verify(common, audit_school);
    if (*housekeeping_cmd) return housekeeping(common);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return kFailure;
  }
  return kUsage;
}
