// The alternative connection's links: made by partners.
#include "consent/connect_links.hpp"

#include <algorithm>

#include "auth/crypto.hpp"
#include "consent/service.hpp"

namespace canopy::consent {

Result<NewConnectLink> ConnectLinks::create(const policy::App& app, std::string_view school_id,
                                            std::string_view redirect_uri, std::string_view state) {
  if (!app.alternative_connection) {
    return make_error(Errc::alternative_connection_not_offered,
                      app.name +
                          " does not offer the alternative connection: ask the school "
                          "for a connection instead (POST /partner/v1/connection-requests)");
  }
  if (app.competitor || !app.live) return not_connectable(app);
  if (!redirect_uri.empty() && std::find(app.redirect_uris.begin(), app.redirect_uris.end(),
                                         redirect_uri) == app.redirect_uris.end()) {
    return make_error(Errc::redirect_uri_not_registered,
                      "redirect_uri must be exactly one of the URIs registered for " + app.name +
                          " in its policy");
  }
  if (state.size() > 500 || !std::all_of(state.begin(), state.end(),
                                         [](unsigned char c) { return c > 0x20 && c < 0x7f; })) {
    return make_error(Errc::invalid_value,
                      "state must be at most 500 printable ASCII characters, without spaces");
  }
  const auto school = directory_.find_site(school_id);
  if (!school || school->kind != SiteKind::school)
    return make_error(Errc::unknown_school, "no school '" + std::string(school_id) + "'");

  const std::string token = auth::random_token();
  const TimePoint now = clock_.now();
  NewConnectLink out{config_.public_url + "/connect#" + token,
                     store::ConnectLink{.token_hash = auth::digest_hex(token),
                                        .app_id = app.id,
                                        .school_id = school->id,
                                        .redirect_uri = std::string(redirect_uri),
                                        .state = std::string(state),
                                        .created_at = now,
                                        .expires_at = now + config_.lifetime}};
  links_.create_connect_link(out.link);
  return out;
}

}  // namespace canopy::consent
