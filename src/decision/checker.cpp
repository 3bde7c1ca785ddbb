// Decision evaluation. Every deny names its reason, so the gateway and operators can tell
// "not approved" from "approved, but not this field".
#include "decision/checker.hpp"

namespace canopy::decision {
namespace {

std::optional<Decision> app_gate(const policy::App* app) {
  if (app == nullptr) return Decision{false, "unknown_app"};
  if (app->competitor) return Decision{false, "competitor"};
  if (!app->live) return Decision{false, "application_not_live"};
  return std::nullopt;
}

}  // namespace

Decision Checker::evaluate(const policy::App& app, const cache::Entry& entry, const Query& q) {
  switch (entry.presence) {
    case cache::Presence::unknown_school:
      return {false, "unknown_school"};
    case cache::Presence::not_requested:
      return {false, "not_requested"};
    case cache::Presence::pending:
      return {false, "pending"};
    case cache::Presence::rejected:
      return {false, "rejected"};
    case cache::Presence::expired:
      return {false, "request_expired"};
    case cache::Presence::approved:
      break;
  }
  const GrantVerdict now = app.permissions.check(q.data_type, q.field, q.operation);
  // The school approved one version's set: a later set that grants more keeps the school on
  // what it approved (the rest waits for its approval), and one that grants less takes the
  // difference away at once. A version the policies no longer keep grants nothing.
  if (now == GrantVerdict::granted && entry.permission_set_version != app.permissions.version()) {
    const PermissionSet* approved = app.permissions_at(entry.permission_set_version);
    if (approved == nullptr ||
        approved->check(q.data_type, q.field, q.operation) != GrantVerdict::granted)
      return {false, "reconsent_required"};
  }
  switch (now) {
    case GrantVerdict::granted:
      return {true, "approved"};
    case GrantVerdict::data_type_not_granted:
      return {false, "data_type_not_granted"};
    case GrantVerdict::field_not_granted:
      return {false, "field_not_granted"};
    case GrantVerdict::operation_not_granted:
      return {false, "operation_not_granted"};
  }
  return {false, "data_type_not_granted"};
}

std::optional<Decision> Checker::check_cached(const Query& q) const {
  const auto* app = policy_.find_app(q.app);
  if (auto gate = app_gate(app)) return gate;
  auto entry = cache_.get(q.school, q.app);
  if (!entry) return std::nullopt;
  return evaluate(*app, *entry, q);
}

std::optional<Decision> Checker::check_entry(const Query& q, const cache::Entry& entry,
                                             cache::Generation since) {
  const auto* app = policy_.find_app(q.app);
  if (auto gate = app_gate(app)) return *gate;
  if (!cache_.put(q.school, q.app, entry, since)) return std::nullopt;
  return evaluate(*app, entry, q);
}

Decision Checker::check_store(const Query& q, std::optional<cache::Entry>* found,
                              std::optional<cache::Generation> taken) {
  const auto* app = policy_.find_app(q.app);
  if (auto gate = app_gate(app)) return *gate;
  const auto since = taken.value_or(cache_.generation());
  if (auto connection = connections_.find_connection(q.school, q.app)) {
    const auto entry = cache::entry_for_connection(
        connection->status, connection->permission_set_version, connection->revision);
    // Keyed by the stored ids: the store compares exactly, so they are the caller's, but the
    // cache must never hold a key no change will name.
    (void)cache_.put(connection->school_id, connection->app_id, entry, since);
    if (found != nullptr) *found = entry;
    return evaluate(*app, entry, q);
  }
  const auto site = directory_.find_site(q.school);
  if (!site || site->kind != SiteKind::school) {
    // Not cached: schools are added by import, and a negative entry would outlive that.
    return {false, "unknown_school"};
  }
  const cache::Entry none{cache::Presence::not_requested, 0, 0};
  (void)cache_.put(site->id, app->id, none, since);
  if (found != nullptr) *found = none;
  return evaluate(*app, none, q);
}

}  // namespace canopy::decision
