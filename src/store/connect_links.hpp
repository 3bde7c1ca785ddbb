// The alternative connection's one-time links: a partner makes one for a school, and a school
// user who opens it signs in with MIS credentials and approves. The store keeps only the token's
// digest; a link is spent once, by the approval, in that approval's transaction.
#pragma once

#include <cstddef>
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
};

class ConnectLinkStore {
 public:
  virtual ~ConnectLinkStore() = default;
  // A new link; its token_hash is new (it digests 256 random bits).
  virtual void create_connect_link(const ConnectLink& link) = 0;
  virtual std::optional<ConnectLink> find_connect_link(std::string_view token_hash) = 0;
  // Links that expired before `cutoff`, spent or not, at most `limit`: housekeeping. How many.
  virtual std::size_t delete_connect_links_before(TimePoint cutoff, std::size_t limit) = 0;
};

}  // namespace canopy::store
