// The audit trail: who did what to a connection (AuditRecord), its hash chain links, queries, and
// AuditStore, which reads it (ConnectionStore::apply writes it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/connection.hpp"
#include "core/time.hpp"

namespace canopy::store {

enum class ActorKind { user, partner, system };
std::string_view to_string(ActorKind kind);
std::optional<ActorKind> parse_actor_kind(std::string_view text);

struct AuditRecord {
  std::int64_t id = 0;
  std::string school_id;
  std::string app_id;
  ActorKind actor_kind = ActorKind::user;
  std::string actor;       // user email, app id, or the system task
  std::string actor_site;  // the site the actor acted from
  std::string actor_role;  // the business role that allowed it
  bool via_trust = false;
  std::string action;  // request, approve, reject, import
  std::optional<ConnectionStatus> from_status;
  ConnectionStatus to_status = ConnectionStatus::pending;
  int permission_set_version = 0;
  TimePoint at;
  std::string request_id;  // the server's id of the request (never the client's)
  // What the client sent as X-Request-Id, as sent ("" when it sent none, or one the server
  // does not keep). nullopt on records written before schema version 7: those were hashed
  // without it (store/audit_chain.hpp).
  std::optional<std::string> client_request_id;
  // A reject's reason (core/connection.hpp's RejectReason, as text) and the school's note, when
  // it gave one; nullopt on every other record. Hashed from chain version 3 on.
  std::optional<std::string> reason;
  std::string reason_note;
  // The record's link in its school's hash chain (store/audit_chain.hpp), as stored: seq 1, 2,
  // 3, ... per school, the previous record's hash ("" for the first) and this record's hash.
  // apply() computes them and ignores what the caller put here; 0 and "" on a record that is
  // not chained.
  std::int64_t seq = 0;
  std::string prev_hash;
  std::string hash;
};

// A school's newest chain link.
struct AuditHead {
  std::string school_id;
  std::int64_t seq = 0;
  std::string hash;
  std::int64_t audit_id = 0;
};

// One link of a school's chain and the record it names; the record is nullopt when its row is
// gone (deleted behind Canopy's back with foreign keys off).
struct AuditLink {
  std::int64_t audit_id = 0;
  std::string school_id;
  std::int64_t seq = 0;
  std::string prev_hash;
  std::string hash;
  std::optional<AuditRecord> record;
};

// Audit records of some schools, newest first: by time, then school, then id (which follows
// seq within a school), all descending. Every filter is optional; `from` is inclusive, `to`
// exclusive.
struct AuditQuery {
  std::vector<std::string> schools;  // none: nothing matches
  std::optional<std::string> app;
  std::optional<std::string> actor;
  std::optional<std::string> action;
  std::optional<TimePoint> from;
  std::optional<TimePoint> to;
  // Only records after this position in the order above (the previous page's last record).
  struct Position {
    TimePoint at;
    std::string school_id;
    std::int64_t id = 0;
  };
  std::optional<Position> after;
  std::size_t limit = 50;
};

struct AuditPage {
  std::vector<AuditRecord> items;
  bool more = false;  // more records match after the last item
};

// Append-only: records are added only by ConnectionStore::apply, and nothing here changes or
// removes one.
class AuditStore {
 public:
  virtual ~AuditStore() = default;
  // Oldest first (by id), with their chain links.
  virtual std::vector<AuditRecord> audit_for_school(std::string_view school, std::size_t limit) = 0;
  virtual std::int64_t audit_count() = 0;
  virtual AuditPage find_audit(const AuditQuery& query) = 0;
  virtual std::optional<AuditRecord> find_audit_record(std::int64_t id) = 0;

  // For verifying the chains: every school with audit records, chain links or a chain head;
  // a school's head; its links in seq order after `after_seq`; its records without a link
  // in its own chain.
  virtual std::vector<std::string> audited_schools() = 0;
  virtual std::optional<AuditHead> audit_head(std::string_view school) = 0;
  virtual std::vector<AuditLink> audit_links(std::string_view school, std::int64_t after_seq,
                                             std::size_t limit) = 0;
  virtual std::vector<std::int64_t> unchained_audit_ids(std::string_view school,
                                                        std::size_t limit) = 0;
};

}  // namespace canopy::store
