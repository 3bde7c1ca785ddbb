// What Canopy counts beyond HTTP requests (the server counts those, per listener): decisions,
// cache lookups, revocation holds, bulk batches and sign-ins. Every label comes from a fixed set
// named here, never from a school or app id, so the number of series stays bounded whatever
// clients send. One instance per process, owned by the application; null where counting is off.
#pragma once

#include <array>
#include <string_view>

#include "metrics/metrics.hpp"

namespace canopy::metrics {

// The decision reasons (decision/checker.cpp), in a fixed order; anything else counts as
// "other".
inline constexpr std::array<std::string_view, 13> kDecisionReasons{
    "approved",           "unknown_app",           "competitor",        "application_not_live",
    "unknown_school",     "not_requested",         "pending",           "rejected",
    "reconsent_required", "data_type_not_granted", "field_not_granted", "operation_not_granted",
    "request_expired"};

enum class CacheLevel { local, shared };

// How a sign-in attempt ended.
enum class SignIn { success, invalid_credentials, throttled, busy, failed };
inline constexpr std::size_t kSignInOutcomes = 5;

// How an attempt to deliver a partner event ended: delivered (2xx), failed and to be tried
// again, or failed and given up.
enum class WebhookDelivery { delivered, retrying, gave_up };
inline constexpr std::size_t kWebhookOutcomes = 3;

class ServiceMetrics {
 public:
  ServiceMetrics();

  void decision(bool allow, std::string_view reason) {
    decisions_[allow ? 1 : 0][reason_index(reason)].add();
  }
  void cache_lookup(CacheLevel level, bool hit) {
    lookups_[level == CacheLevel::shared ? 1 : 0][hit ? 1 : 0].add();
  }
  // Pairs held by one reject or bulk decision, and how long placing them took (the other
  // replicas' acknowledgements included).
  void holds_placed(std::size_t pairs, double seconds) {
    holds_.add(pairs);
    hold_wait_.observe(seconds);
  }
  // A change that took allows away without holds (Redis unreachable): a new revocation epoch.
  void unheld_revocation() { unheld_.add(); }
  void bulk_batch(std::size_t items) { bulk_items_.observe(static_cast<double>(items)); }
  void sign_in(SignIn outcome) { sign_ins_[static_cast<std::size_t>(outcome)].add(); }
  // Called from the dispatcher's thread.
  void webhook_delivery(WebhookDelivery outcome, double seconds) {
    webhook_deliveries_[static_cast<std::size_t>(outcome)].add();
    webhook_seconds_.observe(seconds);
  }

  void write(Exposition& out) const;

  static std::size_t reason_index(std::string_view reason);

 private:
  std::array<std::array<Counter, kDecisionReasons.size() + 1>, 2> decisions_;  // [allow][reason]
  std::array<std::array<Counter, 2>, 2> lookups_;                              // [level][hit]
  Counter holds_;
  Histogram hold_wait_;
  Counter unheld_;
  Histogram bulk_items_;
  std::array<Counter, kSignInOutcomes> sign_ins_;
  std::array<Counter, kWebhookOutcomes> webhook_deliveries_;
  Histogram webhook_seconds_;
};

}  // namespace canopy::metrics
