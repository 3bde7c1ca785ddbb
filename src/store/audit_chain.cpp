// Hashing and verifying the per-school audit chains.
#include "store/audit_chain.hpp"

#include <sodium.h>

#include <array>

namespace canopy::store {
namespace {

// v1: records written before schema version 7, which have no client request id (nullopt). v2:
// every later record, with the client's request id as one more field at the end. The tag
// follows from whether the field is there, and is itself hashed: a v2 record whose client id
// is set to NULL behind Canopy's back, or a v1 record given one, no longer matches its hash.
constexpr std::string_view kVersionTag = "canopy.audit.v1";
constexpr std::string_view kVersionTagWithClientId = "canopy.audit.v2";
constexpr std::string_view kVersionTagWithReason = "canopy.audit.v3";
constexpr std::size_t kPage = 1000;

class Encoder {
 public:
  Encoder() {
    if (sodium_init() < 0) throw StoreError("libsodium failed to initialise");
    crypto_generichash_init(&state_, nullptr, 0, crypto_generichash_BYTES);
  }
  Encoder& field(std::string_view bytes) {
    std::array<unsigned char, 8> length{};
    auto n = static_cast<std::uint64_t>(bytes.size());
    for (std::size_t i = length.size(); i-- > 0; n >>= 8)
      length[i] = static_cast<unsigned char>(n & 0xff);
    crypto_generichash_update(&state_, length.data(), length.size());
    crypto_generichash_update(&state_, reinterpret_cast<const unsigned char*>(bytes.data()),
                              bytes.size());
    return *this;
  }
  Encoder& field(std::int64_t value) { return field(std::string_view(std::to_string(value))); }
  std::string hex() {
    std::array<unsigned char, crypto_generichash_BYTES> digest{};
    crypto_generichash_final(&state_, digest.data(), digest.size());
    std::array<char, crypto_generichash_BYTES * 2 + 1> text{};
    sodium_bin2hex(text.data(), text.size(), digest.data(), digest.size());
    return std::string(text.data(), crypto_generichash_BYTES * 2);
  }

 private:
  crypto_generichash_state state_{};
};

std::string describe_seq(std::int64_t seq) {
  return "seq " + std::to_string(seq);
}

// One school's chain, link by link.
class SchoolWalk {
 public:
  explicit SchoolWalk(std::string school) : school_(std::move(school)) {}

  // The first problem with `link`, which must come right after the links seen so far.
  std::optional<ChainBreak> check(const AuditLink& link) {
    const auto broken = [&](std::string problem) {
      return ChainBreak{school_, link.audit_id, link.seq, std::move(problem)};
    };
    if (link.seq != last_seq_ + 1) {
      return broken("gap in seq: expected " + std::to_string(last_seq_ + 1) + " after " +
                    (last_seq_ == 0 ? "the start" : describe_seq(last_seq_)) + ", found " +
                    std::to_string(link.seq) + " (records were removed)");
    }
    if (!link.record) return broken("the record is missing (its row was deleted)");
    if (link.prev_hash != last_hash_) {
      return broken("prev_hash mismatch: it does not name the hash of " +
                    (last_seq_ == 0 ? std::string("the chain start") : describe_seq(last_seq_)));
    }
    if (link.record->school_id != school_ ||
        audit_hash(*link.record, link.seq, link.prev_hash) != link.hash) {
      return broken("hash mismatch: the record was changed after it was written");
    }
    last_seq_ = link.seq;
    last_hash_ = link.hash;
    last_id_ = link.audit_id;
    return std::nullopt;
  }

  // After the last link: the head must name it.
  std::optional<ChainBreak> finish(const std::optional<AuditHead>& head) const {
    if (!head) {
      if (last_seq_ == 0) return std::nullopt;
      return ChainBreak{school_, last_id_, last_seq_, "the chain has no head"};
    }
    if (head->seq != last_seq_ || head->hash != last_hash_) {
      return ChainBreak{school_, head->audit_id, head->seq,
                        "the chain ends at " +
                            (last_seq_ == 0 ? std::string("the start") : describe_seq(last_seq_)) +
                            " but its head names " + describe_seq(head->seq) +
                            " (records were removed from the end)"};
    }
    return std::nullopt;
  }

 private:
  std::string school_;
  std::int64_t last_seq_ = 0;
  std::string last_hash_;
  std::int64_t last_id_ = 0;
};

}  // namespace

std::string audit_hash(const AuditRecord& r, std::int64_t seq, std::string_view prev_hash) {
  Encoder e;
  e.field(r.reason              ? kVersionTagWithReason
          : r.client_request_id ? kVersionTagWithClientId
                                : kVersionTag)
      .field(seq)
      .field(prev_hash)
      .field(r.school_id)
      .field(r.app_id)
      .field(to_string(r.actor_kind))
      .field(r.actor)
      .field(r.actor_site)
      .field(r.actor_role)
      .field(std::string_view(r.via_trust ? "1" : "0"))
      .field(r.action)
      // No status is empty, so "" stands unambiguously for "none".
      .field(r.from_status ? to_string(*r.from_status) : std::string_view())
      .field(to_string(r.to_status))
      .field(std::int64_t{r.permission_set_version})
      .field(to_unix_ms(r.at))
      .field(r.request_id);
  if (r.client_request_id || r.reason) e.field(r.client_request_id.value_or(""));
  if (r.reason) e.field(*r.reason).field(r.reason_note);
  return e.hex();
}

ChainReport verify_audit_chains(AuditStore& audit, std::optional<std::string_view> school,
                                const ChainProgress& progress) {
  ChainReport report;
  const std::int64_t total = audit.audit_count();
  std::vector<std::string> schools;
  if (school) {
    schools.emplace_back(*school);
  } else {
    schools = audit.audited_schools();
  }
  const auto tick = [&](std::int64_t n) {
    report.records += n;
    if (progress) progress(report.records, total);
  };
  for (const auto& id : schools) {
    ++report.schools;
    SchoolWalk walk(id);
    std::optional<ChainBreak> broken;
    std::int64_t after = 0;
    for (;;) {
      const auto links = audit.audit_links(id, after, kPage);
      for (const auto& link : links) {
        if (!broken) broken = walk.check(link);
      }
      tick(static_cast<std::int64_t>(links.size()));
      if (links.size() < kPage) break;
      after = links.back().seq;
    }
    if (!broken) broken = walk.finish(audit.audit_head(id));
    const auto unchained = audit.unchained_audit_ids(id, kPage);
    tick(static_cast<std::int64_t>(unchained.size()));
    if (!broken && !unchained.empty()) {
      broken = ChainBreak{id, unchained.front(), 0,
                          "the record is not in the chain (" + std::to_string(unchained.size()) +
                              (unchained.size() == kPage ? " or more" : "") +
                              " unchained; written behind canopy's back, or by a canopy older "
                              "than schema version 3)"};
    }
    if (broken) report.breaks.push_back(std::move(*broken));
  }
  return report;
}

}  // namespace canopy::store
