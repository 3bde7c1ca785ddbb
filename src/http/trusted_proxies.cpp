// Trusted proxies and the client address they report.
#include "http/trusted_proxies.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

#include <arpa/inet.h>

namespace canopy::http {
namespace {

using Bytes = std::array<std::uint8_t, 16>;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// An IPv4 or IPv6 address in its usual spellings; IPv4 as IPv4-mapped IPv6. `v4` says which.
std::optional<Bytes> parse_address(std::string_view text, bool* v4 = nullptr) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buffer[INET6_ADDRSTRLEN] = {};
  std::memcpy(buffer, text.data(), text.size());
  Bytes out{};
  if (inet_pton(AF_INET, buffer, out.data() + 12) == 1) {
    out[10] = out[11] = 0xff;
    if (v4 != nullptr) *v4 = true;
    return out;
  }
  if (inet_pton(AF_INET6, buffer, out.data()) == 1) {
    if (v4 != nullptr) *v4 = false;
    return out;
  }
  return std::nullopt;
}

// One spelling per address: IPv4 (and IPv4-mapped IPv6) dotted, IPv6 as inet_ntop writes it.
std::string canonical(const Bytes& bytes) {
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  char out[INET6_ADDRSTRLEN] = {};
  if (std::equal(std::begin(kMapped), std::end(kMapped), bytes.begin()))
    inet_ntop(AF_INET, bytes.data() + 12, out, sizeof out);
  else
    inet_ntop(AF_INET6, bytes.data(), out, sizeof out);
  return out;
}

// A hop as a forwarding header writes it: "192.0.2.1", "192.0.2.1:4711", "2001:db8::1",
// "[2001:db8::1]:4711", each possibly in double quotes.
std::optional<Bytes> parse_hop(std::string_view hop) {
  hop = trim(hop);
  if (hop.size() >= 2 && hop.front() == '"' && hop.back() == '"')
    hop = hop.substr(1, hop.size() - 2);
  if (!hop.empty() && hop.front() == '[') {
    const auto close = hop.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    return parse_address(hop.substr(1, close - 1));
  }
  if (std::count(hop.begin(), hop.end(), ':') == 1) hop = hop.substr(0, hop.find(':'));
  return parse_address(hop);
}

// Splits on commas; with `quotes`, not on those inside double quotes (a quoted Forwarded value
// may hold one). A quote the client left open would swallow the hops the proxies appended
// after it, so then every comma splits after all.
std::vector<std::string_view> split_list(std::string_view value, bool quotes) {
  std::vector<std::string_view> out;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (quotes && value[i] == '"') quoted = !quoted;
    if (value[i] == ',' && !quoted) {
      out.push_back(value.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(value.substr(start));
  if (quoted) return split_list(value, false);
  return out;
}

// The `for=` of one Forwarded element ("for=192.0.2.1;proto=https"); empty when it has none.
std::string_view forwarded_for(std::string_view element) {
  while (!element.empty()) {
    const auto semicolon = element.find(';');
    const auto pair = trim(element.substr(0, semicolon));
    if (pair.size() > 4 && iequals(pair.substr(0, 4), "for=")) return pair.substr(4);
    if (semicolon == std::string_view::npos) break;
    element.remove_prefix(semicolon + 1);
  }
  return {};
}

// Every hop the request's forwarding header names, the client's end first.
std::vector<std::string_view> hops(const RequestContext& ctx, ForwardedHeader header) {
  std::vector<std::string_view> out;
  for (const auto& [name, value] : ctx.headers) {
    if (header == ForwardedHeader::forwarded && iequals(name, "forwarded")) {
      for (const auto element : split_list(value, true))
        out.push_back(forwarded_for(element));
    } else if (header == ForwardedHeader::x_forwarded_for && iequals(name, "x-forwarded-for")) {
      for (const auto hop : split_list(value, false))
        out.push_back(hop);
    }
  }
  return out;
}

bool in_network(const Bytes& address, const Bytes& network, unsigned prefix) {
  const unsigned whole = prefix / 8;
  if (!std::equal(address.begin(), address.begin() + whole, network.begin())) return false;
  if (prefix % 8 == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - prefix % 8));
  return (address[whole] & mask) == (network[whole] & mask);
}

}  // namespace

std::optional<ForwardedHeader> parse_forwarded_header(std::string_view text) {
  if (iequals(text, "x-forwarded-for")) return ForwardedHeader::x_forwarded_for;
  if (iequals(text, "forwarded")) return ForwardedHeader::forwarded;
  return std::nullopt;
}

std::optional<TrustedProxies> TrustedProxies::parse(std::string_view list, std::string& error,
                                                    ForwardedHeader header) {
  TrustedProxies out;
  out.header_ = header;
  if (trim(list).empty()) return out;
  for (auto part : split_list(list, false)) {
    part = trim(part);
    const auto slash = part.find('/');
    bool v4 = false;
    const auto address = parse_address(part.substr(0, slash), &v4);
    if (!address) {
      error = "\"" + std::string(part) + "\" is not an IP address or CIDR block";
      return std::nullopt;
    }
    const unsigned width = v4 ? 32 : 128;
    unsigned prefix = width;
    if (slash != std::string_view::npos) {
      const auto digits = part.substr(slash + 1);
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
      if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() ||
          prefix > width) {
        error =
            "\"" + std::string(part) + "\" has no prefix length from 0 to " + std::to_string(width);
        return std::nullopt;
      }
    }
    out.networks_.push_back({*address, prefix + (128 - width)});
  }
  return out;
}

bool TrustedProxies::covers(const Bytes& address) const {
  return std::any_of(networks_.begin(), networks_.end(),
                     [&](const Network& n) { return in_network(address, n.bytes, n.prefix); });
}

bool TrustedProxies::contains(std::string_view address) const {
  const auto bytes = parse_address(address);
  return bytes && covers(*bytes);
}

std::string TrustedProxies::client_address(const RequestContext& ctx) const {
  const auto peer = parse_address(ctx.remote_address);
  if (!peer) return ctx.remote_address;
  Bytes current = *peer;
  if (!covers(current)) return canonical(current);
  const auto chain = hops(ctx, header_);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const auto hop = parse_hop(*it);
    if (!hop) break;  // written by the trusted proxy `current`: it is as far as we can see
    current = *hop;
    if (!covers(current)) break;
  }
  return canonical(current);
}

}  // namespace canopy::http
