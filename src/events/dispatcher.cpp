#include "events/dispatcher.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <random>

#include "auth/crypto.hpp"

namespace canopy::events {
namespace {

std::int64_t unix_seconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// Between half the delay and all of it.
std::chrono::milliseconds jittered(std::chrono::milliseconds delay) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  const auto half = delay.count() / 2;
  std::uniform_int_distribution<std::int64_t> pick(half,
                                                   std::max<std::int64_t>(half, delay.count()));
  return std::chrono::milliseconds(pick(random));
}

}  // namespace

std::chrono::milliseconds retry_delay(const DispatchConfig& config, int attempt) {
  auto delay = config.retry_base;
  for (int i = 1; i < attempt && delay < config.retry_cap; ++i)
    delay *= 2;
  return std::min(delay, config.retry_cap);
}

Dispatcher::Dispatcher(store::EventStore& events, exec::BlockingPool& blocking, Endpoints endpoints,
                       DispatchConfig config, const Clock& clock, std::string replica,
                       metrics::ServiceMetrics* metrics)
    : events_(events),
      blocking_(blocking),
      endpoints_(std::move(endpoints)),
      apps_(endpoints_.apps()),
      config_(config),
      clock_(clock),
      replica_(std::move(replica)),
      metrics_(metrics),
      client_(endpoints_.ca_file) {}

Dispatcher::~Dispatcher() {
  stop();
}

void Dispatcher::start() {
  if (apps_.empty() || thread_.joinable()) return;
  asio::co_spawn(io_, run(), asio::detached);
  thread_ = std::thread([this] { io_.run(); });
}

void Dispatcher::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  asio::post(io_, [this] { wake_.cancel(); });
  thread_.join();
}

void Dispatcher::finished_one() {
  if (--in_flight_ == 0) drained_.cancel();
}

asio::awaitable<void> Dispatcher::run() {
  spdlog::info("partner events: delivering to the webhooks of {} app(s)", apps_.size());
  while (!stopping_) {
    std::vector<store::PartnerEvent> claimed;
    // Unique per claim, so that a failure recorded late never moves an event another claim holds.
    const std::string owner = replica_ + "/" + auth::random_token().substr(0, 12);
    try {
      co_await blocking_.run([&] {
        const TimePoint now = clock_.now();
        claimed = events_.claim_events({.owner = owner,
                                        .now = now,
                                        .lease_until = now + config_.lease,
                                        .apps = apps_,
                                        .limit = config_.batch,
                                        .max_attempts = config_.max_attempts});
      });
    } catch (const std::exception& e) {
      spdlog::warn("partner events: cannot read the outbox, trying again: {}", e.what());
    }
    for (auto& event : claimed) {
      ++in_flight_;
      asio::co_spawn(io_, deliver(std::move(event), owner), asio::detached);
    }
    if (in_flight_ > 0) {
      // The batch ends before the next look: a slow endpoint slows only this replica's pace.
      drained_.expires_at(asio::steady_timer::time_point::max());
      boost::system::error_code ignored;
      co_await drained_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    if (claimed.size() < config_.batch && !stopping_) {
      wake_.expires_after(config_.poll_interval);
      boost::system::error_code ignored;
      co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
  }
}

asio::awaitable<void> Dispatcher::deliver(store::PartnerEvent event, std::string owner) {
  struct Done {
    Dispatcher& d;
    ~Done() { d.finished_one(); }
  } done{*this};
  const auto endpoint = endpoints_.by_app.find(event.app_id);
  if (endpoint == endpoints_.by_app.end()) co_return;  // claimed only for apps with one
  const TimePoint started = clock_.now();
  const auto steady_start = std::chrono::steady_clock::now();
  const std::string timestamp = std::to_string(unix_seconds(started));
  std::vector<std::pair<std::string, std::string>> headers{
      {"webhook-id", event.id},
      {"webhook-timestamp", timestamp},
      {"webhook-signature", sign(endpoint->second.secrets, event.id, timestamp, event.body)}};
  PostOutcome outcome;
  try {
    outcome = co_await client_.post(endpoint->second.url, headers, event.body, config_.timeout);
  } catch (const std::exception& e) {
    outcome = PostOutcome{std::nullopt, e.what()};
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - steady_start);
  const bool delivered = outcome.status && *outcome.status >= 200 && *outcome.status < 300;
  store::Delivery delivery{
      .event_seq = event.seq,
      .event_id = event.id,
      .app_id = event.app_id,
      .attempt = event.attempts,
      .replica = replica_,
      .at = started,
      .duration = took,
      .status_code = outcome.status,
      .outcome = delivered ? store::DeliveryOutcome::delivered : store::DeliveryOutcome::failed,
      .error = delivered        ? ""
               : outcome.status ? "answered " + std::to_string(*outcome.status)
                                : outcome.error};
  store::AfterFailure after;
  if (!delivered && event.attempts < config_.max_attempts) {
    const TimePoint retry_at = started + jittered(retry_delay(config_, event.attempts));
    if (retry_at - event.created_at < config_.max_age) after.retry_at = retry_at;
  }
  if (metrics_ != nullptr) {
    metrics_->webhook_delivery(delivered        ? metrics::WebhookDelivery::delivered
                               : after.retry_at ? metrics::WebhookDelivery::retrying
                                                : metrics::WebhookDelivery::gave_up,
                               std::chrono::duration<double>(took).count());
  }
  if (!delivered) {
    spdlog::warn("partner events: {} to {} (attempt {}) failed: {}; {}", event.id, event.app_id,
                 event.attempts, delivery.error,
                 after.retry_at ? "trying again at " + format_rfc3339(*after.retry_at)
                                : std::string("given up"));
  }
  try {
    co_await blocking_.run([&] { events_.record_delivery(delivery, owner, after); });
  } catch (const std::exception& e) {
    // The lease runs out and the event is tried again: at least once, never lost.
    spdlog::warn("partner events: cannot record the attempt on {}: {}", event.id, e.what());
  }
}

}  // namespace canopy::events
