// The gateway against a crowded public listener, through a real Application: its decisions
// have their own listener, the public one caps each client address, and neither listener
// serves the other's routes.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "support/test_app.hpp"
#include "support/eventually.hpp"

namespace canopy::testing {
namespace {

namespace asio = boost::asio;

const std::string kDecision =
    "/internal/v1/decisions?app=wonde&school=oakfield-primary&data_type=Student&operation=read";


cli::AppConfig with_internal_listener() {
  cli::AppConfig config;
  config.internal_port = 0;
  return config;
}

TEST(Listeners, DecisionsAreAnsweredWhileOneClientHoldsThePublicCapIdle) {
  auto config = with_internal_listener();
  config.limits.max_connections = 8;
  config.limits.max_connections_per_address = 8;  // this client may take the whole public cap
  config.limits.pressure_idle_timeout = std::chrono::seconds(60);  // and keep it
  TestApp app(config);
  const auto internal = app.app().internal_endpoint();
  ASSERT_TRUE(internal.has_value());
  ASSERT_NE(internal->port(), app.port());

  asio::io_context io;
  auto held = hold_idle(io, app.port(), 8, "127.0.0.1");
  ASSERT_TRUE(wait_for_connections(app.app().public_server(), 8));
  auto crowded = HttpClient(app.port(), "127.0.0.2").get("/healthz");
  ASSERT_EQ(crowded.status, 503u) << "the public listener is full";
  ASSERT_EQ(crowded.code(), "too_many_connections");

  HttpClient gateway(internal->port());
  for (int i = 0; i < 20; ++i) {  // more than the public cap, one connection each
    auto decision = gateway.get(kDecision, bearer(kServiceToken));
    ASSERT_EQ(decision.status, 200u) << decision.body;
    EXPECT_TRUE(decision.json()["allow"].get<bool>());
  }
  EXPECT_EQ(gateway.get("/readyz").status, 200u);
  EXPECT_EQ(gateway.get("/healthz").status, 200u);
  EXPECT_EQ(app.app().public_server().stats().refused_at_cap, 1u);
}

TEST(Listeners, EachListenerServesOnlyItsOwnRoutes) {
  TestApp app(with_internal_listener());
  HttpClient gateway(app.app().internal_endpoint()->port());
  auto& client = app.client();

  // The public listener has no /internal/* route at all, however the path is spelt.
  for (const std::string& path :
       std::vector<std::string>{kDecision, "/%69nternal/v1/decisions?app=wonde",
                                "/internal/%76%31/decisions", "/internal/v1/decisions/"}) {
    auto r = client.get(path, bearer(kServiceToken));
    EXPECT_EQ(r.status, 404u) << path;
    EXPECT_EQ(r.code(), "not_found") << path;
  }
  EXPECT_EQ(client.request("POST", kDecision, "{}", bearer(kServiceToken)).status, 404u)
      << "not 405: the path does not exist here";
  EXPECT_EQ(client.get("/healthz").status, 200u);

  // The internal listener serves decisions and health, nothing an admin or a partner uses.
  EXPECT_EQ(gateway.get(kDecision, bearer(kServiceToken)).status, 200u);
  EXPECT_EQ(gateway.get("/api/v1/me", bearer("x")).status, 404u);
  EXPECT_EQ(gateway.post_json("/api/v1/session", R"({"email":"a@b.c","password":"x"})").status,
            404u);
  EXPECT_EQ(gateway.get("/partner/v1/connection-requests/oakfield-primary").status, 404u);
}

TEST(Listeners, WithoutAnInternalListenerOnePortServesEverything) {
  TestApp app;
  EXPECT_FALSE(app.app().internal_endpoint().has_value());
  EXPECT_EQ(app.client().get(kDecision, bearer(kServiceToken)).status, 200u);
}

TEST(Listeners, OneAddressAtItsCapLeavesTheOthersServed) {
  cli::AppConfig config;
  config.limits.max_connections = 64;
  config.limits.max_connections_per_address = 4;
  TestApp app(config);

  asio::io_context io;
  auto held = hold_idle(io, app.port(), 4, "127.0.0.1");
  ASSERT_TRUE(wait_for_connections(app.app().public_server(), 4));
  auto refused = app.client().get("/healthz");
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(refused.code(), "too_many_connections");
  EXPECT_EQ(app.app().public_server().stats().refused_per_address, 1u);

  HttpClient other(app.port(), "127.0.0.2");
  EXPECT_EQ(other.get("/healthz").status, 200u);
  auto decision = other.get(kDecision, bearer(kServiceToken));
  EXPECT_EQ(decision.status, 200u) << decision.body;
}

}  // namespace
}  // namespace canopy::testing
