// The client address behind trusted proxies: read from the forwarding headers only when the
// peer is trusted, and only as far back as the chain stays trusted.
#include "http/trusted_proxies.hpp"

#include <gtest/gtest.h>

namespace canopy::http {
namespace {

TrustedProxies proxies(std::string_view list,
                       ForwardedHeader header = ForwardedHeader::x_forwarded_for) {
  std::string error;
  auto out = TrustedProxies::parse(list, error, header);
  EXPECT_TRUE(out.has_value()) << error;
  return out.value_or(TrustedProxies{});
}

using Headers = std::vector<std::pair<std::string_view, std::string_view>>;

// A request from `peer` with the given headers (kept alive by the caller's strings).
RequestContext from(std::string peer,
                    std::vector<std::pair<std::string_view, std::string_view>> headers = {}) {
  RequestContext ctx;
  ctx.remote_address = std::move(peer);
  ctx.headers = std::move(headers);
  return ctx;
}

TEST(TrustedProxies, ParsesAddressesAndBlocks) {
  const auto p = proxies(" 10.0.0.0/8, 192.0.2.7 ,fd00::/8, 2001:db8::1");
  EXPECT_TRUE(p.contains("10.1.2.3"));
  EXPECT_TRUE(p.contains("::ffff:10.1.2.3"));
  EXPECT_FALSE(p.contains("11.0.0.1"));
  EXPECT_TRUE(p.contains("192.0.2.7"));
  EXPECT_FALSE(p.contains("192.0.2.8"));
  EXPECT_TRUE(p.contains("fd12::5"));
  EXPECT_FALSE(p.contains("fe80::1"));
  EXPECT_TRUE(p.contains("2001:db8::1"));
  EXPECT_FALSE(p.contains("2001:db8::2"));
  EXPECT_FALSE(p.contains("not an address"));
  EXPECT_TRUE(proxies("").empty());
  EXPECT_TRUE(proxies("172.16.0.0/12").contains("172.31.255.255"));
  EXPECT_FALSE(proxies("172.16.0.0/12").contains("172.32.0.0"));
  EXPECT_TRUE(proxies("0.0.0.0/0").contains("8.8.8.8"));
}

TEST(TrustedProxies, RefusesWhatIsNotABlock) {
  for (const char* bad : {"10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/8x", "ingress",
                          "10.0.0.0/-1", "10.0.0.0/8,,", "300.0.0.1"}) {
    std::string error;
    EXPECT_FALSE(TrustedProxies::parse(bad, error).has_value()) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(TrustedProxies, AnUntrustedPeerIsTheClientWhateverItClaims) {
  const auto p = proxies("10.0.0.0/8");
  EXPECT_EQ(p.client_address(from("203.0.113.9", {{"X-Forwarded-For", "198.51.100.1"}})),
            "203.0.113.9");
  EXPECT_EQ(proxies("10.0.0.0/8", ForwardedHeader::forwarded)
                .client_address(from("203.0.113.9", {{"Forwarded", "for=198.51.100.1"}})),
            "203.0.113.9");
  EXPECT_EQ(
      TrustedProxies{}.client_address(from("10.0.0.5", {{"X-Forwarded-For", "198.51.100.1"}})),
      "10.0.0.5");
}

TEST(TrustedProxies, ATrustedPeerNamesTheClient) {
  const auto p = proxies("10.0.0.0/8");
  EXPECT_EQ(p.client_address(from("10.0.0.5", {{"X-Forwarded-For", "198.51.100.1"}})),
            "198.51.100.1");
  EXPECT_EQ(p.client_address(from("10.0.0.5", {{"x-forwarded-for", " 198.51.100.1:4711 "}})),
            "198.51.100.1");
  EXPECT_EQ(p.client_address(from("10.0.0.5", {{"X-Forwarded-For", "2001:db8::7"}})),
            "2001:db8::7");
  EXPECT_EQ(p.client_address(from("10.0.0.5", {{"X-Forwarded-For", "[2001:DB8:0::7]:443"}})),
            "2001:db8::7");
  EXPECT_EQ(p.client_address(from("::ffff:10.0.0.5", {{"X-Forwarded-For", "::ffff:198.51.100.1"}})),
            "198.51.100.1");
  // No header: the proxy itself.
  EXPECT_EQ(p.client_address(from("10.0.0.5")), "10.0.0.5");
}

TEST(TrustedProxies, OnlyTheHopsOurProxiesWroteCount) {
  const auto p = proxies("10.0.0.0/8");
  // The client wrote the first entry itself; the Ingress appended the address it saw.
  EXPECT_EQ(p.client_address(from("10.0.0.5", {{"X-Forwarded-For", "127.0.0.1, 198.51.100.1"}})),
            "198.51.100.1");
  // Two trusted proxies in a row: the first untrusted hop from the right.
  EXPECT_EQ(
      p.client_address(from("10.0.0.5", {{"X-Forwarded-For", "1.1.1.1, 198.51.100.1, 10.9.9.9"}})),
      "198.51.100.1");
  // Fields repeated: one list, in order.
  EXPECT_EQ(p.client_address(from(
                "10.0.0.5", {{"X-Forwarded-For", "1.1.1.1"}, {"X-Forwarded-For", "198.51.100.2"}})),
            "198.51.100.2");
  // Every hop trusted: the farthest.
  EXPECT_EQ(p.client_address(from("10.0.0.5", {{"X-Forwarded-For", "10.1.1.1, 10.2.2.2"}})),
            "10.1.1.1");
  // A hop that is not an address stops the walk at the proxy that wrote it.
  EXPECT_EQ(p.client_address(from("10.0.0.5", {{"X-Forwarded-For", "1.1.1.1, unknown"}})),
            "10.0.0.5");
  EXPECT_EQ(p.client_address(from("10.0.0.5", {{"X-Forwarded-For", "1.1.1.1, garbage, 10.7.7.7"}})),
            "10.7.7.7");
}

TEST(TrustedProxies, OnlyTheHeaderTheProxiesWriteIsRead) {
  // A proxy that appends to X-Forwarded-For passes the client's own Forwarded through.
  const Headers both{{"Forwarded", "for=192.0.2.1"}, {"X-Forwarded-For", "198.51.100.1"}};
  EXPECT_EQ(proxies("10.0.0.0/8").client_address(from("10.0.0.5", both)), "198.51.100.1");
  EXPECT_EQ(
      proxies("10.0.0.0/8").client_address(from("10.0.0.5", {{"Forwarded", "for=192.0.2.1"}})),
      "10.0.0.5");
  // And the other way round.
  const auto p = proxies("10.0.0.0/8", ForwardedHeader::forwarded);
  EXPECT_EQ(p.client_address(from("10.0.0.5", both)), "192.0.2.1");
  EXPECT_EQ(p.client_address(from("10.0.0.5", {{"X-Forwarded-For", "198.51.100.1"}})), "10.0.0.5");
  EXPECT_EQ(parse_forwarded_header("X-Forwarded-For"), ForwardedHeader::x_forwarded_for);
  EXPECT_EQ(parse_forwarded_header("forwarded"), ForwardedHeader::forwarded);
  EXPECT_FALSE(parse_forwarded_header("x-real-ip").has_value());
}

// A quote the client leaves open must not swallow the hop the proxy appended after it.
TEST(TrustedProxies, AnOpenQuoteHidesNoHop) {
  EXPECT_EQ(proxies("10.0.0.0/8")
                .client_address(from("10.0.0.5", {{"X-Forwarded-For", "\", 203.0.113.9"}})),
            "203.0.113.9");
  EXPECT_EQ(proxies("10.0.0.0/8", ForwardedHeader::forwarded)
                .client_address(from("10.0.0.5", {{"Forwarded", "for=\"x, for=203.0.113.9"}})),
            "203.0.113.9");
}

TEST(TrustedProxies, ForwardedIsParsedPerRfc7239) {
  const auto p = proxies("10.0.0.0/8", ForwardedHeader::forwarded);
  EXPECT_EQ(p.client_address(from("10.0.0.5", {{"Forwarded", "for=192.0.2.60;proto=https"}})),
            "192.0.2.60");
  EXPECT_EQ(p.client_address(from("10.0.0.5", {{"Forwarded", "For=\"[2001:db8:cafe::17]:4711\""}})),
            "2001:db8:cafe::17");
  EXPECT_EQ(p.client_address(
                from("10.0.0.5", {{"Forwarded", "for=192.0.2.43, for=198.51.100.17;by=10.0.0.5"}})),
            "198.51.100.17");
  EXPECT_EQ(p.client_address(from("10.0.0.5", {{"Forwarded", "for=_hidden, for=unknown"}})),
            "10.0.0.5");
  EXPECT_EQ(p.client_address(from("10.0.0.5", {{"Forwarded", "proto=https"}})), "10.0.0.5");
}

}  // namespace
}  // namespace canopy::http
