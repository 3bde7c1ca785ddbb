// The audit chain's encoding, pinned: records hashed by an older Canopy must still verify, so the
// encoding of a record of each version may never change. The value below is what the first
// encoding (before schema version 7) gave.
#include <gtest/gtest.h>

#include <set>

#include "store/audit_chain.hpp"

namespace canopy::store {
namespace {

AuditRecord sample() {
  return AuditRecord{.school_id = "oakfield-primary",
                     .app_id = "parentpay",
                     .actor_kind = ActorKind::user,
                     .actor = "amir.admin@oakfield-primary.example",
                     .actor_site = "oakfield-trust",
                     .actor_role = "school_administrator",
                     .via_trust = true,
                     .action = "approve",
                     .from_status = ConnectionStatus::pending,
                     .to_status = ConnectionStatus::approved,
                     .permission_set_version = 3,
                     .at = from_unix_ms(1767225600123),
                     .request_id = "0123456789abcdef"};
}

TEST(AuditHash, TheFirstEncodingIsUnchanged) {
  EXPECT_EQ(audit_hash(sample(), 7, std::string(64, 'a')),
            "702af81d0fa179bf6f33b5183088f376121f841054e4a67f3f70ca9555e154d5");
}

// Records written since schema version 7 carry the client's request id (maybe empty) and hash
// as version 2: the field is in the hash, and a record cannot pass for the other version by
// dropping or adding it.
TEST(AuditHash, TheClientRequestIdIsInTheSecondEncoding) {
  const std::string prev(64, 'a');
  AuditRecord v1 = sample();
  AuditRecord none = sample();
  none.client_request_id = "";
  AuditRecord forged = sample();
  forged.client_request_id = "forged-id";
  AuditRecord other = sample();
  other.client_request_id = "forged-ie";
  const std::set<std::string> hashes = {audit_hash(v1, 7, prev), audit_hash(none, 7, prev),
                                        audit_hash(forged, 7, prev), audit_hash(other, 7, prev)};
  EXPECT_EQ(hashes.size(), 4u);
  // The client's id is a field of its own: it cannot be traded with the server's.
  AuditRecord moved = forged;
  moved.request_id += "forged-id";
  moved.client_request_id = "";
  EXPECT_NE(audit_hash(moved, 7, prev), audit_hash(forged, 7, prev));
}

}  // namespace
}  // namespace canopy::store
