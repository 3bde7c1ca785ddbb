// The listener: binds, accepts, admits each connection or refuses it, and hands it to the
// connection loop on the next worker in turn; stops gracefully on request.
#include "http/server.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

namespace canopy::http {

using tcp = asio::ip::tcp;

namespace {

std::vector<std::unique_ptr<Worker>> make_workers(const std::vector<asio::io_context*>& ios) {
  std::vector<std::unique_ptr<Worker>> workers;
  for (auto* io : ios)
    workers.push_back(std::make_unique<Worker>(*io));
  return workers;
}

}  // namespace

Server::Server(std::vector<asio::io_context*> workers, const Router& router, ServerLimits limits,
               RouteFilter routes)
    : router_(router),
      workers_(make_workers(workers)),
      admission_(limits),
      sessions_(router, limits, std::move(routes)),
      acceptor_(*workers.at(0)) {}

Server::Server(asio::io_context& io, const Router& router, ServerLimits limits, RouteFilter routes)
    : Server(std::vector<asio::io_context*>{&io}, router, limits, std::move(routes)) {}

Server::~Server() = default;

tcp::endpoint Server::listen(const std::string& address, std::uint16_t port) {
  const tcp::endpoint endpoint(asio::ip::make_address(address), port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  for (auto& worker : workers_) {
    if (sessions_.limits().count_requests) worker->counts.start(router_);
    asio::co_spawn(worker->io, sessions_.sweep(*worker, admission_), asio::detached);
  }
  asio::co_spawn(workers_[0]->io, accept_loop(), asio::detached);
  return acceptor_.local_endpoint();
}

void Server::stop() {
  if (!sessions_.stop()) return;
  asio::post(workers_[0]->io, [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
  });
  for (auto& worker : workers_) {
    asio::post(worker->io, [w = worker.get()] { ConnectionLoop::close_idle(*w); });
  }
}

asio::awaitable<void> Server::accept_loop() {
  while (!sessions_.stopping()) {
    Worker& worker = *workers_[next_worker_];
    next_worker_ = (next_worker_ + 1) % workers_.size();
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor_.async_accept(worker.io, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (sessions_.stopping() || ec == asio::error::operation_aborted) break;
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    const auto peer = socket.remote_endpoint(ec);
    if (ec) continue;  // gone already; the socket closes here
    auto ticket = admission_.admit(socket, peer.address());
    if (!ticket) continue;  // answered 503 and closed
    asio::co_spawn(worker.io, sessions_.serve(worker, std::move(socket), std::move(*ticket)),
                   asio::detached);
  }
}

void Server::write_metrics(metrics::Exposition& out, std::span<const Listener> listeners) {
  std::vector<ListenerCounts> counts;
  counts.reserve(listeners.size());
  for (const auto& l : listeners) {
    auto& c = counts.emplace_back(ListenerCounts{.name = l.name,
                                                 .router = &l.server->router_,
                                                 .workers = {},
                                                 .open = l.server->active_connections(),
                                                 .stats = l.server->stats()});
    for (const auto& w : l.server->workers_)
      c.workers.push_back(&w->counts);
  }
  write_http_metrics(out, counts);
}

}  // namespace canopy::http
