// Who sent a request, when it came through a proxy we trust. Behind an Ingress every client
// shares the controller's address; the controller says who it served in `X-Forwarded-For` or
// `Forwarded` (RFC 7239). Those headers are anyone's to write, so only the one the proxies
// write is read, only when the TCP peer is a listed proxy, and only as far back as the chain
// stays in trusted hands. (A proxy that appends to X-Forwarded-For passes a client's own
// Forwarded header through untouched: reading both would let the client pick its address.)
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"

namespace canopy::http {

// The header the trusted proxies append the client's address to.
enum class ForwardedHeader { x_forwarded_for, forwarded };
std::optional<ForwardedHeader> parse_forwarded_header(std::string_view text);  // the header name

class TrustedProxies {
 public:
  // "10.0.0.0/8, fd00::/8, 192.0.2.7" (a bare address is a /32 or /128); empty: none.
  // nullopt, with the reason in `error`, when a part is not an address or prefix length.
  static std::optional<TrustedProxies> parse(
      std::string_view list, std::string& error,
      ForwardedHeader header = ForwardedHeader::x_forwarded_for);

  bool empty() const { return networks_.empty(); }
  bool contains(std::string_view address) const;

  // The client's address: the TCP peer, unless the peer is trusted; then the forwarding
  // header (every field of it, as one list) is read from the nearest hop back, and the first
  // hop that is not a trusted proxy is the client. A hop the trusted proxy wrote that is not
  // an address ("unknown", an obfuscated name) stops the walk at that proxy.
  std::string client_address(const RequestContext& ctx) const;

 private:
  struct Network {
    std::array<std::uint8_t, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
    unsigned prefix = 0;                   // of 128
  };
  bool covers(const std::array<std::uint8_t, 16>& address) const;

  std::vector<Network> networks_;
  ForwardedHeader header_ = ForwardedHeader::x_forwarded_for;
};

}  // namespace canopy::http
