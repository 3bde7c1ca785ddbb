// The Beast server through real sockets: routing errors, limits, request ids, the connection
// cap, the boundary catch, and a graceful stop that lets an in-flight request finish.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include <boost/asio/ip/tcp.hpp>

#include "http/server.hpp"
#include "support/http_client.hpp"

namespace canopy::http {
namespace {

using testing::HttpClient;

class ServerTest : public ::testing::Test {
 protected:
  void start(ServerLimits limits = {}) {
    limits.access_log = false;
    router_.add(Method::get, "/hello/{name}", [](RequestContext& ctx) -> asio::awaitable<Response> {
      co_return Response{200, "text/plain", "hello " + std::string(ctx.param("name")), {}};
    });
    router_.add(Method::post, "/echo", [](RequestContext& ctx) -> asio::awaitable<Response> {
      co_return Response{200, "text/plain", ctx.body, {}};
    });
    router_.add(Method::get, "/boom", [](RequestContext&) -> asio::awaitable<Response> {
      throw std::runtime_error("secret internal detail");
      co_return Response{};
    });
    router_.add(Method::get, "/slow", [this](RequestContext&) -> asio::awaitable<Response> {
      slow_started_.set_value();
      asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(300));
      co_await timer.async_wait(asio::use_awaitable);
      co_return Response{200, "text/plain", "finished", {}};
    });
    server_ = std::make_unique<Server>(io_, router_, limits);
    port_ = server_->listen("127.0.0.1", 0).port();
    thread_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }

  HttpClient client() const { return HttpClient(port_); }

  asio::io_context io_;
  Router router_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::promise<void> slow_started_;
};

TEST_F(ServerTest, RoutesWithParameters) {
  start();
  auto r = client().get("/hello/world");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "hello world");
}

TEST_F(ServerTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  start();
  auto missing = client().get("/nope");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.code(), "not_found");
  auto wrong = client().request("DELETE", "/hello/x");
  EXPECT_EQ(wrong.status, 405u);
  EXPECT_EQ(wrong.code(), "method_not_allowed");
  EXPECT_EQ(wrong.header("allow"), "GET, HEAD");
}

TEST_F(ServerTest, HeadAnswersGetRoutesWithoutBody) {
  start();
  auto r = client().request("HEAD", "/hello/abc");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.header("content-length"), "9");
}

TEST_F(ServerTest, EveryResponseCarriesARequestId) {
  start();
  auto generated = client().get("/hello/a");
  EXPECT_EQ(generated.header("x-request-id").size(), 16u);
  auto honoured = client().get("/hello/a", {{"X-Request-Id", "gateway-42.a_b"}});
  EXPECT_EQ(honoured.header("x-request-id"), "gateway-42.a_b");
  auto unsafe = client().get("/hello/a", {{"X-Request-Id", "bad id\twith spaces"}});
  EXPECT_NE(unsafe.header("x-request-id"), "bad id\twith spaces");
  EXPECT_EQ(unsafe.header("x-request-id").size(), 16u);
  EXPECT_EQ(client().get("/nope").header("x-request-id").size(), 16u);
}

TEST_F(ServerTest, OversizeBodyIs413) {
  ServerLimits limits;
  limits.body_limit = 1024;
  start(limits);
  EXPECT_EQ(client().request("POST", "/echo", std::string(1024, 'x')).status, 200u);
  auto r = client().request("POST", "/echo", std::string(1025, 'x'));
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(r.code(), "body_too_large");
}

TEST_F(ServerTest, OversizeHeadersAre431) {
  ServerLimits limits;
  limits.header_limit = 1024;
  start(limits);
  auto r = client().get("/hello/a", {{"X-Filler", std::string(2000, 'y')}});
  EXPECT_EQ(r.status, 431u);
  EXPECT_EQ(r.code(), "headers_too_large");
}

TEST_F(ServerTest, MalformedHttpIs400) {
  start();
  const auto answer =
      client().raw("GET /hello/a HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
  EXPECT_NE(answer.find("HTTP/1.1 400"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"bad_request\""), std::string::npos);
}

TEST_F(ServerTest, BadPercentEscapeIs400) {
  start();
  auto r = client().get("/hello/%zz");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.code(), "bad_request");
}

TEST_F(ServerTest, HandlerExceptionIs500WithoutDetail) {
  start();
  auto r = client().get("/boom");
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(r.code(), "internal");
  EXPECT_EQ(r.body.find("secret internal detail"), std::string::npos);
  EXPECT_NE(r.body.find(r.header("x-request-id")), std::string::npos);
}

TEST_F(ServerTest, ConnectionCapAnswers503) {
  ServerLimits limits;
  limits.max_connections = 1;
  start(limits);
  asio::io_context io;
  asio::ip::tcp::socket holder(io);
  holder.connect({asio::ip::make_address("127.0.0.1"), port_});
  // Wait until the server has taken the held connection into account.
  for (int i = 0; i < 500 && server_->active_connections() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_EQ(server_->active_connections(), 1u);
  auto r = client().get("/hello/a");
  EXPECT_EQ(r.status, 503u);
  EXPECT_EQ(r.code(), "too_many_connections");
  holder.close();
}

TEST_F(ServerTest, StopLetsInFlightRequestFinish) {
  start();
  auto slow = std::async(std::launch::async, [this] { return client().get("/slow"); });
  slow_started_.get_future().wait();
  server_->stop();
  auto r = slow.get();
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "finished");
  EXPECT_EQ(r.header("connection"), "close");
  thread_.join();  // io_context runs out of work once every connection has closed
  asio::io_context io;
  asio::ip::tcp::socket late(io);
  boost::system::error_code ec;
  late.connect({asio::ip::make_address("127.0.0.1"), port_}, ec);
  EXPECT_TRUE(ec) << "the listener should be closed after stop()";
}

TEST_F(ServerTest, StopClosesIdleKeepAliveConnections) {
  start();
  asio::io_context io;
  asio::ip::tcp::socket idle(io);
  idle.connect({asio::ip::make_address("127.0.0.1"), port_});
  for (int i = 0; i < 500 && server_->active_connections() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  server_->stop();
  thread_.join();  // returns only because the idle connection was closed, not timed out
  EXPECT_EQ(server_->active_connections(), 0u);
}

}  // namespace
}  // namespace canopy::http
