// Admission control. A refusal is answered at once, from the accepting thread, without a
// coroutine or a read: a client can be refused as fast as it connects.
#include "http/admission.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <boost/asio/write.hpp>

#include "http/response_writer.hpp"

namespace canopy::http {

using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

// Connections are counted per client: an IPv4 address, or an IPv6 /64 (one host can use every
// address of its /64, so counting exact IPv6 addresses would count nothing).
std::string address_key(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return address_key(asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()));
  }
  if (address.is_v4()) {
    const auto bytes = address.to_v4().to_bytes();
    return std::string(bytes.begin(), bytes.end());
  }
  const auto bytes = address.to_v6().to_bytes();
  return std::string(bytes.begin(), bytes.begin() + 8);
}

std::string describe_client(const asio::ip::address& address) {
  if (address.is_v6() && !address.to_v6().is_v4_mapped()) {
    auto bytes = address.to_v6().to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return asio::ip::address_v6(bytes).to_string() + "/64";
  }
  return address.to_string();
}

}  // namespace

Admission::Admission(const ServerLimits& limits)
    : max_connections_(limits.max_connections),
      max_per_address_(limits.max_connections_per_address),
      pressure_percent_(limits.pressure_percent),
      pressure_idle_timeout_(limits.pressure_idle_timeout) {}

void Admission::Ticket::release() {
  if (admission_ == nullptr) return;
  if (!key_.empty()) admission_->release_address_slot(key_);
  --admission_->open_;
  admission_ = nullptr;
}

std::optional<Admission::Ticket> Admission::admit(tcp::socket& socket,
                                                  const asio::ip::address& peer) {
  if (open_.load() >= max_connections_) {
    refuse(socket, Refusal::at_cap, peer);
    return std::nullopt;
  }
  std::string key;
  if (max_per_address_ > 0) {
    key = address_key(peer);
    if (!take_address_slot(key)) {
      refuse(socket, Refusal::per_address, peer);
      return std::nullopt;
    }
  }
  ++open_;
  return Ticket(*this, std::move(key));
}

ServerStats Admission::stats() const {
  return {refused_at_cap_.load(), refused_per_address_.load(), closed_under_pressure_.load()};
}

void Admission::closed_idle(std::string_view client, SteadyClock::time_point now) {
  ++closed_under_pressure_;
  if (std::uint64_t held = 0; pressure_log_.allow(now, held)) {
    spdlog::warn(
        "closed an idle connection from {}: {} of {} connections open, so idle ones get "
        "{} ms ({} more closed since the last report)",
        client, open_.load(), max_connections_, pressure_idle_timeout_.count(), held);
  }
}

bool Admission::take_address_slot(const std::string& key) {
  std::lock_guard lock(addresses_mutex_);
  auto& open = per_address_[key];
  if (open >= max_per_address_) return false;
  ++open;
  return true;
}

void Admission::release_address_slot(const std::string& key) {
  std::lock_guard lock(addresses_mutex_);
  const auto it = per_address_.find(key);
  if (it == per_address_.end()) return;
  if (--it->second == 0) per_address_.erase(it);  // the table holds only open clients
}

void Admission::refuse(tcp::socket& socket, Refusal why, const asio::ip::address& from) {
  const bool at_cap = why == Refusal::at_cap;
  Response r = error_response(
      503, "too_many_connections",
      at_cap ? "the server is at its connection limit" : "too many connections from this address");
  r.headers.emplace_back("Retry-After", "1");
  const std::string request_id = new_request_id();
  // A client can be refused as fast as it connects: count every refusal, log a few.
  ++(at_cap ? refused_at_cap_ : refused_per_address_);
  std::uint64_t held = 0;
  if (at_cap && cap_log_.allow(SteadyClock::now(), held)) {
    spdlog::warn(
        "rid={} refused a connection from {}: {} open, the limit ({} more refused since "
        "the last report)",
        request_id, describe_client(from), max_connections_, held);
  } else if (!at_cap && address_log_.allow(SteadyClock::now(), held)) {
    spdlog::warn(
        "rid={} refused a connection from {}: {} open from that address, the "
        "per-address limit ({} more refused since the last report)",
        request_id, describe_client(from), max_per_address_, held);
  }
  std::string bytes;
  serialize_response(r, request_id, false, 11, false, bytes);
  // A best effort that never waits: the answer fits in a fresh socket's send buffer.
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  asio::write(socket, asio::buffer(bytes), ec);
  socket.shutdown(tcp::socket::shutdown_send, ec);
  socket.close(ec);
}

}  // namespace canopy::http
