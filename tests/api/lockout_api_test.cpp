// Sign-in that a stranger cannot lock, through real HTTP on SQLite and (labelled mysql)
// MariaDB. Every client here shares one address, as a school's NAT or an Ingress makes them:
// a browser that signed in before keeps a budget of its own (its device cookie), guessing
// without one stays throttled, and behind a trusted proxy each client is known by the address
// the proxy reports, never by what an untrusted peer claims.
#include <gtest/gtest.h>

#include "api/backend.hpp"
#include "auth/device_cookies.hpp"

namespace canopy::testing {
namespace {

const std::string kDeviceCookie(auth::DeviceCookies::kName);

std::string credentials(const std::string& email, const std::string& password) {
  return nlohmann::json{{"email", email}, {"password", password}}.dump();
}

HttpResult sign_in(TestApp& t, const std::string& email, const std::string& password,
                   Headers headers = {}) {
  return t.client().post_json("/api/v1/session", credentials(email, password), headers);
}

// Signs in as `email` and returns the device cookie the browser was given.
std::string device_of(TestApp& t, const std::string& email) {
  const auto r = sign_in(t, email, kPassword);
  EXPECT_EQ(r.status, 201u) << r.body;
  const auto cookie = r.cookie(kDeviceCookie);
  EXPECT_FALSE(cookie.empty());
  return cookie;
}

Headers with_device(const std::string& cookie) {
  return {{"Cookie", kDeviceCookie + "=" + cookie}};
}

http::TrustedProxies trusted(std::string_view list) {
  std::string error;
  return http::TrustedProxies::parse(list, error).value();
}

// One cookie for sign-in and one, the same value, for the alternative connection's page: the
// two places that ask for a password.
TEST(Lockout, TheDeviceCookieIsHttpOnlyAndScopedToCredentialChecks) {
  TestApp t(kBackend);
  const auto r = sign_in(t, kAmir, kPassword);
  ASSERT_EQ(r.status, 201u) << r.body;
  ASSERT_EQ(r.set_cookies.size(), 3u);
  const std::string paths[] = {"Path=/api/v1/session", "Path=/api/v1/connect"};
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& device = r.set_cookies[i + 1];
    EXPECT_EQ(device.rfind(kDeviceCookie + "=", 0), 0u) << device;
    EXPECT_NE(device.find("HttpOnly"), std::string::npos);
    EXPECT_NE(device.find("SameSite=Strict"), std::string::npos);
    EXPECT_NE(device.find(paths[i] + ";"), std::string::npos) << device;
    EXPECT_NE(device.find("Max-Age=7776000"), std::string::npos);  // 90 days
    // It names no account: the email is bound by its MAC, not written in it.
    EXPECT_EQ(device.find("amir"), std::string::npos);
  }
  EXPECT_EQ(r.set_cookies[1].substr(0, r.set_cookies[1].find(';')),
            r.set_cookies[2].substr(0, r.set_cookies[2].find(';')));
}

TEST(Lockout, AStrangerSharingTheAdminsAddressCannotKeepTheAdminOut) {
  TestApp t(kBackend);
  const auto device = device_of(t, kAmir);
  // The stranger, from the same address: five guesses are checked, then guessing is refused.
  for (int i = 0; i < 7; ++i) {
    const auto r = sign_in(t, kAmir, "guess-" + std::to_string(i));
    EXPECT_EQ(r.status, i < 5 ? 401u : 429u) << i << " " << r.body;
  }
  // A browser that never signed in is held back with the stranger...
  EXPECT_EQ(sign_in(t, kAmir, kPassword).status, 429u);
  // ...but the admin's own browser is not.
  const auto admin = sign_in(t, kAmir, kPassword, with_device(device));
  EXPECT_EQ(admin.status, 201u) << admin.body;
  // One wrong guess a minute from then on does not keep the admin out either.
  for (int minute = 0; minute < 3; ++minute) {
    t.clock().advance(std::chrono::minutes(1));
    EXPECT_EQ(sign_in(t, kAmir, "guess-again").status, 401u) << minute;
    const auto again = sign_in(t, kAmir, kPassword, with_device(admin.cookie(kDeviceCookie)));
    EXPECT_EQ(again.status, 201u) << minute << " " << again.body;
  }
}

// A cookie of the same name set for a sibling domain comes first in the header: the browser's
// own, after it, still counts.
TEST(Lockout, AnyDeviceCookieTheBrowserSendsCounts) {
  TestApp t(kBackend);
  const auto device = device_of(t, kAmir);
  for (int i = 0; i < 7; ++i)
    (void)sign_in(t, kAmir, "guess-" + std::to_string(i));
  const auto admin =
      sign_in(t, kAmir, kPassword,
              {{"Cookie", kDeviceCookie + "=planted; other=1; " + kDeviceCookie + "=" + device}});
  EXPECT_EQ(admin.status, 201u) << admin.body;
}

TEST(Lockout, AnotherAccountsDeviceCookieBuysAGuesserNothing) {
  TestApp t(kBackend);
  const auto joannes = device_of(t, kJoanne);
  for (int i = 0; i < 7; ++i) {
    const auto r = sign_in(t, kAmir, "guess-" + std::to_string(i), with_device(joannes));
    EXPECT_EQ(r.status, i < 5 ? 401u : 429u) << i << " " << r.body;
  }
  // Nor does a forged or altered one.
  auto forged = joannes;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(sign_in(t, kJoanne, "guess", with_device(forged)).status, 401u);
  EXPECT_EQ(sign_in(t, kAmir, kPassword, with_device(forged)).status, 429u);
}

// With a device-cookie key of Canopy's own, the service token (which the gateway holds) signs
// no cookie that counts; while there is none, it does, and the operator's docs say so.
TEST(Lockout, WithAKeyOfItsOwnTheServiceTokenForgesNoDeviceCookie) {
  const std::string key(40, 'k');
  TestApp t([&](cli::AppConfig& c) { c.device_cookie_key = key; }, kBackend);
  const auto now = t.clock().now();
  const auto by_token =
      auth::DeviceCookies({kServiceToken}, std::chrono::hours(1)).issue(kAmir, now);
  const auto by_key = auth::DeviceCookies({key}, std::chrono::hours(1)).issue(kAmir, now);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(sign_in(t, kAmir, "guess-" + std::to_string(i)).status, 401u) << i;
  EXPECT_EQ(sign_in(t, kAmir, kPassword).status, 429u);
  EXPECT_EQ(sign_in(t, kAmir, kPassword, with_device(by_token)).status, 429u);
  EXPECT_EQ(sign_in(t, kAmir, kPassword, with_device(by_key)).status, 201u);
}

TEST(Lockout, ADevicesOwnBudgetStillSlowsGuessing) {
  TestApp t(kBackend);
  const auto device = device_of(t, kAmir);
  // Whoever holds the cookie (the owner mistyping, or a thief) gets five tries, then one a
  // minute.
  for (int i = 0; i < 6; ++i) {
    const auto r = sign_in(t, kAmir, "typo-" + std::to_string(i), with_device(device));
    EXPECT_EQ(r.status, i < 5 ? 401u : 429u) << i << " " << r.body;
  }
  const auto refused = sign_in(t, kAmir, kPassword, with_device(device));
  EXPECT_EQ(refused.status, 429u);
  EXPECT_EQ(refused.code(), "too_many_attempts");
  EXPECT_FALSE(refused.header("retry-after").empty());
  t.clock().advance(std::chrono::minutes(1));
  EXPECT_EQ(sign_in(t, kAmir, kPassword, with_device(device)).status, 201u);
}

TEST(Lockout, AFloodFromTheSharedAddressDoesNotStopAnAdminsBrowser) {
  TestApp t(
      [](cli::AppConfig& c) {
        c.sign_in.throttle.address = {5, std::chrono::minutes(1)};
      },
      kBackend);
  const auto device = device_of(t, kAmir);
  for (int i = 0; i < 10; ++i)
    (void)sign_in(t, "flood" + std::to_string(i) + "@example.org", "x");
  EXPECT_EQ(sign_in(t, kJoanne, kPassword).status, 429u);  // the address is spent
  EXPECT_EQ(sign_in(t, kAmir, kPassword, with_device(device)).status, 201u);
}

TEST(Lockout, BehindATrustedProxyEachClientIsCountedByItsOwnAddress) {
  TestApp t(
      [](cli::AppConfig& c) {
        c.sign_in.throttle.address = {5, std::chrono::minutes(1)};
        c.trusted_proxies = trusted("127.0.0.0/8");
      },
      kBackend);
  const Headers stranger{{"X-Forwarded-For", "203.0.113.7"}};
  for (int i = 0; i < 10; ++i)
    (void)sign_in(t, kAmir, "guess-" + std::to_string(i), stranger);
  EXPECT_EQ(sign_in(t, kAmir, kPassword, stranger).status, 429u);
  // The admin, through the same proxy, from a browser that never signed in.
  const auto admin = sign_in(t, kAmir, kPassword, {{"X-Forwarded-For", "198.51.100.20"}});
  EXPECT_EQ(admin.status, 201u) << admin.body;
  const auto user = t.store().find_user_by_email(kAmir);
  const auto history = t.store().logins_for_user(user->id, 1, std::nullopt);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].address, "198.51.100.20");
  // Only the header the proxy writes: a client's own Forwarded, passed through, is not read.
  EXPECT_EQ(sign_in(t, kJoanne, kPassword,
                    {{"Forwarded", "for=198.51.100.20"}, {"X-Forwarded-For", "2001:db8::5"}})
                .status,
            201u);
  const auto joanne = t.store().find_user_by_email(kJoanne);
  EXPECT_EQ(t.store().logins_for_user(joanne->id, 1, std::nullopt).at(0).address, "2001:db8::5");
}

TEST(Lockout, AnUntrustedPeersForwardingHeadersAreIgnored) {
  TestApp t(
      [](cli::AppConfig& c) {
        c.sign_in.throttle.address = {5, std::chrono::minutes(1)};
      },
      kBackend);
  // A guesser claiming a new address each time is still one address.
  for (int i = 0; i < 5; ++i) {
    const auto r = sign_in(t, "ghost" + std::to_string(i) + "@example.org", "x",
                           {{"X-Forwarded-For", "203.0.113." + std::to_string(i)}});
    EXPECT_EQ(r.status, 401u) << i;
  }
  EXPECT_EQ(sign_in(t, kAmir, kPassword, {{"X-Forwarded-For", "198.51.100.1"}}).status, 429u);
  t.clock().advance(std::chrono::minutes(1));
  ASSERT_EQ(sign_in(t, kAmir, kPassword, {{"Forwarded", "for=198.51.100.1"}}).status, 201u);
  const auto user = t.store().find_user_by_email(kAmir);
  EXPECT_EQ(t.store().logins_for_user(user->id, 1, std::nullopt).at(0).address, "127.0.0.1");
}

}  // namespace
}  // namespace canopy::testing
