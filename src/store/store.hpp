// Store interfaces: everything Canopy persists, behind small abstract classes, one header per
// interface (connections.hpp, audit.hpp, directory.hpp, ...: the files of sql/ follow the same
// split), all included here. SqlStore (store/sql) implements them over SQLite or MariaDB; use
// cases depend only on these. Input-dependent outcomes are return values; a failing database
// throws StoreError (errors.hpp). `Store` is every interface at once, with the schema's version.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/result.hpp"
#include "core/time.hpp"
#include "metrics/metrics.hpp"
#include "store/accounts.hpp"
#include "store/audit.hpp"
#include "store/connect_links.hpp"
#include "store/connections.hpp"
#include "store/deletions.hpp"
#include "store/directory.hpp"
#include "store/errors.hpp"
#include "store/events.hpp"
#include "store/grants.hpp"
#include "store/idempotency.hpp"
#include "store/notifications.hpp"
#include "store/revocation.hpp"
#include "store/sessions.hpp"
#include "store/trusts.hpp"

namespace canopy::store {

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
  // Audit records written before the chain existed, chained by the migration that adds it.
  std::int64_t audit_chained = 0;
};

// A connection pool's state, for /metrics.
struct PoolStats {
  std::size_t size = 0;                 // connections it may open
  std::size_t open = 0;                 // open now, idle or in use
  std::size_t in_use = 0;               // checked out (or being opened)
  std::size_t waiting = 0;              // threads waiting for one
  std::uint64_t exhausted = 0;          // checkouts that gave up waiting
  metrics::HistogramSnapshot checkout;  // seconds each checkout took, waiting included
};

// Everything at once, for wiring; use cases take the narrow interfaces above.
class Store : public ConnectionStore,
              public AuditStore,
              public DirectoryStore,
              public AccountStore,
              public CredentialStore,
              public SessionStore,
              public LoginHistoryStore,
              public TrustStore,
              public NotificationStore,
              public IdempotencyStore,
              public RevocationStore,
              public GrantStore,
              public EventStore,
              public DeletionStore,
              public ConnectLinkStore {
 public:
  // Applies pending migrations; refuses (Errc::unavailable) a database newer than this binary.
  virtual Result<MigrationReport> migrate(const Clock& clock) = 0;
  // The schema version the database is at; also the readiness probe.
  virtual int schema_version() = 0;
  // The schema version this binary migrates to.
  virtual int latest_schema_version() const = 0;
  // The connection pool's state, for a store that has one.
  virtual std::optional<PoolStats> pool_stats() const { return std::nullopt; }
};

}  // namespace canopy::store
