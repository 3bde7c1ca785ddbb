// The alternative connection, the school's half: the page a partner's link opens
// (<public URL>/connect#<token>). Anyone holding the link sees which app asks to connect to
// which school; a school user signs in there with MIS email and password (checked by
// auth::SessionService like any sign-in), is checked against the help article's
// requirements (tenancy::resolve_link_approver) and given a short-lived ticket; with it they
// approve, which spends the link in the approval's own transaction. Blocking (store): run on
// the blocking pool; the approval itself goes through Changes::approve_through_link.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "consent/service.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "policy/live.hpp"
#include "store/store.hpp"
#include "tenancy/actor.hpp"

namespace canopy::consent {

// A link as its page shows it before anyone signs in.
struct OpenedLink {
  store::ConnectLink link;
  const policy::App* app = nullptr;  // never null
  Site school;
};

// A user who signed in on a link and may approve through it.
struct AdmittedApprover {
  OpenedLink opened;
  tenancy::Actor actor;
  std::string ticket;  // for approve(); only its digest is stored, on the link
  TimePoint ticket_expires_at;
  std::optional<store::Connection> connection;  // the school's connection to the app, if any
};

// An approval through a link, committed.
struct LinkApproved {
  OpenedLink opened;
  tenancy::Actor actor;  // who approved
  store::Connection connection;
  bool changed = true;  // false: approved at the app's current permission set already
};

class ConnectApprovals {
 public:
  ConnectApprovals(store::ConnectLinkStore& links, store::DirectoryStore& directory,
                   store::TrustStore& trusts, Service& consent,
                   const policy::LivePolicies& policies, const Clock& clock,
                   std::chrono::seconds ticket_lifetime = std::chrono::minutes(15))
      : links_(links),
        directory_(directory),
        trusts_(trusts),
        consent_(consent),
        policies_(policies),
        clock_(clock),
        ticket_lifetime_(ticket_lifetime) {}

  // The link whose token is `token` (as in its URL's fragment), while it can still be used.
  // connect_link_unknown (no such link, or not a token at all), connect_link_expired,
  // connect_link_used; alternative_connection_not_offered, application_not_live or
  // competitor_not_connectable when the app's policy changed since the link was made.
  Result<OpenedLink> open(std::string_view token);

  // `user` gave the right password on the link's page (auth::SessionService::
  // check_credentials). The refusals of open(), then of tenancy::resolve_link_approver; else
  // a new ticket, in place of any earlier one on the link.
  Result<AdmittedApprover> admit(std::string_view token, const User& user);

  // What the user who approves saw and confirmed on the page.
  struct Consent {
    bool dummy_site_confirmed = false;
    // The version of the app's permission set the page showed (nullopt: not said).
    std::optional<int> permission_set_version;
  };

  // One attempt at committing the approval of the link's app by the holder of `ticket`, checked
  // again from the start (the link, the ticket, the user, the requirements, the dummy-site
  // confirmation): the refusals of admit(), connect_sign_in_expired (an old ticket, one
  // replaced by a later sign-in, or a user disabled since), dummy_site_not_confirmed,
  // permissions_changed (the app's set is no longer the version shown). The same ticket again
  // after its approval (an answer lost on the way) gets that approval back, unchanged, while
  // the ticket lasts and the app stays approved. nullopt when the connection moved or the link
  // was spent meanwhile and nothing was written: try again (the next attempt says why).
  std::optional<Result<LinkApproved>> approve_once(std::string_view token, std::string_view ticket,
                                                   const Consent& consent, RequestIds ids);

  // Where the browser goes back to: the link's redirect_uri with `outcome` (approved or
  // cancelled), the school and the partner's state as query parameters; "" without one.
  static std::string return_url(const store::ConnectLink& link, std::string_view outcome);

 private:
  // The link whose token is `token`, read once; nullopt for a token of the wrong shape too.
  std::optional<store::ConnectLink> find(std::string_view token);
  // open() of a link already read.
  Result<OpenedLink> usable(std::optional<store::ConnectLink> link);
  Result<tenancy::Actor> approver(const User& user, const Site& school);
  // The approval `ticket` made through `link` already, when it did and still stands (then
  // `link` is moved into the answer).
  std::optional<LinkApproved> approved_by(store::ConnectLink& link, std::string_view ticket);

  store::ConnectLinkStore& links_;
  store::DirectoryStore& directory_;
  store::TrustStore& trusts_;
  Service& consent_;
  const policy::LivePolicies& policies_;
  const Clock& clock_;
  std::chrono::seconds ticket_lifetime_;
};

}  // namespace canopy::consent
