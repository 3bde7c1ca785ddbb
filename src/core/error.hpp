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
};

inline Error make_error(Errc code, std::string message) {
  return Error{code, std::move(message)};
}

}  // namespace canopy
