// Path parameter rules and id checks for queries and bodies.
#include "api/edge.hpp"

#include <algorithm>
#include <cctype>

#include "api/errors.hpp"
#include "api/json_body.hpp"
#include "core/id.hpp"

namespace canopy::api {
namespace {

http::ParamRule id_rule(std::string name, Errc unknown, std::string message) {
  return {std::move(name), [](std::string& text) { return is_id(text); },
          [unknown, message = std::move(message)] {
            return error_response(make_error(unknown, message));
          }};
}

}  // namespace

std::vector<http::ParamRule> path_param_rules() {
  // The refusal never echoes the segment: it is hostile until it has matched the grammar.
  std::vector<http::ParamRule> rules{
      id_rule("school", Errc::unknown_school, "no school has that id"),
      id_rule("app", Errc::unknown_app, "no app has that id"),
      id_rule("trust", Errc::unknown_trust, "no trust has that id"),
      id_rule("site", Errc::unknown_site, "no site has that id"),
  };
  rules.push_back(
      {"user", canonical_email,
       [] { return error_response(make_error(Errc::unknown_user, "no user has that email")); }});
  // A bundle's file name: what web/build.mjs writes (name-HASH.ext).
  rules.push_back({"asset",
                   [](std::string& text) {
                     return !text.empty() && text.size() <= 128 &&
                            std::all_of(text.begin(), text.end(),
                                        [](char c) {
                                          return std::isalnum(static_cast<unsigned char>(c)) ||
                                                 c == '-' || c == '_' || c == '.';
                                        }) &&
                            text.front() != '.';
                   },
                   [] { return error_response(make_error(Errc::not_found, "no such file")); }});
  // A partner event's id: what consent/events.cpp makes ("msg_" and base64url).
  rules.push_back(
      {"event",
       [](std::string& text) {
         return text.size() > 4 && text.size() <= 64 && text.starts_with("msg_") &&
                std::all_of(text.begin() + 4, text.end(), [](char c) {
                  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
                });
       },
       [] { return error_response(make_error(Errc::not_found, "no partner event has that id")); }});
  rules.push_back({"notification", [](std::string& text) { return parse_id(text).has_value(); },
                   [] {
                     return error_response(
                         make_error(Errc::unknown_notification, "no notification has that id"));
                   }});
  return rules;
}

Status check_id(std::string_view name, std::string_view value) {
  if (is_id(value)) return {};
  return make_error(
      Errc::invalid_value,
      std::string(name) + " must be an id: 1 to 64 lower-case letters, digits, '-' and '_'");
}

bool canonical_email(std::string& text) {
  std::transform(text.begin(), text.end(), text.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return is_email(text);
}

}  // namespace canopy::api
