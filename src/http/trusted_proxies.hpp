// Who sent a request, when it came through a proxy we trust. Behind an Ingress every client
// shares the controller's address; the controller says who it served in `Forwarded` (RFC 7239)
// or `X-Forwarded-For`. Those headers are anyone's to write, so they are read only when the
// TCP peer is a listed proxy, and only as far back as the chain stays in trusted hands.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"

namespace canopy::http {

class TrustedProxies {
 public:
  // "10.0.0.0/8, fd00::/8, 192.0.2.7" (a bare address is a /32 or /128); empty: none.
  // nullopt, with the reason in `error`, when a part is not an address or prefix length.
  static std::optional<TrustedProxies> parse(std::string_view list, std::string& error);

  bool empty() const { return networks_.empty(); }
  bool contains(std::string_view address) const;

  // The client's address: the TCP peer, unless the peer is trusted; then the forwarding
  // headers are read from the nearest hop back, and the first hop that is not a trusted
  // proxy is the client. `Forwarded` wins over `X-Forwarded-For` when both are sent. A hop
  // the trusted proxy wrote that is not an address ("unknown", an obfuscated name) stops the
  // walk at that proxy.
  std::string client_address(const RequestContext& ctx) const;

 private:
  struct Network {
    std::array<std::uint8_t, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
    unsigned prefix = 0;                   // of 128
  };
  bool covers(const std::array<std::uint8_t, 16>& address) const;

  std::vector<Network> networks_;
};

}  // namespace canopy::http
