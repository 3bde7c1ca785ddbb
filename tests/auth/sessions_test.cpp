// Tests SessionService (sign-in, lockout, login history, sessions) and the crypto helpers.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "auth/crypto.hpp"
#include "auth/sessions.hpp"
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
    policy_.max_failures = 3;
    policy_.lock_duration = 10min;
    policy_.session_ttl = 1h;
    policy_.failure_delay = 100ms;
    policy_.max_failure_delay = 1000ms;
    service_ =
        std::make_unique<SessionService>(*store_, *store_, *store_, *store_, clock_, policy_);
  }

  SignInOutcome sign_in(std::string_view password, std::string_view email = kEmail) {
    return service_->sign_in(email, password, kAddress, kAgent);
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
  EXPECT_EQ(out.delay, 0ms);
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

TEST_F(SessionServiceTest, WrongPasswordHasAPositiveGrowingDelay) {
  auto first = sign_in("wrong");
  ASSERT_FALSE(first.result.ok());
  EXPECT_EQ(first.result.error().code, Errc::invalid_credentials);
  EXPECT_GT(first.delay, 0ms);
  EXPECT_FALSE(first.retry_after.has_value());
  auto second = sign_in("still wrong");
  ASSERT_FALSE(second.result.ok());
  EXPECT_EQ(second.result.error().code, Errc::invalid_credentials);
  EXPECT_GT(second.delay, first.delay);
  EXPECT_EQ(first.delay, 100ms);
  EXPECT_EQ(second.delay, 200ms);
  EXPECT_EQ(store_->lockout(user_id_).failed_attempts, 2);
}

TEST_F(SessionServiceTest, DelayIsCapped) {
  policy_.max_failures = 100;
  policy_.max_failure_delay = 300ms;
  service_ = std::make_unique<SessionService>(*store_, *store_, *store_, *store_, clock_, policy_);
  std::chrono::milliseconds last{0};
  for (int i = 0; i < 20; ++i) {
    auto out = sign_in("wrong");
    EXPECT_LE(out.delay, 300ms) << i;
    EXPECT_GE(out.delay, last) << i;
    last = out.delay;
  }
  EXPECT_EQ(last, 300ms);
}

TEST_F(SessionServiceTest, UnknownEmailIsInvalidCredentialsWithAnonymousHistory) {
  auto out = sign_in(kPassword, "nobody@oakfield-primary.example");
  ASSERT_FALSE(out.result.ok());
  EXPECT_EQ(out.result.error().code, Errc::invalid_credentials);
  EXPECT_GT(out.delay, 0ms);
  // Same answer as a wrong password for a real account: nothing to tell them apart.
  auto wrong = sign_in("nope");
  EXPECT_EQ(out.result.error().message, wrong.result.error().message);
  EXPECT_EQ(store_->logins_for_user(user_id_, 10, std::nullopt).size(),
            1u);  // only the real account's attempt

  // The anonymous attempt is recorded, with the email asked for and no user id.
  store::sqlite::Database db(dir_.path() / "canopy.db");
  auto row =
      db.prepare("SELECT user_id, address, user_agent, outcome FROM login_history WHERE email = ?");
  row.bind(1, std::string_view("nobody@oakfield-primary.example"));
  ASSERT_TRUE(row.step());
  EXPECT_TRUE(row.is_null(0));
  EXPECT_EQ(row.text(1), kAddress);
  EXPECT_EQ(row.text(2), kAgent);
  EXPECT_EQ(row.text(3), "invalid_credentials");
  EXPECT_FALSE(row.step());
}

TEST_F(SessionServiceTest, LocksAfterMaxFailures) {
  for (int i = 0; i < policy_.max_failures; ++i) {
    auto out = sign_in("wrong");
    ASSERT_FALSE(out.result.ok());
    EXPECT_EQ(out.result.error().code, Errc::invalid_credentials) << i;
  }
  auto locked = sign_in(kPassword);
  ASSERT_FALSE(locked.result.ok());
  EXPECT_EQ(locked.result.error().code, Errc::account_locked);
  ASSERT_TRUE(locked.retry_after.has_value());
  EXPECT_EQ(*locked.retry_after, 600s);
  EXPECT_EQ(store_->find_user_by_email(kEmail)->id, user_id_);

  clock_.advance(4min);
  auto still = sign_in(kPassword);
  ASSERT_FALSE(still.result.ok());
  EXPECT_EQ(still.result.error().code, Errc::account_locked);
  ASSERT_TRUE(still.retry_after.has_value());
  EXPECT_EQ(*still.retry_after, 360s);
}

TEST_F(SessionServiceTest, SignsInAgainAfterTheLockExpires) {
  for (int i = 0; i < policy_.max_failures; ++i)
    (void)sign_in("wrong");
  ASSERT_EQ(sign_in(kPassword).result.error().code, Errc::account_locked);
  clock_.advance(policy_.lock_duration + 1s);
  auto out = sign_in(kPassword);
  ASSERT_TRUE(out.result.ok()) << out.result.error().message;
  const auto lock = store_->lockout(user_id_);
  EXPECT_EQ(lock.failed_attempts, 0);
  EXPECT_FALSE(lock.locked_until.has_value());
}

TEST_F(SessionServiceTest, LockExpiresExactlyAtLockDuration) {
  for (int i = 0; i < policy_.max_failures; ++i)
    (void)sign_in("wrong");
  clock_.advance(policy_.lock_duration - 1ms);
  EXPECT_EQ(sign_in(kPassword).result.error().code, Errc::account_locked);
  clock_.advance(1ms);
  EXPECT_TRUE(sign_in(kPassword).result.ok());
}

TEST_F(SessionServiceTest, SuccessResetsTheFailureCount) {
  for (int i = 0; i < policy_.max_failures - 1; ++i)
    (void)sign_in("wrong");
  ASSERT_EQ(store_->lockout(user_id_).failed_attempts, policy_.max_failures - 1);
  ASSERT_TRUE(sign_in(kPassword).result.ok());
  EXPECT_EQ(store_->lockout(user_id_).failed_attempts, 0);
  // max_failures - 1 more failures do not lock: the count started again.
  for (int i = 0; i < policy_.max_failures - 1; ++i)
    (void)sign_in("wrong");
  EXPECT_TRUE(sign_in(kPassword).result.ok());
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

TEST_F(SessionServiceTest, EveryAttemptIsInLoginHistory) {
  (void)sign_in("wrong");  // invalid_credentials
  clock_.advance(1s);
  ASSERT_TRUE(sign_in(kPassword).result.ok());  // success
  clock_.advance(1s);
  for (int i = 0; i < policy_.max_failures; ++i)
    (void)sign_in("wrong");  // locks
  clock_.advance(1s);
  (void)sign_in(kPassword);  // account_locked

  const auto history = store_->logins_for_user(user_id_, 100, std::nullopt);
  ASSERT_EQ(history.size(), static_cast<std::size_t>(3 + policy_.max_failures));
  EXPECT_EQ(history.front().outcome, "account_locked");
  EXPECT_EQ(history[1].outcome, "invalid_credentials");
  EXPECT_EQ(history[history.size() - 2].outcome, "success");
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
  (void)service_->sign_in(kEmail, "wrong", kAddress, agent);
  const auto history = store_->logins_for_user(user_id_, 1, std::nullopt);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_LT(history[0].user_agent.size(), agent.size());
  EXPECT_EQ(history[0].user_agent, agent.substr(0, history[0].user_agent.size()));
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

}  // namespace
}  // namespace canopy::auth
