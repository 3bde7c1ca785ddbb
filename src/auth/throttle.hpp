// Sign-in throttling, in memory: token buckets by client address (every attempt), by (address,
// account) and by account; and for a browser that holds a device cookie for the account
// (auth/device_cookies), by that device instead. Each table is bounded, so an attacker with many
// addresses or many emails cannot grow it without limit. Per process: replicas each keep their own.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/time.hpp"

namespace canopy::auth {

// A bucket holds up to `burst` tokens and gets one back every `refill`.
struct BucketPolicy {
  double burst = 1;
  std::chrono::milliseconds refill{1000};
};

// Token buckets by key. When `max_keys` are held, a new key pushes out the one unused longest:
// it comes back full, as it would after a quiet spell anyway. Not thread-safe.
class TokenBuckets {
 public:
  TokenBuckets(BucketPolicy policy, std::size_t max_keys);

  // Takes a token. When there is none, takes nothing and returns how long until there is one.
  std::optional<std::chrono::seconds> take(const std::string& key, TimePoint now);
  // How long until `key` has a token; nullopt when it has one now. Takes nothing.
  std::optional<std::chrono::seconds> wait(const std::string& key, TimePoint now);
  // Returns a token taken for an attempt that turned out to be legitimate.
  void give_back(const std::string& key, TimePoint now);
  // Fills the bucket again (drops the key).
  void forget(const std::string& key);
  std::size_t size() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens = 0;
    TimePoint at;
    std::list<const std::string*>::iterator use;  // place in uses_
  };
  Bucket& bucket(const std::string& key, TimePoint now);

  BucketPolicy policy_;
  std::size_t max_keys_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::list<const std::string*> uses_;  // keys of buckets_, most recently used first
};

struct ThrottlePolicy {
  // Every sign-in attempt from one address (IPv6: one /64), right or wrong: what one address
  // may cost in password hashing.
  BucketPolicy address{60, std::chrono::seconds(1)};
  // Attempts at one account from one address; a successful sign-in refills it. Stops one
  // address guessing one account's password.
  BucketPolicy pair{5, std::chrono::minutes(1)};
  // Attempts at one account from every address together; a success gives its token back.
  // When it is empty the account is under a distributed attack: only addresses that have
  // signed into it before (SessionService checks the login history) still try.
  BucketPolicy account{20, std::chrono::seconds(30)};
  // Attempts at an account from a browser holding a device cookie for it (every attempt,
  // right or wrong, instead of the three above); a success refills it. The owner's mistypes,
  // or a stolen cookie's guesses: nobody else's failures count here.
  BucketPolicy device{5, std::chrono::minutes(1)};
  // Every attempt at one account from browsers holding its device cookies, right or wrong, and
  // never refilled by a success: what they may cost in password hashing (a success issues a new
  // cookie, so a per-device budget alone would not bound it). Only a browser that signed into
  // the account can spend it.
  BucketPolicy device_account{60, std::chrono::seconds(1)};
  // Keys each table holds at most (about 200 bytes each).
  std::size_t max_keys = 100'000;
};

// The three tables behind one lock. Emails are keys whether or not an account has them, so
// the answers never tell a known email from an unknown one.
class SignInThrottle {
 public:
  explicit SignInThrottle(ThrottlePolicy policy);

  // Every attempt, before anything else: the wait when `address` is over its rate.
  std::optional<std::chrono::seconds> admit_address(std::string_view address, TimePoint now);

  enum class Verdict {
    go,           // check the password; a token of the pair and of the account was taken
    refused,      // the pair, or the account for an address without proof, is over its rate
    needs_proof,  // the account is over its rate: go only if this address signed in before
  };
  struct Gate {
    Verdict verdict = Verdict::go;
    std::chrono::seconds retry_after{0};
  };
  Gate check(std::string_view address, std::string_view email, TimePoint now);
  // After needs_proof, for an address that proved itself: takes only the pair's token.
  Gate admit_proven(std::string_view address, std::string_view email, TimePoint now);
  // The password was right: the pair is refilled and the account's token given back.
  void succeeded(std::string_view address, std::string_view email, bool account_charged,
                 TimePoint now);

  // Every attempt carrying a device cookie for the account `email`, instead of admit_address
  // and check: the wait when the account's device attempts or the device are over their rate.
  std::optional<std::chrono::seconds> admit_device(const std::string& device,
                                                   std::string_view email, TimePoint now);
  // The device's password was right: its budget is refilled.
  void device_succeeded(const std::string& device);

  // The key an address is counted under: itself, or for IPv6 its /64 (one host's share).
  static std::string address_key(std::string_view address);

 private:
  std::mutex mutex_;
  TokenBuckets addresses_;
  TokenBuckets pairs_;
  TokenBuckets accounts_;
  TokenBuckets devices_;
  TokenBuckets device_accounts_;
};

}  // namespace canopy::auth
