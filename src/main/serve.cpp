// `canopy serve`: builds the Application from the command line and runs it until SIGINT or
// SIGTERM, letting in-flight requests finish within the grace period.
#include <spdlog/spdlog.h>
#include <boost/asio/signal_set.hpp>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "auth/crypto.hpp"
#include "main/application.hpp"
#include "main/commands.hpp"
#include "main/log_format.hpp"

namespace canopy::cli {
namespace {

std::string first_line(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string token;
  if (in) std::getline(in, token);
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back())))
    token.pop_back();
  return token;
}

// A token generated when none is configured goes to `file`, created once with mode 0600 and
// read back on later starts, so the gateway's copy keeps working across restarts. It is never
// logged: logs are read by more people, and kept longer, than a 0600 file.
std::optional<std::string> generated_service_token(const std::filesystem::path& file) {
  struct stat st {};
  if (::lstat(file.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode) || (st.st_mode & 077) != 0 || st.st_uid != ::geteuid()) {
      std::cerr << file.string()
                << ": the generated service token file must be a regular file of this user "
                   "that only they can read (chmod 600), or absent\n";
      return std::nullopt;
    }
    auto token = first_line(file);
    if (token.empty()) {
      std::cerr << file.string() << ": cannot read a service token from it\n";
      return std::nullopt;
    }
    spdlog::info("service token: the one generated before, in {}", file.string());
    return token;
  }
  // Written whole to a private temporary file, then linked into place: a replica starting at
  // the same moment either wins or reads the winner's complete file.
  if (file.has_parent_path()) {
    std::error_code ignored;  // a missing directory shows as the open's error below
    std::filesystem::create_directories(file.parent_path(), ignored);
  }
  const std::string token = auth::random_token();
  const std::filesystem::path temp = file.string() + ".tmp" + std::to_string(::getpid());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  const std::string line = token + "\n";
  const bool written = fd >= 0 &&
                       ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                       ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  const bool linked = written && ::link(temp.c_str(), file.c_str()) == 0;
  const int link_error = errno;
  ::unlink(temp.c_str());
  if (!linked) {
    if (written && link_error == EEXIST) return generated_service_token(file);
    std::cerr << file.string() << ": cannot write the generated service token: "
              << std::strerror(written ? link_error : errno) << '\n';
    return std::nullopt;
  }
  spdlog::warn(
      "no service token configured (CANOPY_SERVICE_TOKEN or --service-token-file); generated "
      "one into {} (mode 0600): give it to the gateway",
      file.string());
  return token;
}

std::optional<std::string> service_token(const Common& common, const ServeOptions& o) {
  if (!o.service_token_file.empty()) {
    auto token = first_line(o.service_token_file);
    if (token.empty()) {
      std::cerr << o.service_token_file.string() << ": cannot read a service token from it\n";
      return std::nullopt;
    }
    return token;
  }
  if (const char* env = std::getenv("CANOPY_SERVICE_TOKEN"); env && *env) return std::string(env);
  return generated_service_token(!o.generated_service_token_file.empty()
                                     ? o.generated_service_token_file
                                     : common.store.sqlite_path.parent_path() / "service-token");
}

bool split_listen(const std::string& listen, std::string& address, std::uint16_t& port) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  address = listen.substr(0, colon);
  if (address.size() > 2 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
  }
  try {
    std::size_t used = 0;
    const std::string digits = listen.substr(colon + 1);
    const unsigned long p = std::stoul(digits, &used);
    if (p > 65535 || used != digits.size()) return false;
    port = static_cast<std::uint16_t>(p);
  } catch (const std::exception&) {
    return false;
  }
  return !address.empty();
}

// Log lines leave in blocks when nobody watches them live (a container's stderr, a file), so
// the access log costs a copy per request (flushed every second); warnings and errors, and
// everything before them, are written at once. A terminal keeps getting every line as it happens,
// as text unless told otherwise; anything else gets JSON unless told otherwise.
constexpr std::size_t kMinServiceTokenBytes = 32;

http::LogFormat log_format_of(const ServeOptions& o) {
  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  return o.log_format == "json" || (o.log_format == "auto" && !terminal) ? http::LogFormat::json
                                                                         : http::LogFormat::text;
}

void set_up_logs(const ServeOptions& o) {
  LogSettings settings;
  settings.format = log_format_of(o);
  settings.level = o.log_level;
  settings.buffered = ::isatty(STDERR_FILENO) == 0;
  configure_logging(settings);
}

}  // namespace

int serve(const Common& common, const ServeOptions& o) {
  AppConfig config;
  config.store = common.store;
  config.policies = common.policies;
  if (!split_listen(o.listen, config.address, config.port)) {
    std::cerr << "--listen must be ADDRESS:PORT, e.g. 127.0.0.1:8080\n";
    return kUsage;
  }
  config.io_threads = o.io_threads;
  config.blocking_threads = o.blocking_threads;
  config.hashing_threads = o.hashing_threads;
  config.hashing_queue = o.hashing_queue;
  config.sign_in.throttle.address = {static_cast<double>(o.sign_in_burst),
                                     std::chrono::milliseconds(60'000 / o.sign_in_per_minute)};
  std::string proxies_error;
  const auto proxies = http::TrustedProxies::parse(
      o.trusted_proxies, proxies_error, *http::parse_forwarded_header(o.forwarded_header));
  if (!proxies) {
    std::cerr << "--trusted-proxies: " << proxies_error << "\n";
    return kUsage;
  }
  config.trusted_proxies = *proxies;
  config.cookies = o.secure_cookies     ? AppConfig::Cookies::secure
                   : o.insecure_cookies ? AppConfig::Cookies::insecure
                                        : AppConfig::Cookies::automatic;
  config.sign_in.session_ttl = std::chrono::minutes(o.session_ttl_minutes);
  config.sign_in.dummy_cost = *auth::parse_password_cost(o.password_cost);
  config.limits.max_connections = o.max_connections;
  config.limits.max_connections_per_address = o.max_connections_per_address;
  if (!o.internal_listen.empty()) {
    std::uint16_t internal_port = 0;
    if (!split_listen(o.internal_listen, config.internal_address, internal_port)) {
      std::cerr << "--internal-listen must be ADDRESS:PORT, e.g. 0.0.0.0:8081\n";
      return kUsage;
    }
    config.internal_port = internal_port;
  }
  config.limits.access_log = o.access_log;
  config.metrics = o.metrics;
  if (!o.metrics_listen.empty()) {
    std::uint16_t metrics_port = 0;
    if (!split_listen(o.metrics_listen, config.metrics_address, metrics_port)) {
      std::cerr << "--metrics-listen must be ADDRESS:PORT, e.g. 0.0.0.0:9090\n";
      return kUsage;
    }
    config.metrics_port = metrics_port;
  }
  config.migrations =
      o.migrations == "wait" ? AppConfig::Migrations::wait : AppConfig::Migrations::apply;
  config.retention = retention_of(common);
  config.request_expiry = std::chrono::days(o.request_expiry_days);
  config.deletion_deadline = std::chrono::days(o.deletion_deadline_days);
  config.connect_link_lifetime = std::chrono::hours(o.connect_link_hours);
  if (!o.public_url.empty()) {
    // An origin, perhaps with a path prefix: http(s)://host[:port][/prefix], no query or
    // fragment, no trailing slash (one is dropped).
    std::string url = o.public_url;
    if (url.size() > 1 && url.back() == '/') url.pop_back();
    const bool scheme = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
    const auto after = url.find("://");
    if (!scheme || url.size() > 300 || after + 3 >= url.size() ||
        url.find_first_of("?# \t@") != std::string::npos) {
      std::cerr << "--public-url must be http(s)://HOST[:PORT][/PREFIX], e.g. "
                   "https://canopy.example.org\n";
      return kUsage;
    }
    config.public_url = url;
  }
  if (!o.webhooks.empty()) config.webhooks = o.webhooks;
  config.webhook.timeout = std::chrono::milliseconds(o.webhook_timeout_ms);
  config.webhook.lease = std::chrono::milliseconds(o.webhook_lease_ms);
  config.webhook.poll_interval = std::chrono::milliseconds(o.webhook_poll_ms);
  config.webhook.retry_base = std::chrono::milliseconds(o.webhook_retry_base_ms);
  config.webhook.max_attempts = static_cast<int>(o.webhook_max_attempts);
  if (config.webhook.lease < 2 * config.webhook.timeout) {
    std::cerr << "--webhook-lease-ms must be at least twice --webhook-timeout-ms, so that a "
                 "live replica's delivery is never taken over\n";
    return kUsage;
  }
  if (o.cache == "redis") {
    config.cache = AppConfig::CacheKind::redis;
    std::string host;
    std::uint16_t redis_port = 0;
    if (!split_listen(o.redis, host, redis_port)) {
      std::cerr << "--redis must be HOST:PORT, e.g. 127.0.0.1:6379\n";
      return kUsage;
    }
    config.redis.redis = {host, redis_port};
    config.redis.prefix = o.redis_prefix;
    config.redis.lease = std::chrono::milliseconds(o.lease_ms);
    config.redis.heartbeat = config.redis.lease / 5;
    config.redis.margin = config.redis.lease / 8;
    config.redis.level2_ttl = std::chrono::seconds(o.level2_ttl_seconds);
    config.redis.hold_ttl = std::chrono::milliseconds(o.hold_ttl_ms);
    config.redis.without_store = std::chrono::minutes(o.store_outage_minutes);
    config.redis.connection.timeouts_before_reset = o.redis_timeouts_before_reconnect;
    config.redis.connection.max_inflight = o.redis_max_inflight;
    config.redis.connection.user = o.redis_user;
    auto secrets = o.redis_secrets;
    if (!load_redis_secrets(secrets)) return kInvalid;
    config.redis.connection.password = secrets.password;
    if (!o.redis_user.empty() && secrets.password.empty()) {
      std::cerr
          << "--redis-user needs a password: CANOPY_REDIS_PASSWORD or --redis-password-file\n";
      return kInvalid;
    }
    // Without a key, anyone who can write to Redis could make replicas allow: refuse to start.
    config.redis.keys = cache::MacKeys::from_secrets(secrets.mac_key, secrets.mac_key_previous);
    if (!config.redis.keys) {
      std::cerr << "--cache redis needs a MAC key of at least " << cache::MacKeys::kMinSecret
                << " characters (CANOPY_REDIS_MAC_KEY or --redis-mac-key-file; a previous key, "
                   "if given, as long)\n";
      return kInvalid;
    }
  }
  set_up_logs(o);
  const auto token = service_token(common, o);
  if (!token) return kInvalid;
  config.service_token = *token;
  if (!read_secret(o.service_token_previous_file, "CANOPY_SERVICE_TOKEN_PREVIOUS",
                   "previous service token", config.previous_service_token))
    return kInvalid;
  if (!read_secret(o.device_cookie_key_file, "CANOPY_DEVICE_COOKIE_KEY", "device-cookie key",
                   config.device_cookie_key) ||
      !read_secret(o.device_cookie_key_previous_file, "CANOPY_DEVICE_COOKIE_KEY_PREVIOUS",
                   "previous device-cookie key", config.previous_device_cookie_key))
    return kInvalid;
  if (config.device_cookie_key.empty() && !config.previous_device_cookie_key.empty()) {
    std::cerr << "a previous device-cookie key needs a current one (--device-cookie-key-file)\n";
    return kInvalid;
  }
  // The token is the gateway's only credential, compared on every decision, and a device-cookie
  // key lets whoever holds it skip sign-in's shared throttles: one short enough to guess is
  // refused before anything listens. A generated token is 32 random bytes.
  for (const auto& [what, value] :
       {std::pair{"the service token", &config.service_token},
        std::pair{"the previous service token", &config.previous_service_token},
        std::pair{"the device-cookie key", &config.device_cookie_key},
        std::pair{"the previous device-cookie key", &config.previous_device_cookie_key}}) {
    if (!value->empty() && value->size() < kMinServiceTokenBytes) {
      std::cerr << what << " is " << value->size() << " bytes; it must be at least "
                << kMinServiceTokenBytes
                << " (for example: head -c 32 /dev/urandom | base64 -w0)\n";
      return kInvalid;
    }
  }

  SystemClock clock;
  auto app = Application::create(std::move(config), clock);
  if (!app) {
    std::cerr << app.error().message << '\n';
    return app.error().code == Errc::invalid_value ? kInvalid : kFailure;
  }
  asio::ip::tcp::endpoint endpoint;
  try {
    endpoint = (*app)->listen();
  } catch (const boost::system::system_error& e) {
    std::cerr << "cannot listen on " << o.listen
              << (o.internal_listen.empty() ? "" : " and " + o.internal_listen) << ": "
              << e.code().message() << '\n';
    return kFailure;
  }
  // One line, whatever the listeners: whoever reads the banner may stop reading after it. In the
  // log's format, so that with JSON logs every line a pipeline reads is JSON.
  const auto url = [](const asio::ip::tcp::endpoint& e) {
    return "http://" + e.address().to_string() + ":" + std::to_string(e.port());
  };
  std::string banner = "canopy listening on " + url(endpoint);
  if (const auto internal = (*app)->internal_endpoint())
    banner += ", internal routes on " + url(*internal);
  if (const auto metrics = (*app)->metrics_endpoint()) banner += ", metrics on " + url(*metrics);
  print_line(banner, log_format_of(o));

  (*app)->reload_on_hangup();
  asio::signal_set signals((*app)->io(), SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info(
        "signal {}: not ready from now; serving {}s more, then finishing in-flight requests (at "
        "most {}s)",
        signal, o.shutdown_delay_seconds, o.shutdown_grace_seconds);
    (*app)->drain(std::chrono::seconds(o.shutdown_delay_seconds),
                  std::chrono::seconds(o.shutdown_grace_seconds));
  });
  (*app)->run();
  spdlog::info("stopped");
  spdlog::default_logger()->flush();
  return kOk;
}

}  // namespace canopy::cli
