// Asio on a thread of its own: an accept loop and two pumps per connection, all on one
// io_context thread, so the proxy's state needs no lock; the test thread posts to it and waits.
#include "support/tcp_proxy.hpp"

#include <future>
#include <set>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "http/asio.hpp"

namespace canopy::testing {

using asio::ip::tcp;

namespace {

constexpr std::size_t kUnlimited = static_cast<std::size_t>(-1);

struct Link {
  explicit Link(asio::io_context& io) : client(io), server(io) {}
  tcp::socket client;
  tcp::socket server;
  std::size_t budget = kUnlimited;  // client bytes still forwarded; then the link is silent
  bool silent() const { return budget == 0; }
  void close() {
    boost::system::error_code ec;
    client.close(ec);
    server.close(ec);
  }
};

}  // namespace

struct TcpProxy::State : std::enable_shared_from_this<State> {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  tcp::endpoint target;
  std::set<std::shared_ptr<Link>> links;
  bool severed = false;
  std::size_t budget = kUnlimited;  // for every link, open or new (0: black hole)
  std::string marker;
  std::thread thread;

  void cut() {
    severed = true;
    for (const auto& l : links)
      l->close();
    links.clear();
  }

  void limit(std::size_t bytes) {
    budget = bytes;
    for (const auto& l : links)
      l->budget = std::min(l->budget, bytes);
  }

  asio::awaitable<void> pump(std::shared_ptr<Link> link, bool from_client) {
    auto& from = from_client ? link->client : link->server;
    auto& to = from_client ? link->server : link->client;
    std::string tail;  // the end of the previous chunk, so a marker split across reads is found
    char buf[16384];
    for (;;) {
      boost::system::error_code ec;
      const std::size_t n = co_await from.async_read_some(
          asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      std::size_t forward = n;
      if (link->silent()) continue;  // swallowed, both ways
      if (from_client && link->budget != kUnlimited) {
        forward = std::min(n, link->budget);
        link->budget -= forward;
      }
      if (from_client && !marker.empty()) {
        tail.append(buf, n);
        if (tail.find(marker) != std::string::npos) {
          marker.clear();
          cut();
          co_return;
        }
        if (tail.size() > marker.size()) tail.erase(0, tail.size() - marker.size());
      }
      if (forward == 0) continue;
      co_await asio::async_write(to, asio::buffer(buf, forward),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
    }
    link->close();
    links.erase(link);
  }

  asio::awaitable<void> serve(std::shared_ptr<Link> link) {
    boost::system::error_code ec;
    link->budget = budget;
    if (link->silent()) {  // accepted, and never answered: the server never hears of it
      co_await pump(link, true);
      co_return;
    }
    co_await link->server.async_connect(target, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || severed) {
      link->close();
      links.erase(link);
      co_return;
    }
    asio::co_spawn(io, pump(link, true), asio::detached);
    asio::co_spawn(io, pump(link, false), asio::detached);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto link = std::make_shared<Link>(io);
      boost::system::error_code ec;
      co_await acceptor.async_accept(link->client, asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted) co_return;
      if (ec) continue;
      if (severed) {
        link->close();
        continue;
      }
      links.insert(link);
      asio::co_spawn(io, serve(link), asio::detached);
    }
  }

  // Runs `f` on the proxy's thread and waits for it.
  template <class F>
  auto call(F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    asio::post(io, [&task] { task(); });
    return result.get();
  }
};

TcpProxy::TcpProxy(std::string host, std::uint16_t port) : state_(std::make_shared<State>()) {
  state_->target = tcp::endpoint(asio::ip::make_address(host), port);
  asio::co_spawn(state_->io, state_->accept_loop(), asio::detached);
  state_->thread = std::thread([s = state_] { s->io.run(); });
}

TcpProxy::~TcpProxy() {
  state_->call([s = state_.get()] {
    s->cut();
    boost::system::error_code ec;
    s->acceptor.close(ec);
  });
  state_->io.stop();
  state_->thread.join();
}

std::uint16_t TcpProxy::port() const {
  return state_->acceptor.local_endpoint().port();
}

void TcpProxy::sever() {
  state_->call([s = state_.get()] { s->cut(); });
}

void TcpProxy::black_hole() {
  state_->call([s = state_.get()] { s->limit(0); });
}

void TcpProxy::swallow_after(std::size_t bytes) {
  state_->call([s = state_.get(), bytes] { s->limit(bytes); });
}

void TcpProxy::restore() {
  state_->call([s = state_.get()] {
    s->severed = false;
    s->budget = kUnlimited;
  });
}

void TcpProxy::sever_when_sent(std::string marker) {
  state_->call([s = state_.get(), m = std::move(marker)] { s->marker = m; });
}

bool TcpProxy::severed() const {
  return state_->call([s = state_.get()] { return s->severed; });
}

}  // namespace canopy::testing
