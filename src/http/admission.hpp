// Which connections a listener takes: an overall cap and a per-client-address one, a 503 for
// the ones refused, and the count of idle connections closed early near the cap. Everything
// here happens when a connection opens or closes, never per request.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include <boost/asio/ip/tcp.hpp>

#include "http/asio.hpp"
#include "http/log_throttle.hpp"
#include "http/server_limits.hpp"

namespace canopy::http {

// What the server refused or closed to protect itself, since it started.
struct ServerStats {
  std::uint64_t refused_at_cap = 0;              // max_connections reached
  std::uint64_t refused_per_address = 0;         // max_connections_per_address reached
  std::uint64_t closed_idle_under_pressure = 0;  // idle past pressure_idle_timeout near the cap
};

class Admission {
 public:
  explicit Admission(const ServerLimits& limits);
  Admission(const Admission&) = delete;
  Admission& operator=(const Admission&) = delete;

  // One admitted connection's place under the caps, given back when the ticket is released or
  // destroyed (whichever comes first), so a connection that ends in any way frees its place.
  class Ticket {
   public:
    Ticket(Ticket&& other) noexcept
        : admission_(std::exchange(other.admission_, nullptr)), key_(std::move(other.key_)) {}
    Ticket& operator=(Ticket&&) = delete;
    ~Ticket() { release(); }
    void release();

   private:
    friend class Admission;
    Ticket(Admission& admission, std::string key) : admission_(&admission), key_(std::move(key)) {}
    Admission* admission_;
    std::string key_;  // the client's address key; empty when there is no per-address cap
  };

  // A connection just accepted from `peer`: its ticket, or nullopt once it has been answered
  // 503 and closed (the listener at its cap, or that address at its share).
  std::optional<Ticket> admit(asio::ip::tcp::socket& socket, const asio::ip::address& peer);

  // Near the cap (pressure_percent of it): idle connections get pressure_idle_timeout.
  bool near_cap() const { return open_.load() * 100 >= max_connections_ * pressure_percent_; }
  // Counts (and now and then logs) an idle connection from `client` closed for being near the cap.
  void closed_idle(std::string_view client, std::chrono::steady_clock::time_point now);

  std::size_t open() const { return open_.load(); }
  ServerStats stats() const;

 private:
  enum class Refusal { at_cap, per_address };
  void refuse(asio::ip::tcp::socket& socket, Refusal why, const asio::ip::address& from);
  bool take_address_slot(const std::string& key);
  void release_address_slot(const std::string& key);

  std::size_t max_connections_;
  std::size_t max_per_address_;
  unsigned pressure_percent_;
  std::chrono::milliseconds pressure_idle_timeout_;
  std::atomic<std::size_t> open_{0};
  // Open connections per client address: touched when one opens or closes, never per request.
  std::mutex addresses_mutex_;
  std::unordered_map<std::string, std::size_t> per_address_;
  std::atomic<std::uint64_t> refused_at_cap_{0};
  std::atomic<std::uint64_t> refused_per_address_{0};
  std::atomic<std::uint64_t> closed_under_pressure_{0};
  LogThrottle cap_log_{std::chrono::seconds(10)};
  LogThrottle address_log_{std::chrono::seconds(10)};
  LogThrottle pressure_log_{std::chrono::seconds(10)};
};

}  // namespace canopy::http
