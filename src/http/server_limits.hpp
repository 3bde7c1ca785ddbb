// What one listener allows a client: connection caps, request sizes and deadlines. Shared by the
// parts of the server that enforce them (admission, the connection loop).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace canopy::http {

struct ServerLimits {
  std::size_t max_connections = 1024;
  // Open connections one client address may hold (an IPv6 client's /64 counts as one
  // address), so that one client cannot take the whole cap; 0 for none. Behind a proxy every
  // client has the proxy's address.
  std::size_t max_connections_per_address = 256;
  std::uint32_t header_limit = 8 * 1024;
  std::uint64_t body_limit = 64 * 1024;
  std::chrono::milliseconds read_timeout{10'000};  // to read one request once it has started,
                                                   // and to write one response
  std::chrono::milliseconds idle_timeout{30'000};  // between requests on a kept-alive connection
  // From this share of max_connections on, a connection waiting for a request (its first or
  // its next) gets `pressure_idle_timeout` in place of `idle_timeout`: idle connections make
  // room for new ones before the cap refuses anyone.
  unsigned pressure_percent = 75;
  std::chrono::milliseconds pressure_idle_timeout{1'000};
  bool access_log = true;
  // Requests counted by route and status, with their latencies, for /metrics (the application
  // sets it from its own metrics switch).
  bool count_requests = true;
};

}  // namespace canopy::http
