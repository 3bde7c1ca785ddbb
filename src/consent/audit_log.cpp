#include "consent/audit_log.hpp"

#include <algorithm>

namespace canopy::consent {

const User* AuditEntries::actor_of(const store::AuditRecord& record) const {
  const auto it = actors.find(record.actor);
  return it == actors.end() || !it->second ? nullptr : &*it->second;
}

Result<AuditEntries> AuditLog::page(store::AuditQuery query, std::optional<std::int64_t> before) {
  if (before) {
    const auto last = audit_.find_audit_record(*before);
    const auto& in = query.schools;
    if (!last || std::find(in.begin(), in.end(), last->school_id) == in.end()) {
      return make_error(Errc::invalid_value,
                        "before must be the id of a record from the previous page");
    }
    query.after = store::AuditQuery::Position{last->at, last->school_id, last->id};
  }
  AuditEntries out{audit_.find_audit(query), {}};
  for (const auto& r : out.page.items) {
    if (r.actor_kind != store::ActorKind::user || out.actors.contains(r.actor)) continue;
    out.actors.emplace(r.actor, directory_.user_by_email(r.actor));
  }
  return out;
}

}  // namespace canopy::consent
