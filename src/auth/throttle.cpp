// Token buckets for sign-in throttling.
#include "auth/throttle.hpp"

#include <algorithm>
#include <cmath>

#include <arpa/inet.h>

namespace canopy::auth {
namespace {

std::chrono::seconds until_one(double tokens, std::chrono::milliseconds refill) {
  const double ms = (1.0 - tokens) * static_cast<double>(refill.count());
  return std::max(std::chrono::seconds(1),
                  std::chrono::seconds(static_cast<long long>(std::ceil(ms / 1000.0))));
}

std::string pair_key(std::string_view address, std::string_view email) {
  std::string key = SignInThrottle::address_key(address);
  key += '\n';  // in neither an address nor a (validated) email
  key += email;
  return key;
}

}  // namespace

TokenBuckets::TokenBuckets(BucketPolicy policy, std::size_t max_keys)
    : policy_(policy), max_keys_(std::max<std::size_t>(max_keys, 1)) {}

TokenBuckets::Bucket& TokenBuckets::bucket(const std::string& key, TimePoint now) {
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) {
      const std::string oldest = *uses_.back();  // a copy: erasing destroys the key it names
      uses_.pop_back();
      buckets_.erase(oldest);
    }
    it = buckets_.emplace(key, Bucket{policy_.burst, now, {}}).first;
    uses_.push_front(&it->first);
    it->second.use = uses_.begin();
    return it->second;
  }
  Bucket& b = it->second;
  uses_.splice(uses_.begin(), uses_, b.use);
  // A clock that steps back refills nothing (and takes nothing away).
  if (now > b.at) {
    const auto elapsed = std::chrono::duration<double, std::milli>(now - b.at).count();
    b.tokens =
        std::min(policy_.burst, b.tokens + elapsed / static_cast<double>(policy_.refill.count()));
    b.at = now;
  }
  return b;
}

std::optional<std::chrono::seconds> TokenBuckets::take(const std::string& key, TimePoint now) {
  Bucket& b = bucket(key, now);
  if (b.tokens < 1) return until_one(b.tokens, policy_.refill);
  b.tokens -= 1;
  return std::nullopt;
}

std::optional<std::chrono::seconds> TokenBuckets::wait(const std::string& key, TimePoint now) {
  Bucket& b = bucket(key, now);
  if (b.tokens < 1) return until_one(b.tokens, policy_.refill);
  return std::nullopt;
}

void TokenBuckets::give_back(const std::string& key, TimePoint now) {
  Bucket& b = bucket(key, now);
  b.tokens = std::min(policy_.burst, b.tokens + 1);
}

void TokenBuckets::forget(const std::string& key) {
  const auto it = buckets_.find(key);
  if (it == buckets_.end()) return;
  uses_.erase(it->second.use);
  buckets_.erase(it);
}

SignInThrottle::SignInThrottle(ThrottlePolicy policy)
    : addresses_(policy.address, policy.max_keys),
      pairs_(policy.pair, policy.max_keys),
      accounts_(policy.account, policy.max_keys),
      devices_(policy.device, policy.max_keys),
      device_accounts_(policy.device_account, policy.max_keys) {}

std::string SignInThrottle::address_key(std::string_view address) {
  // Whoever holds one IPv6 address usually holds its whole /64: count that as one address.
  const std::string text(address);
  unsigned char bytes[16];
  if (inet_pton(AF_INET6, text.c_str(), bytes) != 1) return text;
  static constexpr unsigned char kV4Mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  char out[INET6_ADDRSTRLEN] = {};
  if (std::equal(std::begin(kV4Mapped), std::end(kV4Mapped), bytes)) {
    inet_ntop(AF_INET, bytes + 12, out, sizeof out);
    return out;
  }
  std::fill(bytes + 8, bytes + 16, 0);
  inet_ntop(AF_INET6, bytes, out, sizeof out);
  return std::string(out) + "/64";
}

std::optional<std::chrono::seconds> SignInThrottle::admit_address(std::string_view address,
                                                                  TimePoint now) {
  const std::string key = address_key(address);
  std::lock_guard lock(mutex_);
  return addresses_.take(key, now);
}

std::optional<std::chrono::seconds> SignInThrottle::admit_device(const std::string& device,
                                                                 std::string_view email,
                                                                 TimePoint now) {
  std::lock_guard lock(mutex_);
  if (const auto wait = device_accounts_.take(std::string(email), now)) return wait;
  return devices_.take(device, now);
}

void SignInThrottle::device_succeeded(const std::string& device) {
  std::lock_guard lock(mutex_);
  devices_.forget(device);
}

SignInThrottle::Gate SignInThrottle::check(std::string_view address, std::string_view email,
                                           TimePoint now) {
  const std::string pair = pair_key(address, email);
  const std::string account(email);
  std::lock_guard lock(mutex_);
  if (const auto wait = pairs_.wait(pair, now)) return {Verdict::refused, *wait};
  if (const auto wait = accounts_.take(account, now)) return {Verdict::needs_proof, *wait};
  (void)pairs_.take(pair, now);
  return {Verdict::go, std::chrono::seconds(0)};
}

SignInThrottle::Gate SignInThrottle::admit_proven(std::string_view address, std::string_view email,
                                                  TimePoint now) {
  const std::string pair = pair_key(address, email);
  std::lock_guard lock(mutex_);
  if (const auto wait = pairs_.take(pair, now)) return {Verdict::refused, *wait};
  return {Verdict::go, std::chrono::seconds(0)};
}

void SignInThrottle::succeeded(std::string_view address, std::string_view email,
                               bool account_charged, TimePoint now) {
  const std::string pair = pair_key(address, email);
  std::lock_guard lock(mutex_);
  pairs_.forget(pair);
  if (account_charged) accounts_.give_back(std::string(email), now);
}

}  // namespace canopy::auth
