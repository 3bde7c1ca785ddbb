// Canopy's error codes: one stable, documented string per failure a caller can see.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace canopy {

enum class Errc {
  // Malformed requests.
  bad_request,
  malformed_json,
  duplicate_key,  // a JSON object names one key twice: which one counts is not for us to guess
  unknown_field,
  missing_field,
  wrong_type,
  invalid_value,
  unknown_parameter,
  missing_parameter,
  body_too_large,
  headers_too_large,
  unsupported_media_type,
  // Who is asking.
  unauthenticated,
  invalid_credentials,
  too_many_attempts,  // sign-in throttled (by address or account); never says which, or "locked"
  csrf_token_invalid,
  forbidden,
  terms_not_accepted,
  // What they ask about.
  not_found,
  method_not_allowed,
  unknown_school,
  unknown_app,
  connection_not_found,
  unknown_trust,
  unknown_site,
  unknown_user,
  unknown_notification,
  // Domain rules.
  invalid_transition,
  request_rejected,
  application_not_live,
  competitor_not_connectable,
  concurrent_change,
  terms_changed,
  dummy_site_not_confirmed,  // an approve on a dummy (migration) site, without its confirmation
  site_already_live,         // go-live of a school that is not a dummy site
  alternative_connection_not_offered,  // a connect link for an app whose policy does not allow it
  redirect_uri_not_registered,  // a connect link's redirect_uri is not one the app registered
  // The alternative connection's page (a link a partner sent a school user).
  connect_link_unknown,       // no such link (or not a link at all)
  connect_link_expired,       // the link's time ran out before it was used
  connect_link_used,          // an approval spent the link already
  connect_link_other_school,  // the user signed in belongs to neither the link's school nor its
                              // trust
  connect_sign_in_expired,    // the approval's ticket is too old, or not the link's approver's
  permissions_changed,        // the app's set changed between what the user was shown and now
  no_credentials,             // email or password left empty
  not_authorised_for_school,  // a school user without the permission to administer its apps
  approve_from_partner_apps,  // a user who signs in to the MIS only by SSO or two-step verification
  trust_requirements_not_met,  // a trust user missing one of the MAT requirements (Error::missing)
  // Bulk requests.
  invalid_items,                // the batch was refused; the body lists each item's error
  duplicate_item,               // an item names a (school, app) an earlier item of the batch names
  idempotency_key_reused,       // the key came before with another request body
  idempotency_key_in_progress,  // the first request with the key has not finished
  // The service itself.
  too_many_connections,
  unavailable,
  internal,
};

std::string_view to_string(Errc code);

// A backend (database, cache) is unavailable. Thrown, not returned: no input causes it, and
// the request boundary turns it into 503 "unavailable" with nothing half-applied.
class UnavailableError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Terms and conditions a caller has to accept before the refused request can succeed.
struct TermsToAccept {
  std::string site;
  int version = 0;
  std::string title;
};

struct Error {
  Errc code;
  std::string message;
  std::vector<TermsToAccept> terms;  // with Errc::terms_not_accepted only
  // With Errc::trust_requirements_not_met only: what the trust user lacks, by stable name
  // (permission, signed_in_to_school, terms_accepted).
  std::vector<std::string> missing;
};

inline Error make_error(Errc code, std::string message) {
  return Error{code, std::move(message)};
}

}  // namespace canopy
