// The audit trail's hash chains, one per school: the canonical encoding of a record and its
// hash, and the walk that verifies every chain and reports where one breaks.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace canopy::store {

// Hex BLAKE2b-256 over the record's canonical encoding: a version tag, then seq, prev_hash and
// every audited field (school, app, actor kind, actor, actor site, actor role, via_trust,
// action, from and to status, permission set version, time in ms, request id, and, from
// version 2, the client's request id; from version 3, a reject's reason and note), each as an
// 8-byte big-endian length followed by its bytes, so no two different records encode alike. A
// record without a client request id (nullopt: written before schema version 7) is encoded as
// version 1, and one without a reason as version 2, byte for byte as before, so chains written
// then still verify. The record's id, seq, prev_hash and hash members are
// not read.
std::string audit_hash(const AuditRecord& record, std::int64_t seq, std::string_view prev_hash);

// The first thing wrong in one school's chain.
struct ChainBreak {
  std::string school_id;
  std::int64_t record_id = 0;  // 0 when no record is at fault (a missing head)
  std::int64_t seq = 0;        // 0 for a record that has no link
  std::string problem;
};

struct ChainReport {
  std::int64_t records = 0;  // links and unchained records looked at
  std::size_t schools = 0;
  std::vector<ChainBreak> breaks;  // at most one per school, by school id
};

using ChainProgress = std::function<void(std::int64_t done, std::int64_t total)>;

// Walks the chain of `school` (every school's when nullopt) in seq order, recomputing each
// hash: reports per school the first link whose record is gone, whose seq is not the next one
// (a gap), whose prev_hash is not the previous hash, or whose hash does not match its record;
// a head that is not the last link (records cut off the end); and records without a link.
// Calls `progress` as it goes, with audit_count() as the total.
ChainReport verify_audit_chains(AuditStore& audit, std::optional<std::string_view> school,
                                const ChainProgress& progress = {});

}  // namespace canopy::store
