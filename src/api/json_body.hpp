// Strict JSON request bodies: an object with exactly the fields a route takes, each of the
// right type. Anything else is refused with a stable code before any work is done.
#pragma once

#include <initializer_list>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "http/request.hpp"

namespace canopy::api {

enum class JsonType { string, boolean, integer };

struct FieldSpec {
  std::string_view name;
  JsonType type;
  bool required = true;
};

// An empty body counts as {} (so POST .../approve needs no body at all).
Result<nlohmann::json> parse_body(const http::RequestContext& ctx,
                                  std::initializer_list<FieldSpec> fields);

// Refuses query parameters outside `allowed`; reports the first missing `required` one.
Status check_query(const http::RequestContext& ctx,
                   std::initializer_list<std::string_view> required,
                   std::initializer_list<std::string_view> optional = {});

http::Response json_response(unsigned status, const nlohmann::json& body);

}  // namespace canopy::api
