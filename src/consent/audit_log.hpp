// Reading the audit trail: one page of the records of some schools, newest first, with the
// people who acted, each looked up once. The caller decides which schools the reader may see;
// the log only keeps the page cursor inside them. Blocking (store): run on the blocking pool.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "store/store.hpp"
#include "tenancy/directory.hpp"

namespace canopy::consent {

struct AuditEntries {
  store::AuditPage page;
  std::map<std::string, std::optional<User>> actors;  // the acting users, by email

  // The user who made `record`, when a user did and is still known.
  const User* actor_of(const store::AuditRecord& record) const;
};

class AuditLog {
 public:
  AuditLog(store::AuditStore& audit, tenancy::Directory& directory)
      : audit_(audit), directory_(directory) {}

  // The page `query` asks for (its schools set), after the record `before` when given, which
  // must be a record of those schools: anything else is invalid_value, and says nothing about
  // records elsewhere.
  Result<AuditEntries> page(store::AuditQuery query, std::optional<std::int64_t> before);

 private:
  store::AuditStore& audit_;
  tenancy::Directory& directory_;
};

}  // namespace canopy::consent
