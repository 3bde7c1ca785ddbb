// Errc -> HTTP status.
#include "api/errors.hpp"

#include <nlohmann/json.hpp>

#include "http/server.hpp"

namespace canopy::api {

unsigned http_status(Errc code) {
  switch (code) {
    case Errc::bad_request:
    case Errc::malformed_json:
    case Errc::duplicate_key:
    case Errc::unknown_field:
    case Errc::missing_field:
    case Errc::wrong_type:
    case Errc::invalid_value:
    case Errc::redirect_uri_not_registered:
    case Errc::no_credentials:
    case Errc::unknown_parameter:
    case Errc::missing_parameter:
      return 400;
    case Errc::unauthenticated:
    case Errc::invalid_credentials:
    case Errc::connect_sign_in_expired:
      return 401;
    case Errc::csrf_token_invalid:
    case Errc::forbidden:
    case Errc::terms_not_accepted:
    case Errc::application_not_live:
    case Errc::competitor_not_connectable:
    case Errc::alternative_connection_not_offered:
    case Errc::connect_link_other_school:
    case Errc::not_authorised_for_school:
    case Errc::approve_from_partner_apps:
    case Errc::trust_requirements_not_met:
      return 403;
    case Errc::not_found:
    case Errc::unknown_school:
    case Errc::unknown_app:
    case Errc::connection_not_found:
    case Errc::unknown_trust:
    case Errc::unknown_site:
    case Errc::unknown_user:
    case Errc::unknown_notification:
    case Errc::connect_link_unknown:
      return 404;
    case Errc::method_not_allowed:
      return 405;
    case Errc::invalid_transition:
    case Errc::dummy_site_not_confirmed:
    case Errc::permissions_changed:
    case Errc::site_already_live:
    case Errc::request_rejected:
    case Errc::concurrent_change:
    case Errc::terms_changed:
    case Errc::duplicate_item:
    case Errc::idempotency_key_in_progress:
      return 409;
    case Errc::invalid_items:
    case Errc::idempotency_key_reused:
      return 422;
    case Errc::connect_link_expired:
    case Errc::connect_link_used:
      return 410;
    case Errc::body_too_large:
      return 413;
    case Errc::unsupported_media_type:
      return 415;
    case Errc::too_many_attempts:
      return 429;
    case Errc::headers_too_large:
      return 431;
    case Errc::internal:
      return 500;
    case Errc::too_many_connections:
    case Errc::unavailable:
      return 503;
  }
  return 500;
}

http::Response error_response(const Error& error) {
  auto r = http::error_response(http_status(error.code), to_string(error.code), error.message);
  if (!error.terms.empty()) {
    // The terms to accept travel with the refusal, so a client can show them at once.
    auto body = nlohmann::json::parse(r.body);
    auto& terms = body["terms"] = nlohmann::json::array();
    for (const auto& t : error.terms)
      terms.push_back({{"site", t.site}, {"version", t.version}, {"title", t.title}});
    r.body = body.dump();
  }
  if (!error.missing.empty()) {
    // What a trust user lacks, so the page can say each in its words.
    auto body = nlohmann::json::parse(r.body);
    body["missing"] = error.missing;
    r.body = body.dump();
  }
  // People's routes take a session token; sign-in itself answers 401 without a challenge.
  if (error.code == Errc::unauthenticated)
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"canopy\"");
  return r;
}

http::Response respond(Result<http::Response> result) {
  return result ? std::move(*result) : error_response(result.error());
}

}  // namespace canopy::api
