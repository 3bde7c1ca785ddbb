// The alternative connection's one-time links: a partner makes one for a school, and a school
// user who opens it signs in with MIS credentials and approves. The store keeps only the token's
// digest; a link is spent once, by the approval, in that approval's transaction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace canopy::store {

struct ConnectLink {
  std::string token_hash;    // hex BLAKE2b-256 of the token (auth::digest_hex)
  std::string app_id;        // the app that made it
  std::string school_id;     // the one school it can connect
  std::string redirect_uri;  // where the browser goes back to ("": nowhere), as registered
  std::string state;         // the partner's opaque value, echoed back with the outcome
  TimePoint created_at;
  TimePoint expires_at;
  std::optional<TimePoint> used_at;
  std::string used_by;  // the email of the user whose approval spent it
  // Who signed in on the link's page last, the digest of the ticket they were given for
  // approving through it, and until when it holds (none before anyone signed in).
  std::optional<std::int64_t> approver_user_id;
  std::string approver_ticket_hash;
  std::optional<TimePoint> approver_until;
};

// What an approval through a link spends: the link, while unspent and unexpired at `at`, and
// only by the ticket of the user who signed in on it (ConnectionChange::spends_link).
struct LinkSpend {
  std::string token_hash;
  std::string ticket_hash;
  std::string used_by;  // the approving user's email
  TimePoint at;
};

class ConnectLinkStore {
 public:
  virtual ~ConnectLinkStore() = default;
  // A new link; its token_hash is new (it digests 256 random bits).
  virtual void create_connect_link(const ConnectLink& link) = 0;
  virtual std::optional<ConnectLink> find_connect_link(std::string_view token_hash) = 0;
  // Records who signed in on the link and their ticket's digest, valid until `until`, in place
  // of any earlier one; false (nothing written) when the link is spent, expired at `now`, or
  // unknown.
  virtual bool admit_connect_approver(std::string_view token_hash, std::int64_t user_id,
                                      std::string_view ticket_hash, TimePoint until,
                                      TimePoint now) = 0;
  // Spends the link by itself, for an approval that changes no connection (already approved);
  // false (nothing written) unless the link is unspent, unexpired and the ticket is its
  // approver's, unexpired. An approval that changes a connection spends it in that change's
  // transaction instead (ConnectionChange::spends_link).
  virtual bool spend_connect_link(const LinkSpend& spend) = 0;
  // Links that expired before `cutoff`, spent or not, at most `limit`: housekeeping. How many.
  virtual std::size_t delete_connect_links_before(TimePoint cutoff, std::size_t limit) = 0;
};

}  // namespace canopy::store
