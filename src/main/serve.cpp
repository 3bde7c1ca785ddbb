// `canopy serve`: wires the embedded store, cache, use cases and HTTP server, then runs until
// SIGINT or SIGTERM, letting in-flight requests finish within the grace period.
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include "api/services.hpp"
#include "auth/crypto.hpp"
#include "cache/local_cache.hpp"
#include "http/server.hpp"
#include "main/commands.hpp"
#include "main/wiring.hpp"

namespace canopy::cli {
namespace {

std::optional<std::string> service_token(const ServeOptions& o) {
  if (!o.service_token_file.empty()) {
    std::ifstream in(o.service_token_file);
    std::string token;
    if (!in || !std::getline(in, token) || token.empty()) {
      std::cerr << o.service_token_file.string() << ": cannot read a service token from it\n";
      return std::nullopt;
    }
    return token;
  }
  if (const char* env = std::getenv("CANOPY_SERVICE_TOKEN"); env && *env) return std::string(env);
  std::string token = auth::random_token();
  spdlog::warn("no service token configured (CANOPY_SERVICE_TOKEN or --service-token-file); "
               "the decision endpoint accepts this one until restart: {}", token);
  return token;
}

bool split_listen(const std::string& listen, std::string& address, std::uint16_t& port) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  address = listen.substr(0, colon);
  if (address.size() > 2 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
  }
  try {
    const unsigned long p = std::stoul(listen.substr(colon + 1));
    if (p > 65535) return false;
    port = static_cast<std::uint16_t>(p);
  } catch (const std::exception&) {
    return false;
  }
  return !address.empty();
}

}  // namespace

int serve(const Common& common, const ServeOptions& o) {
  std::string address;
  std::uint16_t port = 0;
  if (!split_listen(o.listen, address, port)) {
    std::cerr << "--listen must be ADDRESS:PORT, e.g. 127.0.0.1:8080\n";
    return kUsage;
  }
  auto policy = load_policies_or_report(common.policies);
  if (!policy) return kInvalid;
  SystemClock clock;
  auto store = open_store(common.db, clock);
  if (!store) return kFailure;
  const auto token = service_token(o);
  if (!token) return kInvalid;

  cache::LocalCache cache;
  http::BlockingPool blocking(o.blocking_threads);
  consent::Service consent(*policy, *store, *store, cache, clock);
  decision::Checker checker(*policy, cache, *store, *store);
  auth::SignInPolicy sign_in;
  sign_in.session_ttl = std::chrono::minutes(o.session_ttl_minutes);
  sign_in.dummy_cost = *auth::parse_password_cost(o.password_cost);
  auth::SessionService sessions(*store, *store, *store, *store, clock, sign_in);
  auth::PartnerAuthenticator partners(*policy, *store);
  const auth::ServiceToken service(*token);

  asio::io_context io(static_cast<int>(o.io_threads));
  http::Router router;
  http::ServerLimits limits;
  limits.max_connections = o.max_connections;
  limits.access_log = o.access_log;
  http::Server server(io, router, limits);
  std::atomic<bool> stopping{false};
  api::Services services{*policy, consent, checker, sessions, partners, service, *store, blocking,
                         [&] {
                           if (stopping) return false;
                           try {
                             return store->schema_version() > 0;
                           } catch (const std::exception&) {
                             return false;
                           }
                         },
                         o.secure_cookies, sign_in.session_ttl};
  api::add_routes(router, services);

  asio::ip::tcp::endpoint endpoint;
  try {
    endpoint = server.listen(address, port);
  } catch (const boost::system::system_error& e) {
    std::cerr << "cannot listen on " << o.listen << ": " << e.code().message() << '\n';
    return kFailure;
  }
  std::cout << "canopy listening on http://" << endpoint.address().to_string() << ':' << endpoint.port() << std::endl;

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: finishing in-flight requests (at most {}s)", signal, o.shutdown_grace_seconds);
    stopping = true;
    server.stop();
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.shutdown_grace_seconds);
      asio::steady_timer timer(io);
      while (server.active_connections() > 0) {
        if (std::chrono::steady_clock::now() >= deadline) {
          spdlog::warn("{} connection(s) still busy after the grace period; closing them", server.active_connections());
          io.stop();
          co_return;
        }
        timer.expires_after(std::chrono::milliseconds(20));
        co_await timer.async_wait(asio::use_awaitable);
      }
    }, asio::detached);
  });

  std::vector<std::thread> threads;
  for (unsigned i = 1; i < o.io_threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();
  blocking.join();
  spdlog::info("stopped");
  return kOk;
}

}  // namespace canopy::cli
