// Ids from outside (path segments, query parameters, JSON fields) are checked against the one
// grammar (core/id.hpp) here, before anything is looked up: a string that passes has exactly
// one spelling, so caches, audit records and SQL never see a variant of a stored id.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "http/request.hpp"
#include "http/router.hpp"

namespace canopy::api {

// A rule for every path parameter the API's patterns use: {school}, {app}, {trust}, {site}
// (ids; 404 with the route's unknown_* code otherwise), {user} (an email, lower-cased first)
// and {id} (a positive number).
std::vector<http::ParamRule> path_param_rules();

// `value`, which the request gave as `name` (a query parameter or JSON field), if it is an id;
// 400 invalid_value otherwise.
Status check_id(std::string_view name, std::string_view value);

// Lower-cases `text` and tells whether it is then an email as stored.
bool canonical_email(std::string& text);

}  // namespace canopy::api
