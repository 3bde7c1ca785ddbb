// The Beast server through real sockets: routing errors, limits, request ids, the connection
// cap, the boundary catch, and a graceful stop that lets an in-flight request finish.
#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "http/server.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"

namespace canopy::http {
namespace {

using testing::hold_idle;
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
  // The id is always the server's own: a client's X-Request-Id is kept beside it (audit
  // records), never instead of it.
  auto ignored = client().get("/hello/a", {{"X-Request-Id", "gateway-42.a_b"}});
  EXPECT_NE(ignored.header("x-request-id"), "gateway-42.a_b");
  EXPECT_EQ(ignored.header("x-request-id").size(), 16u);
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

TEST_F(ServerTest, ARouteWithItsOwnBodyLimitTakesLargerBodiesAndOnlyIt) {
  const auto echo = [](RequestContext& ctx) -> asio::awaitable<Response> {
    co_return Response{200, "text/plain", std::to_string(ctx.body.size()), {}};
  };
  router_.add(Method::post, "/batches/{id}", echo, {.body_limit = 4096});
  router_.add(Method::put, "/batches/{id}", echo);  // same path, other method: the default
  ServerLimits limits;
  limits.body_limit = 1024;
  start(limits);
  const std::string big(4096, 'x');
  auto taken = client().request("POST", "/batches/7?dry=1", big);
  EXPECT_EQ(taken.status, 200u);
  EXPECT_EQ(taken.body, "4096");
  auto over = client().request("POST", "/batches/7", big + "x");
  EXPECT_EQ(over.status, 413u);
  EXPECT_EQ(over.code(), "body_too_large");
  EXPECT_NE(over.body.find("4096 bytes"), std::string::npos) << over.body;
  // Chunked bodies are held to the route's limit too, chunk by chunk.
  const auto chunked = [&](std::size_t size) {
    std::ostringstream hex;
    hex << std::hex << size;
    return client().raw(
        "POST /batches/8 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        "Connection: close\r\n\r\n" +
        hex.str() + "\r\n" + std::string(size, 'y') + "\r\n0\r\n\r\n");
  };
  EXPECT_NE(chunked(4096).find("HTTP/1.1 200"), std::string::npos);
  EXPECT_NE(chunked(4097).find("HTTP/1.1 413"), std::string::npos);
  // Every other route, and this path with another method, keeps the server's limit.
  EXPECT_EQ(client().request("PUT", "/batches/7", std::string(1025, 'x')).status, 413u);
  auto echo_over = client().request("POST", "/echo", std::string(1025, 'x'));
  EXPECT_EQ(echo_over.status, 413u);
  EXPECT_NE(echo_over.body.find("1024 bytes"), std::string::npos) << echo_over.body;
  EXPECT_EQ(client().request("POST", "/batches/7/more", big).status, 413u) << "no route: default";
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
  limits.pressure_idle_timeout = std::chrono::seconds(60);  // the holder stays, however slow
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

// Reads from a raw socket until the server closes it or `limit` passes; returns what came.
struct RawRead {
  std::string data;
  bool closed = false;
};

RawRead read_until_closed(asio::ip::tcp::socket& socket, std::chrono::milliseconds limit) {
  RawRead out;
  socket.non_blocking(true);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  char chunk[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    boost::system::error_code ec;
    const auto n = socket.read_some(asio::buffer(chunk), ec);
    if (ec == asio::error::would_block) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    out.data.append(chunk, n);
    if (ec) {
      out.closed = true;
      break;
    }
  }
  return out;
}

std::size_t count(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

using testing::wait_for_connections;

TEST_F(ServerTest, OneAddressAtItsCapIsRefusedWhileAnotherIsServed) {
  ServerLimits limits;
  limits.max_connections = 16;
  limits.max_connections_per_address = 3;
  start(limits);
  asio::io_context io;
  auto held = hold_idle(io, port_, 3, "127.0.0.1");
  ASSERT_TRUE(wait_for_connections(*server_, 3));

  auto refused = client().get("/hello/a");
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(refused.code(), "too_many_connections");
  EXPECT_EQ(refused.header("connection"), "close");
  EXPECT_EQ(server_->stats().refused_per_address, 1u);

  auto other = HttpClient(port_, "127.0.0.2").get("/hello/b");
  EXPECT_EQ(other.status, 200u) << "another address keeps its own slots";
  EXPECT_EQ(other.body, "hello b");

  held.pop_back();  // one slot of 127.0.0.1 comes back when its connection closes
  ASSERT_TRUE(wait_for_connections(*server_, 2));
  EXPECT_EQ(client().get("/hello/c").status, 200u);
  EXPECT_EQ(server_->stats().refused_at_cap, 0u);
}

TEST_F(ServerTest, IdleConnectionsHoldingTheCapAreClosedSoOthersGetIn) {
  ServerLimits limits;
  limits.max_connections = 4;
  limits.max_connections_per_address = 0;
  limits.idle_timeout = std::chrono::seconds(60);
  limits.pressure_idle_timeout = std::chrono::milliseconds(100);
  start(limits);
  asio::io_context io;
  auto held = hold_idle(io, port_, 4, "127.0.0.1");
  ASSERT_TRUE(wait_for_connections(*server_, 4));
  // Without the short idle timeout near the cap, these four would keep every newcomer out
  // for the whole minute of idle_timeout.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  unsigned status = 0;
  while (status != 200 && std::chrono::steady_clock::now() < deadline) {
    try {
      status = HttpClient(port_, "127.0.0.2").get("/hello/late").status;
    } catch (const std::exception&) {
      status = 0;  // refused at the cap, and the refusal was cut short by a reset
    }
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(status, 200u);
  EXPECT_GE(server_->stats().closed_idle_under_pressure, 1u);
  const auto got = read_until_closed(held.front(), std::chrono::seconds(5));
  EXPECT_TRUE(got.closed);
  EXPECT_EQ(got.data, "") << "an idle connection is closed without an answer";
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  ServerLimits limits;
  limits.idle_timeout = std::chrono::milliseconds(150);
  start(limits);
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port_});
  asio::write(socket, asio::buffer(std::string("GET /hello/a HTTP/1.1\r\nHost: x\r\n\r\n")));
  const auto started = std::chrono::steady_clock::now();
  const auto got = read_until_closed(socket, std::chrono::seconds(5));
  EXPECT_TRUE(got.closed);
  EXPECT_NE(got.data.find("hello a"), std::string::npos) << got.data;
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(140));
}

TEST_F(ServerTest, RequestThatStopsHalfwayIsClosedAfterReadTimeout) {
  ServerLimits limits;
  limits.read_timeout = std::chrono::milliseconds(150);
  start(limits);
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port_});
  asio::write(socket, asio::buffer(std::string("GET /hello/a HTTP/1.1\r\nHos")));
  const auto got = read_until_closed(socket, std::chrono::seconds(5));
  EXPECT_TRUE(got.closed);
  EXPECT_EQ(got.data, "") << "a request that never completed gets no answer";
  for (int i = 0; i < 500 && server_->active_connections() > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_EQ(server_->active_connections(), 0u);
}

TEST_F(ServerTest, KeptAliveConnectionServesPipelinedRequestsInOrder) {
  start();
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port_});
  std::string requests;
  for (const char* name : {"one", "two", "three"})
    requests += std::string("GET /hello/") + name + " HTTP/1.1\r\nHost: x\r\n\r\n";
  requests +=
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbody";
  asio::write(socket, asio::buffer(requests));
  const auto got = read_until_closed(socket, std::chrono::seconds(5));
  EXPECT_TRUE(got.closed);
  EXPECT_EQ(count(got.data, "HTTP/1.1 200 OK"), 4u) << got.data;
  const auto one = got.data.find("hello one");
  const auto two = got.data.find("hello two");
  const auto three = got.data.find("hello three");
  ASSERT_NE(three, std::string::npos) << got.data;
  EXPECT_LT(one, two);
  EXPECT_LT(two, three);
  EXPECT_LT(three, got.data.rfind("body"));
  EXPECT_EQ(count(got.data, "Connection: close"), 1u) << "only the last answer closes";
}

TEST_F(ServerTest, Http10KeepsAliveOnlyWhenAsked) {
  start();
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port_});
  asio::write(socket,
              asio::buffer(std::string("GET /hello/a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                                       "GET /hello/b HTTP/1.0\r\n\r\n")));
  const auto got = read_until_closed(socket, std::chrono::seconds(5));
  EXPECT_TRUE(got.closed);
  EXPECT_EQ(count(got.data, "Connection: keep-alive"), 1u) << got.data;
  EXPECT_EQ(count(got.data, "Connection: close"), 1u) << got.data;
  EXPECT_NE(got.data.find("hello b"), std::string::npos);
}

TEST_F(ServerTest, ChunkedBodyIsReassembled) {
  start();
  const auto answer = client().raw(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");
  EXPECT_NE(answer.find("HTTP/1.1 200"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\r\n\r\nabcdefg"), std::string::npos) << answer;
}

TEST_F(ServerTest, HeaderWithLineBreakFromAHandlerBecomes500) {
  router_.add(Method::get, "/inject", [](RequestContext&) -> asio::awaitable<Response> {
    co_return Response{200, "text/plain", "x", {{"X-Evil", "a\r\nSet-Cookie: stolen=1"}}};
  });
  start();
  auto r = client().get("/inject");
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(r.code(), "internal");
  EXPECT_EQ(r.header("set-cookie"), "");
}

TEST(ServerWorkers, ConnectionsSpreadOverWorkersAndAllAnswer) {
  asio::io_context a(1), b(1);
  Router router;
  std::mutex mutex;
  std::set<std::thread::id> threads;
  router.add(Method::get, "/who", [&](RequestContext&) -> asio::awaitable<Response> {
    {
      std::lock_guard lock(mutex);
      threads.insert(std::this_thread::get_id());
    }
    co_return Response{200, "text/plain", "ok", {}};
  });
  ServerLimits limits;
  limits.access_log = false;
  Server server({&a, &b}, router, limits);
  const auto port = server.listen("127.0.0.1", 0).port();
  std::thread ta([&] { a.run(); });
  std::thread tb([&] { b.run(); });
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(HttpClient(port).get("/who").status, 200u);
  server.stop();
  ta.join();
  tb.join();
  EXPECT_EQ(threads.size(), 2u) << "each worker's thread served some connections";
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
