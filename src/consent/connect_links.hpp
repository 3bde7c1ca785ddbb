// The alternative connection, the partner's half: a partner whose app offers it makes a
// one-time link for a school, to send a school user. The link names the app and the school,
// expires, is spent by the approval it leads to, and may send the browser back to a redirect
// URI the app registered in policies (compared exactly), with the partner's `state`. Only the
// token's digest is stored. Blocking (store): run on the blocking pool.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"
#include "policy/snapshot.hpp"
#include "store/store.hpp"

namespace canopy::consent {

struct ConnectLinkConfig {
  std::chrono::seconds lifetime{std::chrono::hours(24)};
  // Where school users' browsers reach Canopy ("https://canopy.example.org"): links are this
  // plus "/connect#" and the token. The token goes in the fragment, which browsers send to no
  // server, keep out of Referer headers, and proxies and access logs never see.
  std::string public_url = "http://127.0.0.1:8080";
};

struct NewConnectLink {
  std::string url;  // the link to send the school user; the only place the token appears
  store::ConnectLink link;
};

class ConnectLinks {
 public:
  ConnectLinks(store::ConnectLinkStore& links, store::DirectoryStore& directory, const Clock& clock,
               ConnectLinkConfig config)
      : links_(links), directory_(directory), clock_(clock), config_(std::move(config)) {}

  // A partner `app` makes a link for `school_id`. Refusals: alternative_connection_not_offered
  // (the app's policy does not allow it), application_not_live, competitor_not_connectable,
  // unknown_school, redirect_uri_not_registered (not exactly one of the app's redirect_uris),
  // invalid_value (a state longer than 500 bytes or not printable ASCII).
  Result<NewConnectLink> create(const policy::App& app, std::string_view school_id,
                                std::string_view redirect_uri, std::string_view state);

 private:
  store::ConnectLinkStore& links_;
  store::DirectoryStore& directory_;
  const Clock& clock_;
  ConnectLinkConfig config_;
};

}  // namespace canopy::consent
