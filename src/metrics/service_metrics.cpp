#include "metrics/service_metrics.hpp"

namespace canopy::metrics {
namespace {

constexpr std::array<std::string_view, kSignInOutcomes> kSignInNames{
    "success", "invalid_credentials", "throttled", "busy", "failed"};

std::vector<double> bulk_bounds() {
  return {1, 10, 50, 100, 500, 1000, 2500, 5000};
}

}  // namespace

ServiceMetrics::ServiceMetrics()
    : hold_wait_({latency_bounds().begin(), latency_bounds().end()}),
      bulk_items_(bulk_bounds()),
      webhook_seconds_({latency_bounds().begin(), latency_bounds().end()}) {}

std::size_t ServiceMetrics::reason_index(std::string_view reason) {
  for (std::size_t i = 0; i < kDecisionReasons.size(); ++i) {
    if (kDecisionReasons[i] == reason) return i;
  }
  return kDecisionReasons.size();
}

void ServiceMetrics::write(Exposition& out) const {
  out.family("canopy_decisions_total", "counter",
             "Decisions answered to the gateway, by outcome and reason code.");
  for (std::size_t allow = 0; allow < 2; ++allow) {
    for (std::size_t r = 0; r <= kDecisionReasons.size(); ++r) {
      const auto n = decisions_[allow][r].value();
      // Every reason is listed once it has happened; "approved" only allows and the others
      // only deny, so the impossible pairs stay out.
      const bool possible = (r == 0) == (allow == 1) || r == kDecisionReasons.size();
      if (!possible && n == 0) continue;
      out.sample("canopy_decisions_total",
                 {{"outcome", allow ? "allow" : "deny"},
                  {"reason", r < kDecisionReasons.size() ? kDecisionReasons[r] : "other"}},
                 n);
    }
  }
  out.family("canopy_decision_cache_lookups_total", "counter",
             "Decision cache lookups by level (local: this process; shared: Redis) and result.");
  for (std::size_t level = 0; level < 2; ++level) {
    for (std::size_t hit = 0; hit < 2; ++hit) {
      out.sample("canopy_decision_cache_lookups_total",
                 {{"level", level ? "shared" : "local"}, {"result", hit ? "hit" : "miss"}},
                 lookups_[level][hit].value());
    }
  }
  out.family("canopy_revocation_holds_total", "counter",
             "School-app pairs held on every replica before a change that took an allow away.");
  out.sample("canopy_revocation_holds_total", {}, holds_.value());
  out.family("canopy_revocation_hold_seconds", "histogram",
             "Time to place one change's holds, the other replicas' acknowledgements included.");
  out.histogram("canopy_revocation_hold_seconds", {}, hold_wait_.snapshot());
  out.family("canopy_revocation_unheld_total", "counter",
             "Attempts to take allows away without holds (Redis unreachable): each that commits "
             "starts a new revocation epoch; one the store's record of replicas refuses is a 503.");
  out.sample("canopy_revocation_unheld_total", {}, unheld_.value());
  out.family("canopy_bulk_batch_items", "histogram", "Items per bulk decision request.");
  out.histogram("canopy_bulk_batch_items", {}, bulk_items_.snapshot());
  out.family("canopy_sign_in_attempts_total", "counter",
             "Sign-in attempts by outcome: throttled ones were refused by the per-address or "
             "per-account limits before any password check; busy ones found every hashing "
             "thread taken.");
  for (std::size_t i = 0; i < kSignInOutcomes; ++i)
    out.sample("canopy_sign_in_attempts_total", {{"outcome", kSignInNames[i]}},
               sign_ins_[i].value());
  constexpr std::array<std::string_view, kWebhookOutcomes> kWebhookNames{"delivered", "retrying",
                                                                         "gave_up"};
  out.family("canopy_partner_event_deliveries_total", "counter",
             "Attempts to deliver a partner event to its webhook, by outcome: delivered (2xx), "
             "failed and retrying later, or failed and given up.");
  for (std::size_t i = 0; i < kWebhookOutcomes; ++i)
    out.sample("canopy_partner_event_deliveries_total", {{"outcome", kWebhookNames[i]}},
               webhook_deliveries_[i].value());
  out.family("canopy_partner_event_delivery_seconds", "histogram",
             "Time one attempt to deliver a partner event took, answered or not.");
  out.histogram("canopy_partner_event_delivery_seconds", {}, webhook_seconds_.snapshot());
}

}  // namespace canopy::metrics
