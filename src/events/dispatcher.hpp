// Delivers partner events from the outbox (store::EventStore) to the partners' webhook
// endpoints, signed per Standard Webhooks 1.0, at least once: an event leaves the outbox only
// when an endpoint answered 2xx, or when its attempts or its age run out (then an operator can
// ask for it again: POST /internal/v1/partner-events/{event}/redeliver). Each replica runs one; an
// event is held by one replica at a time through a lease in the store, so that with several
// replicas each attempt is made once, and a replica that dies (kill -9) mid-delivery only delays
// its events until their leases run out. Every attempt keeps the event's webhook-id and goes in the
// delivery log.
//
// The dispatcher has its own thread and io_context, so a slow partner never takes time from a
// request; its store calls run on the blocking pool.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <thread>

#include "core/time.hpp"
#include "events/endpoints.hpp"
#include "events/webhook_client.hpp"
#include "exec/blocking_pool.hpp"
#include "http/asio.hpp"
#include "metrics/service_metrics.hpp"
#include "store/events.hpp"

namespace canopy::events {

struct DispatchConfig {
  // How often the outbox is looked at when there was nothing to deliver.
  std::chrono::milliseconds poll_interval{1000};
  // Events taken per look, each delivered concurrently.
  std::size_t batch = 16;
  // One attempt, from resolving the host to the answer's head.
  std::chrono::milliseconds timeout{10000};
  // How long a replica holds an event it is delivering: well beyond `timeout`, so a live
  // replica's attempt is never repeated by another.
  std::chrono::milliseconds lease{60000};
  // Retries: after attempt n fails, the next waits min(retry_cap, retry_base * 2^(n-1)), each
  // wait drawn between half of it and all of it (jitter, so partners that were down are not
  // hit by every replica's backlog at once). After max_attempts, or once an event is older
  // than max_age, it is given up.
  std::chrono::milliseconds retry_base{5000};
  std::chrono::milliseconds retry_cap{std::chrono::hours(1)};
  int max_attempts = 12;
  std::chrono::hours max_age{72};
};

// The wait before the attempt after `attempt` (1 for the first) failed, jitter aside.
std::chrono::milliseconds retry_delay(const DispatchConfig& config, int attempt);

class Dispatcher {
 public:
  // `replica`: this replica's name in the delivery log. `metrics` may be null.
  Dispatcher(store::EventStore& events, exec::BlockingPool& blocking, Endpoints endpoints,
             DispatchConfig config, const Clock& clock, std::string replica,
             metrics::ServiceMetrics* metrics);
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;
  ~Dispatcher();

  // Starts the thread; does nothing when no app has an endpoint.
  void start();
  // Stops looking for events, lets the attempts in flight end (within `timeout`), and joins.
  void stop();

 private:
  asio::awaitable<void> run();
  asio::awaitable<void> deliver(store::PartnerEvent event, std::string owner);
  void finished_one();

  store::EventStore& events_;
  exec::BlockingPool& blocking_;
  Endpoints endpoints_;
  std::vector<std::string> apps_;
  DispatchConfig config_;
  const Clock& clock_;
  std::string replica_;
  metrics::ServiceMetrics* metrics_;
  WebhookClient client_;
  asio::io_context io_;
  asio::steady_timer wake_{io_};
  asio::steady_timer drained_{io_};
  std::size_t in_flight_ = 0;  // on io_ only
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace canopy::events
