#include "store/retention.hpp"

namespace canopy::store {

namespace {

// Runs `batch` until it deletes fewer than a full batch; returns how many it deleted.
template <class Batch>
std::size_t drain(Batch batch, std::size_t& running_total,
                  const std::function<void(std::size_t)>& progress) {
  std::size_t deleted = 0;
  for (;;) {
    const std::size_t n = batch();
    deleted += n;
    running_total += n;
    if (progress && n > 0) progress(running_total);
    if (n < kRetentionBatch) return deleted;
  }
}

}  // namespace

RetentionReport apply_retention(Store& store, TimePoint now, const Retention& retention,
                                const std::function<void(std::size_t)>& progress) {
  RetentionReport report;
  std::size_t total = 0;
  report.sessions = store.delete_expired_sessions(now);
  total += report.sessions;
  if (progress && report.sessions > 0) progress(total);
  if (retention.login_history.count() > 0) {
    const TimePoint cutoff = now - retention.login_history;
    report.logins =
        drain([&] { return store.delete_logins_before(cutoff, kRetentionBatch); }, total, progress);
  }
  const TimePoint key_cutoff = now - retention.idempotency_keys;
  report.idempotency_keys =
      drain([&] { return store.delete_idempotency_keys_before(key_cutoff, kRetentionBatch); },
            total, progress);
  report.replica_records = store.forget_replicas_before(now - retention.replica_records);
  total += report.replica_records;
  if (progress && report.replica_records > 0) progress(total);
  const TimePoint event_cutoff = now - retention.partner_events;
  report.partner_events = drain(
      [&] { return store.delete_events_before(event_cutoff, kRetentionBatch); }, total, progress);
  const TimePoint link_cutoff = now - retention.connect_links;
  report.connect_links =
      drain([&] { return store.delete_connect_links_before(link_cutoff, kRetentionBatch); }, total,
            progress);
  return report;
}

}  // namespace canopy::store
