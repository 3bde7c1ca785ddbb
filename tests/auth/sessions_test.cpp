// Tests SessionService (sign-in, throttling, login history, sessions), the throttle's token
// buckets and the crypto helpers.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "auth/crypto.hpp"
#include "auth/sessions.hpp"
#include "auth/throttle.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/manual_clock.hpp"
#include "support/temp_dir.hpp"

namespace canopy::auth {
namespace {

using namespace std::chrono_literals;

constexpr char kEmail[] = "amir.admin@oakfield-primary.example";
constexpr char kPassword[] = "correct horse battery";
constexpr char kAddress[] = "203.0.113.7";
constexpr char kAgent[] = "Mozilla/5.0 (test)";

class SessionServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<store::SqliteStore>(dir_.path() / "canopy.db");
    auto migrated = store_->migrate(clock_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    Site school;
    school.id = "oakfield-primary";
    school.name = "Oakfield Primary School";
    school.urn = 100001;
    school.phase = "primary";
    ASSERT_EQ(store_->upsert_site(school), store::Upsert::created);
    User u;
    u.email = kEmail;
    u.name = "Amir Patel";
    u.home_site = school.id;
    u.roles = {"school_administrator"};
    ASSERT_EQ(store_->upsert_user(u), store::Upsert::created);
    user_id_ = store_->find_user_by_email(kEmail).value().id;
    store_->set_password_hash(user_id_, hash_password(kPassword, PasswordCost::minimum));

    policy_.dummy_cost = PasswordCost::minimum;
    policy_.session_ttl = 1h;
    policy_.throttle.pair = {3, 10min};
    policy_.throttle.account = {6, 1min};
    service_ =
        std::make_unique<SessionService>(*store_, *store_, *store_, *store_, clock_, policy_);
  }

  SignInOutcome sign_in(std::string_view password, std::string_view email = kEmail) {
    return service_->sign_in({email, password, kAddress, kAgent});
  }

  testing::TempDir dir_;
  testing::ManualClock clock_;
  std::unique_ptr<store::SqliteStore> store_;
  SignInPolicy policy_;
  std::unique_ptr<SessionService> service_;
  std::int64_t user_id_ = 0;
};

TEST_F(SessionServiceTest, RightPasswordSignsIn) {
  auto out = sign_in(kPassword);
  ASSERT_TRUE(out.result.ok()) << out.result.error().message;
  const SignedIn& s = *out.result;
  EXPECT_EQ(s.token.size(), 43u);
  EXPECT_EQ(s.csrf_token, csrf_token_for(s.token));
  EXPECT_NE(s.csrf_token, s.token);
  EXPECT_EQ(s.user.id, user_id_);
  EXPECT_EQ(s.user.email, kEmail);
  EXPECT_EQ(s.expires_at, clock_.now() + 1h);
  EXPECT_FALSE(out.retry_after.has_value());

  // Only the digest of the token is stored.
  EXPECT_FALSE(store_->find_session(s.token).has_value());
  auto stored = store_->find_session(digest_hex(s.token));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->user_id, user_id_);
  EXPECT_EQ(stored->created_at, clock_.now());
  EXPECT_EQ(stored->expires_at, clock_.now() + 1h);

  auto auth = service_->authenticate(s.token);
  ASSERT_TRUE(auth.ok()) << auth.error().message;
  EXPECT_EQ(auth->user.id, user_id_);
  EXPECT_EQ(auth->user.roles, std::vector<std::string>{"school_administrator"});
  EXPECT_EQ(auth->csrf_token, s.csrf_token);
}

TEST_F(SessionServiceTest, EmailIsMatchedCaseInsensitively) {
  auto out = sign_in(kPassword, "Amir.Admin@Oakfield-Primary.EXAMPLE");
  ASSERT_TRUE(out.result.ok()) << out.result.error().message;
  EXPECT_EQ(out.result->user.id, user_id_);
}

TEST_F(SessionServiceTest, EachSignInGetsItsOwnToken) {
  auto a = sign_in(kPassword);
  auto b = sign_in(kPassword);
  ASSERT_TRUE(a.result.ok());
  ASSERT_TRUE(b.result.ok());
  EXPECT_NE(a.result->token, b.result->token);
  EXPECT_NE(a.result->csrf_token, b.result->csrf_token);
}

TEST_F(SessionServiceTest, UnknownEmailIsInvalidCredentialsWithoutHistory) {
  auto out = sign_in(kPassword, "nobody@oakfield-primary.example");
  ASSERT_FALSE(out.result.ok());
  EXPECT_EQ(out.result.error().code, Errc::invalid_credentials);
  // Same answer as a wrong password for a real account: nothing to tell them apart.
  auto wrong = sign_in("nope");
  EXPECT_EQ(out.result.error().message, wrong.result.error().message);
  EXPECT_EQ(store_->logins_for_user(user_id_, 10, std::nullopt).size(), 1u);
  store::sqlite::Database db(dir_.path() / "canopy.db");
  auto rows = db.prepare("SELECT COUNT(*) FROM login_history WHERE user_id IS NULL");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.integer(0), 0);
}

TEST_F(SessionServiceTest, OneAddressGetsAFewTriesAtAnAccountThenOneEachRefill) {
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(sign_in("wrong").result.error().code, Errc::invalid_credentials) << i;
  auto refused = sign_in(kPassword);
  ASSERT_FALSE(refused.result.ok());
  EXPECT_EQ(refused.result.error().code, Errc::too_many_attempts);
  EXPECT_EQ(refused.retry_after, std::optional(std::chrono::seconds(600)));
  clock_.advance(10min);
  ASSERT_TRUE(sign_in(kPassword).result.ok());
  // A success starts the address afresh.
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(sign_in("wrong").result.error().code, Errc::invalid_credentials) << i;
}

TEST_F(SessionServiceTest, AnotherAddressIsNotHeldBack) {
  for (int i = 0; i < 5; ++i)
    (void)sign_in("wrong");
  auto out = service_->sign_in({kEmail, kPassword, "198.51.100.4", kAgent});
  EXPECT_TRUE(out.result.ok()) << out.result.error().message;
}

TEST_F(SessionServiceTest, AnAccountUnderAttackOnlyLetsProvenAddressesTry) {
  ASSERT_TRUE(service_->sign_in({kEmail, kPassword, "192.0.2.1", kAgent}).result.ok());
  // Two attackers, three guesses each: the account's six tokens are gone.
  for (const char* attacker : {"198.51.100.1", "198.51.100.2"})
    for (int i = 0; i < 3; ++i)
      EXPECT_EQ(service_->sign_in({kEmail, "guess", attacker, kAgent}).result.error().code,
                Errc::invalid_credentials);
  auto third = service_->sign_in({kEmail, kPassword, "198.51.100.3", kAgent});
  ASSERT_FALSE(third.result.ok());
  EXPECT_EQ(third.result.error().code, Errc::too_many_attempts);
  EXPECT_EQ(third.retry_after, std::optional(std::chrono::seconds(60)));
  // The address Amir signed in from before still gets in.
  EXPECT_TRUE(service_->sign_in({kEmail, kPassword, "192.0.2.1", kAgent}).result.ok());
  // Unknown emails are throttled alike, so the refusal tells nothing.
  for (int i = 0; i < 6; ++i)
    (void)service_->sign_in(
        {"ghost@example.org", "guess", "198.51.100." + std::to_string(10 + i), kAgent});
  EXPECT_EQ(
      service_->sign_in({"ghost@example.org", "x", "198.51.100.99", kAgent}).result.error().code,
      Errc::too_many_attempts);
}

TEST_F(SessionServiceTest, AddressesAreAdmittedAtTheirRate) {
  policy_.throttle.address = {2, 30s};
  service_ = std::make_unique<SessionService>(*store_, *store_, *store_, *store_, clock_, policy_);
  EXPECT_FALSE(service_->admit({.address = kAddress}).has_value());
  EXPECT_FALSE(service_->admit({.address = kAddress}).has_value());
  const auto refused = service_->admit({.address = kAddress});
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->result.error().code, Errc::too_many_attempts);
  EXPECT_EQ(refused->retry_after, std::optional(std::chrono::seconds(30)));
  EXPECT_FALSE(service_->admit({.address = "203.0.113.8"}).has_value());
  clock_.advance(30s);
  EXPECT_FALSE(service_->admit({.address = kAddress}).has_value());
}

TEST_F(SessionServiceTest, AuthenticateRejectsUnknownToken) {
  for (const std::string& token : {std::string(), std::string("not-a-token"), random_token()}) {
    auto r = service_->authenticate(token);
    ASSERT_FALSE(r.ok()) << token;
    EXPECT_EQ(r.error().code, Errc::unauthenticated);
  }
  const std::string huge(129, 'a');
  EXPECT_EQ(service_->authenticate(huge).error().code, Errc::unauthenticated);
}

TEST_F(SessionServiceTest, AuthenticateRejectsTheDigestItself) {
  auto out = sign_in(kPassword);
  ASSERT_TRUE(out.result.ok());
  // Someone who read the sessions table holds only digests; a digest is not a token.
  auto r = service_->authenticate(digest_hex(out.result->token));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::unauthenticated);
}

TEST_F(SessionServiceTest, AuthenticateRejectsExpiredToken) {
  auto out = sign_in(kPassword);
  ASSERT_TRUE(out.result.ok());
  const std::string token = out.result->token;
  clock_.advance(policy_.session_ttl - 1s);
  EXPECT_TRUE(service_->authenticate(token).ok());
  clock_.advance(1s);
  auto r = service_->authenticate(token);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::unauthenticated);
  EXPECT_FALSE(store_->find_session(digest_hex(token)).has_value());
}

TEST_F(SessionServiceTest, AuthenticateRejectsSignedOutToken) {
  auto out = sign_in(kPassword);
  ASSERT_TRUE(out.result.ok());
  const std::string token = out.result->token;
  EXPECT_TRUE(service_->sign_out(token));
  auto r = service_->authenticate(token);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::unauthenticated);
  EXPECT_FALSE(service_->sign_out(token));
}

TEST_F(SessionServiceTest, SigningOutOneSessionKeepsTheOther) {
  auto a = sign_in(kPassword);
  auto b = sign_in(kPassword);
  ASSERT_TRUE(a.result.ok());
  ASSERT_TRUE(b.result.ok());
  EXPECT_TRUE(service_->sign_out(a.result->token));
  EXPECT_FALSE(service_->authenticate(a.result->token).ok());
  EXPECT_TRUE(service_->authenticate(b.result->token).ok());
}

TEST_F(SessionServiceTest, EveryCheckedAttemptIsInLoginHistory) {
  (void)sign_in("wrong");  // invalid_credentials
  clock_.advance(1s);
  ASSERT_TRUE(sign_in(kPassword).result.ok());  // success
  clock_.advance(1s);
  for (int i = 0; i < 4; ++i)
    (void)sign_in("wrong");  // three checked, the fourth refused unchecked

  const auto history = store_->logins_for_user(user_id_, 100, std::nullopt);
  ASSERT_EQ(history.size(), 5u);
  EXPECT_EQ(history.front().outcome, "invalid_credentials");
  EXPECT_EQ(history[3].outcome, "success");
  EXPECT_EQ(history.back().outcome, "invalid_credentials");
  for (const auto& h : history) {
    EXPECT_EQ(h.address, kAddress);
    EXPECT_EQ(h.user_agent, kAgent);
    EXPECT_EQ(h.email, kEmail);
    EXPECT_EQ(h.user_id, std::optional<std::int64_t>(user_id_));
  }
  EXPECT_EQ(history.front().at, clock_.now());
}

TEST_F(SessionServiceTest, LoginHistoryBoundsHostileHeaders) {
  const std::string agent(5000, 'x');
  (void)service_->sign_in({kEmail, "wrong", kAddress, agent});
  const auto history = store_->logins_for_user(user_id_, 1, std::nullopt);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].user_agent, agent.substr(0, 160));
}

TEST(CutUtf8, CutsOnCharacterBoundaries) {
  EXPECT_EQ(cut_utf8("short", 256), "short");
  EXPECT_EQ(cut_utf8("abcdef", 3), "abc");
  EXPECT_EQ(cut_utf8("ab\xc3\xa9", 3), "ab");  // é would be cut in half
  EXPECT_EQ(cut_utf8("ab\xc3\xa9", 4), "ab\xc3\xa9");
  EXPECT_EQ(cut_utf8("a\xe2\x82\xac", 3), "a");                     // € needs three bytes
  EXPECT_EQ(cut_utf8("\xf0\x9f\x8c\xb3x", 4), "\xf0\x9f\x8c\xb3");  // a tree, whole
  EXPECT_EQ(cut_utf8("\xff\xfe", 1), "\xff");                       // not UTF-8: cut as bytes
}

TEST(TokenBuckets, TakeWaitAndRefill) {
  testing::ManualClock clock;
  TokenBuckets buckets({2, 10s}, 10);
  EXPECT_FALSE(buckets.take("a", clock.now()).has_value());
  EXPECT_FALSE(buckets.take("a", clock.now()).has_value());
  EXPECT_EQ(buckets.take("a", clock.now()), std::optional(10s));
  clock.advance(4s);
  EXPECT_EQ(buckets.wait("a", clock.now()), std::optional(6s));
  clock.advance(6s);
  EXPECT_FALSE(buckets.take("a", clock.now()).has_value());
  buckets.give_back("a", clock.now());
  EXPECT_FALSE(buckets.take("a", clock.now()).has_value());
  // Never more than the burst.
  clock.advance(1h);
  EXPECT_FALSE(buckets.take("a", clock.now()).has_value());
  EXPECT_FALSE(buckets.take("a", clock.now()).has_value());
  EXPECT_TRUE(buckets.take("a", clock.now()).has_value());
}

TEST(TokenBuckets, HoldNoMoreThanMaxKeysAndDropTheLeastRecentlyUsed) {
  testing::ManualClock clock;
  TokenBuckets buckets({1, 1h}, 100);
  (void)buckets.take("kept", clock.now());
  for (int i = 0; i < 10'000; ++i) {
    (void)buckets.take("address-" + std::to_string(i), clock.now());
    if (i % 50 == 0) (void)buckets.wait("kept", clock.now());  // used recently: stays
    EXPECT_LE(buckets.size(), 100u);
  }
  EXPECT_EQ(buckets.size(), 100u);
  EXPECT_TRUE(buckets.wait("kept", clock.now()).has_value());        // still empty
  EXPECT_FALSE(buckets.wait("address-0", clock.now()).has_value());  // dropped: full again
}

TEST(SignInThrottle, CountsAnIpv6SlashSixtyFourAsOneAddress) {
  EXPECT_EQ(SignInThrottle::address_key("203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(SignInThrottle::address_key("::ffff:203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(SignInThrottle::address_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(SignInThrottle::address_key("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64");
  EXPECT_EQ(SignInThrottle::address_key("not an address"), "not an address");
}

TEST_F(SessionServiceTest, UserWithoutPasswordCannotSignIn) {
  User u;
  u.email = "nopass@oakfield-primary.example";
  u.name = "No Pass";
  u.home_site = "oakfield-primary";
  ASSERT_EQ(store_->upsert_user(u), store::Upsert::created);
  const auto id = store_->find_user_by_email(u.email)->id;
  auto out = sign_in("", u.email);
  ASSERT_FALSE(out.result.ok());
  EXPECT_EQ(out.result.error().code, Errc::invalid_credentials);
  const auto history = store_->logins_for_user(id, 10, std::nullopt);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].outcome, "invalid_credentials");
}

TEST(CryptoPassword, VerifyTrueAndFalse) {
  const auto hash = hash_password("s3cret pass", PasswordCost::minimum);
  EXPECT_TRUE(hash.starts_with("$argon2id$")) << hash;
  EXPECT_TRUE(verify_password(hash, "s3cret pass"));
  EXPECT_FALSE(verify_password(hash, "s3cret pasS"));
  EXPECT_FALSE(verify_password(hash, ""));
  EXPECT_FALSE(verify_password("not a hash", "s3cret pass"));
  // Salted: the same password hashes differently each time.
  EXPECT_NE(hash, hash_password("s3cret pass", PasswordCost::minimum));
}

TEST(CryptoPassword, ParseCost) {
  EXPECT_EQ(parse_password_cost("minimum"), PasswordCost::minimum);
  EXPECT_EQ(parse_password_cost("interactive"), PasswordCost::interactive);
  EXPECT_EQ(parse_password_cost("moderate"), PasswordCost::moderate);
  EXPECT_FALSE(parse_password_cost("Moderate").has_value());
  EXPECT_FALSE(parse_password_cost("").has_value());
}

TEST(CryptoToken, RandomTokensAreDistinctAnd43Chars) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const auto t = random_token();
    EXPECT_EQ(t.size(), 43u) << t;
    EXPECT_EQ(
        t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos)
        << t;
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(CryptoDigest, HexBlake2b256) {
  const auto d = digest_hex("abc");
  EXPECT_EQ(d.size(), 64u);
  EXPECT_EQ(d.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(d, digest_hex("abc"));
  EXPECT_NE(d, digest_hex("abd"));
  // BLAKE2b-256 of the empty string (RFC 7693 parameters, 32-byte output).
  EXPECT_EQ(digest_hex(""), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

TEST(CryptoBase64, RoundTrip) {
  for (std::string_view text : {std::string_view(""), std::string_view("f"), std::string_view("fo"),
                                std::string_view("foo"), std::string_view("parentpay:s3cret"),
                                std::string_view("\0\xff\x10 binary", 10)}) {
    const auto encoded = base64_encode(text);
    auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(*decoded, text);
  }
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_decode("cGFydG5lcjpzZWNyZXQ="), std::optional<std::string>("partner:secret"));
}

TEST(CryptoBase64, GarbageDecodesToNullopt) {
  for (std::string_view bad : {"!!!!", "Zm9v!", "Zm8", "Zm9v=", "Zm 9v", "%%%%", "Zm9v\n"}) {
    EXPECT_FALSE(base64_decode(bad).has_value()) << '"' << bad << '"';
  }
}

TEST(CryptoCompare, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secreT"));
  EXPECT_FALSE(constant_time_equal("secret", "secret2"));
  EXPECT_FALSE(constant_time_equal("secret", ""));
  EXPECT_FALSE(constant_time_equal("a", "b"));
}

TEST(CryptoCsrf, DerivedFromTheSessionToken) {
  const auto a = random_token();
  const auto b = random_token();
  EXPECT_EQ(csrf_token_for(a), csrf_token_for(a));
  EXPECT_NE(csrf_token_for(a), csrf_token_for(b));
  EXPECT_NE(csrf_token_for(a), digest_hex(a));
}

// A browser holding a device cookie signs in past its address's budget, but its account's
// device attempts are still bounded: a fresh cookie with every success buys no more hashing.
TEST_F(SessionServiceTest, DeviceAttemptsAtAnAccountHaveABudgetSuccessDoesNotRefill) {
  policy_.throttle.address = {1, 1h};
  policy_.throttle.device_account = {3, 1h};
  service_ = std::make_unique<SessionService>(*store_, *store_, *store_, *store_, clock_, policy_);
  ASSERT_FALSE(service_->admit({.address = kAddress}).has_value());
  auto first = sign_in(kPassword);
  ASSERT_TRUE(first.result.ok());
  std::string cookie = first.result->device_cookie;
  EXPECT_TRUE(service_->admit({.address = kAddress}).has_value());  // the address is spent
  for (int i = 0; i < 3; ++i) {
    const std::string_view cookies[] = {cookie};
    const SignInAttempt attempt{kEmail, kPassword, kAddress, kAgent, cookies};
    ASSERT_FALSE(service_->admit(attempt).has_value()) << i;
    auto again = service_->sign_in(attempt);
    ASSERT_TRUE(again.result.ok()) << i;
    cookie = again.result->device_cookie;
  }
  const std::string_view cookies[] = {cookie};
  const auto refused = service_->admit({kEmail, kPassword, kAddress, kAgent, cookies});
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->result.error().code, Errc::too_many_attempts);
}

TEST(DeviceCookies, VerifyForTheEmailTheyWereIssuedForWithinTheirLife) {
  const DeviceCookies devices({"shared secret"}, 90 * 24h);
  const TimePoint now = from_unix_ms(1'800'000'000'000);
  const auto cookie = devices.issue("amir@example.org", now);
  const auto id = devices.verify(cookie, "amir@example.org", now + 89 * 24h);
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->size(), 22u);                                 // 16 random bytes
  EXPECT_NE(devices.issue("amir@example.org", now), cookie);  // each device its own
  EXPECT_FALSE(devices.verify(cookie, "claire@example.org", now).has_value());
  EXPECT_FALSE(devices.verify(cookie, "amir@example.org", now + 90 * 24h).has_value());
  EXPECT_FALSE(devices.verify(cookie, "amir@example.org", now - 2min).has_value());
  // Another deployment's secret, a rotation's previous one.
  EXPECT_FALSE(DeviceCookies({"other"}, 90 * 24h).verify(cookie, "amir@example.org", now));
  EXPECT_TRUE(
      DeviceCookies({"new", "shared secret"}, 90 * 24h).verify(cookie, "amir@example.org", now));
  // A process without secrets has a key of its own.
  EXPECT_FALSE(DeviceCookies({}, 90 * 24h).verify(cookie, "amir@example.org", now));
}

TEST(DeviceCookies, RefuseEveryAlteration) {
  const DeviceCookies devices({"shared secret"}, 90 * 24h);
  const TimePoint now = from_unix_ms(1'800'000'000'000);
  const std::string cookie = devices.issue("amir@example.org", now);
  for (std::size_t i = 0; i < cookie.size(); ++i) {
    std::string altered = cookie;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(devices.verify(altered, "amir@example.org", now).has_value()) << altered;
  }
  // An issue time too large for the clock (more than 10 digits) is refused before any use.
  EXPECT_FALSE(devices.verify("1.99999999999999999." + cookie.substr(cookie.find('.', 2) + 1),
                              "amir@example.org", now));
  for (const std::string& bad :
       {std::string(), std::string("1"), std::string("1.2.3"), cookie + ".x",
        "2" + cookie.substr(1), std::string(200, 'a'), cookie.substr(0, cookie.size() - 1)})
    EXPECT_FALSE(devices.verify(bad, "amir@example.org", now).has_value()) << bad;
}

}  // namespace
}  // namespace canopy::auth
