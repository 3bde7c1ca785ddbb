// Strict JSON request bodies: an object with exactly the fields a route takes, each of the
// right type. Anything else is refused with a stable code before any work is done.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "http/request.hpp"

namespace canopy::api {

enum class JsonType { string, boolean, integer, array };

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

// A page of a newest-first list: at most `limit` items, older than the item `before` (an id).
struct PageQuery {
  std::size_t limit = 0;
  std::optional<std::int64_t> before;
};
inline constexpr std::size_t kMaxPageLimit = 100;

// Reads the optional `limit` (1 to 100) and `before` (a positive id) query parameters;
// check_query must have run first.
Result<PageQuery> page_query(const http::RequestContext& ctx, std::size_t default_limit);

// Free text one party writes for another to read (a reject's note, a deletion attestation's):
// the body's optional string `field`, trimmed of surrounding blanks, at most kMaxNoteBytes, no
// control character but the line feed; "" when absent, invalid_value otherwise.
inline constexpr std::size_t kMaxNoteBytes = 500;
Result<std::string> plain_note(const nlohmann::json& body, std::string_view field);

// A positive decimal id, as sent in a path or query; nullopt for anything else.
std::optional<std::int64_t> parse_id(std::string_view text);

// Text the service did not write (a user agent, an address) may be invalid UTF-8: it is sent
// with U+FFFD in place of the bad bytes rather than failing the response.
http::Response json_response(unsigned status, const nlohmann::json& body);

}  // namespace canopy::api
