// Stable error code strings: clients match on these, so they never change once published.
#include "core/error.hpp"

namespace canopy {

std::string_view to_string(Errc code) {
  switch (code) {
    case Errc::bad_request:
      return "bad_request";
    case Errc::malformed_json:
      return "malformed_json";
    case Errc::duplicate_key:
      return "duplicate_key";
    case Errc::unknown_field:
      return "unknown_field";
    case Errc::missing_field:
      return "missing_field";
    case Errc::wrong_type:
      return "wrong_type";
    case Errc::invalid_value:
      return "invalid_value";
    case Errc::unknown_parameter:
      return "unknown_parameter";
    case Errc::missing_parameter:
      return "missing_parameter";
    case Errc::body_too_large:
      return "body_too_large";
    case Errc::headers_too_large:
      return "headers_too_large";
    case Errc::unsupported_media_type:
      return "unsupported_media_type";
    case Errc::unauthenticated:
      return "unauthenticated";
    case Errc::invalid_credentials:
      return "invalid_credentials";
    case Errc::too_many_attempts:
      return "too_many_attempts";
    case Errc::csrf_token_invalid:
      return "csrf_token_invalid";
    case Errc::forbidden:
      return "forbidden";
    case Errc::terms_not_accepted:
      return "terms_not_accepted";
    case Errc::not_found:
      return "not_found";
    case Errc::method_not_allowed:
      return "method_not_allowed";
    case Errc::unknown_school:
      return "unknown_school";
    case Errc::unknown_app:
      return "unknown_app";
    case Errc::connection_not_found:
      return "connection_not_found";
    case Errc::unknown_trust:
      return "unknown_trust";
    case Errc::unknown_site:
      return "unknown_site";
    case Errc::unknown_user:
      return "unknown_user";
    case Errc::unknown_notification:
      return "unknown_notification";
    case Errc::invalid_transition:
      return "invalid_transition";
    case Errc::dummy_site_not_confirmed:
      return "dummy_site_not_confirmed";
    case Errc::site_already_live:
      return "site_already_live";
    case Errc::alternative_connection_not_offered:
      return "alternative_connection_not_offered";
    case Errc::redirect_uri_not_registered:
      return "redirect_uri_not_registered";
    case Errc::request_rejected:
      return "request_rejected";
    case Errc::application_not_live:
      return "application_not_live";
    case Errc::competitor_not_connectable:
      return "competitor_not_connectable";
    case Errc::concurrent_change:
      return "concurrent_change";
    case Errc::terms_changed:
      return "terms_changed";
    case Errc::invalid_items:
      return "invalid_items";
    case Errc::duplicate_item:
      return "duplicate_item";
    case Errc::idempotency_key_reused:
      return "idempotency_key_reused";
    case Errc::idempotency_key_in_progress:
      return "idempotency_key_in_progress";
    case Errc::too_many_connections:
      return "too_many_connections";
    case Errc::unavailable:
      return "unavailable";
    case Errc::internal:
      return "internal";
  }
  return "internal";
}

}  // namespace canopy
