// The alternative connection's page: open a link, admit its approver, approve.
#include "consent/connect_approvals.hpp"

#include <algorithm>

#include "auth/crypto.hpp"

namespace canopy::consent {
namespace {

// A link's token is auth::random_token(): 43 characters of unpadded base64url. Anything else
// names no link, and is refused before the store is asked.
bool token_shaped(std::string_view token) {
  return token.size() == 43 && std::all_of(token.begin(), token.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '-' || c == '_';
         });
}

// Percent-encodes everything but RFC 3986's unreserved characters.
std::string query_value(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

Error sign_in_again() {
  return make_error(Errc::connect_sign_in_expired,
                    "Your sign-in on this page has expired: sign in again to approve");
}

}  // namespace

std::optional<store::ConnectLink> ConnectApprovals::find(std::string_view token) {
  if (!token_shaped(token)) return std::nullopt;
  return links_.find_connect_link(auth::digest_hex(token));
}

namespace {

// Whether `ticket` is the one the link's latest sign-in was given, and still lasts at `now`.
bool holds_ticket(const store::ConnectLink& link, std::string_view ticket, TimePoint now) {
  return !link.approver_ticket_hash.empty() && link.approver_user_id && link.approver_until &&
         *link.approver_until > now &&
         auth::constant_time_equal(auth::digest_hex(ticket), link.approver_ticket_hash);
}

}  // namespace

Result<OpenedLink> ConnectApprovals::open(std::string_view token) {
  return usable(find(token));
}

Result<OpenedLink> ConnectApprovals::usable(std::optional<store::ConnectLink> link) {
  const auto unknown = make_error(Errc::connect_link_unknown,
                                  "This link is not valid: check that you opened the whole link, "
                                  "or ask the app for a new one");
  if (!link) return unknown;
  if (link->used_at) {
    return make_error(Errc::connect_link_used,
                      "This link has been used already: each link approves once. Ask the app "
                      "for a new one, or see the app under Approved apps in Partner Apps");
  }
  if (link->expires_at <= clock_.now()) {
    return make_error(Errc::connect_link_expired,
                      "This link has expired: ask the app for a new one");
  }
  auto app = consent_.app(link->app_id);
  if (!app) return unknown;  // the app left the catalogue: its links lead nowhere
  if (!(*app)->alternative_connection) {
    return make_error(Errc::alternative_connection_not_offered,
                      (*app)->name +
                          " no longer offers the alternative connection: approve its "
                          "request from Partner Apps instead");
  }
  if ((*app)->competitor || !(*app)->live) return not_connectable(**app);
  // The operator withdrew the address the link sends the browser back to: it goes nowhere now.
  const auto& uris = (*app)->redirect_uris;
  if (!link->redirect_uri.empty() &&
      std::find(uris.begin(), uris.end(), link->redirect_uri) == uris.end()) {
    return make_error(Errc::connect_link_expired,
                      "This link returns to an address " + (*app)->name +
                          " no longer has registered: ask the app for a new link");
  }
  auto school = consent_.school(link->school_id);
  if (!school) return unknown;
  return OpenedLink{std::move(*link), *app, std::move(*school)};
}

Result<tenancy::Actor> ConnectApprovals::approver(const User& user, const Site& school) {
  return tenancy::resolve_link_approver(user, school, policies_.current(), [&] {
    return tenancy::TrustUserAtSchool{
        .signed_in = trusts_.first_school_visit(user.id, school.id).has_value(),
        .terms_accepted =
            trusts_.find_terms_acceptance(user.id, school.id, school.terms.version).has_value()};
  });
}

Result<AdmittedApprover> ConnectApprovals::admit(std::string_view token, const User& user) {
  auto opened = open(token);
  if (!opened) return opened.error();
  auto actor = approver(user, opened->school);
  if (!actor) return actor.error();
  const TimePoint now = clock_.now();
  const TimePoint until = std::min(now + ticket_lifetime_, opened->link.expires_at);
  std::string ticket = auth::random_token();
  // Spent or expired since it was opened a moment ago: say which.
  if (!links_.admit_connect_approver(opened->link.token_hash, user.id, auth::digest_hex(ticket),
                                     until, now)) {
    auto again = open(token);
    return again ? make_error(Errc::connect_link_used, "This link has just been used")
                 : again.error();
  }
  auto connection = consent_.connection(opened->school.id, opened->app->id);
  return AdmittedApprover{
      .opened = std::move(*opened),
      .actor = std::move(*actor),
      .ticket = std::move(ticket),
      .ticket_expires_at = until,
      .connection = connection ? std::optional(std::move(*connection)) : std::nullopt};
}

std::optional<LinkApproved> ConnectApprovals::approved_by(store::ConnectLink& link,
                                                          std::string_view ticket) {
  if (!link.used_at || !holds_ticket(link, ticket, clock_.now())) return std::nullopt;
  const auto user = directory_.find_user(*link.approver_user_id);
  if (!user || user->email != link.used_by) return std::nullopt;
  auto app = consent_.app(link.app_id);
  auto school = consent_.school(link.school_id);
  if (!app || !school) return std::nullopt;
  auto connection = consent_.connection(school->id, (*app)->id);
  if (!connection || connection->status != ConnectionStatus::approved) return std::nullopt;
  tenancy::Actor actor;
  actor.user_id = user->id;
  actor.email = user->email;
  actor.school_id = school->id;
  return LinkApproved{OpenedLink{std::move(link), *app, std::move(*school)}, std::move(actor),
                      std::move(*connection), false};
}

std::optional<Result<LinkApproved>> ConnectApprovals::approve_once(std::string_view token,
                                                                   std::string_view ticket,
                                                                   const Consent& consent,
                                                                   RequestIds ids) {
  auto found = find(token);
  if (found) {
    if (auto again = approved_by(*found, ticket)) return std::move(*again);
  }
  auto opened = usable(std::move(found));
  if (!opened) return opened.error();
  const store::ConnectLink& link = opened->link;
  const TimePoint now = clock_.now();
  if (!holds_ticket(link, ticket, now)) return sign_in_again();
  const auto user = directory_.find_user(*link.approver_user_id);
  if (!user || user->disabled) return sign_in_again();
  // Checked again: roles, terms and the user's sign-in method may have changed since.
  auto actor = approver(*user, opened->school);
  if (!actor) return actor.error();
  if (opened->school.dummy && !consent.dummy_site_confirmed)
    return dummy_site_warning(opened->school);
  // What the user consents to is what the page showed them, not a set reloaded since.
  const int current = opened->app->permissions.version();
  if (consent.permission_set_version && *consent.permission_set_version != current) {
    return make_error(Errc::permissions_changed,
                      opened->app->name +
                          " has changed what it asks for since this page showed "
                          "it (now version " +
                          std::to_string(current) + "): sign in again to review it");
  }

  const store::LinkSpend spend{.token_hash = link.token_hash,
                               .ticket_hash = link.approver_ticket_hash,
                               .used_by = user->email,
                               .at = now};
  auto approval = consent_.approve_through_link(*actor, *opened->app, spend, ids);
  if (!approval) return std::nullopt;
  // Approved already: nothing to write but the link's use.
  if (!approval->changed && !links_.spend_connect_link(spend)) return std::nullopt;
  return LinkApproved{std::move(*opened), std::move(*actor), std::move(approval->connection),
                      approval->changed};
}

std::string ConnectApprovals::return_url(const store::ConnectLink& link, std::string_view outcome) {
  if (link.redirect_uri.empty()) return "";
  std::string url = link.redirect_uri;
  url += link.redirect_uri.find('?') == std::string::npos ? '?' : '&';
  url += "outcome=" + query_value(outcome) + "&school=" + query_value(link.school_id);
  if (!link.state.empty()) url += "&state=" + query_value(link.state);
  return url;
}

}  // namespace canopy::consent
