// Body and query validation.
#include "api/json_body.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace canopy::api {
namespace {

bool has_type(const nlohmann::json& v, JsonType t) {
  switch (t) {
    case JsonType::string:
      return v.is_string();
    case JsonType::boolean:
      return v.is_boolean();
    case JsonType::integer:
      return v.is_number_integer();
    case JsonType::array:
      return v.is_array();
  }
  return false;
}

std::string_view type_name(JsonType t) {
  switch (t) {
    case JsonType::string:
      return "a string";
    case JsonType::boolean:
      return "true or false";
    case JsonType::integer:
      return "an integer";
    case JsonType::array:
      return "an array";
  }
  return "a value";
}

bool is_json_content_type(std::string_view ct) {
  const auto semi = ct.find(';');
  std::string base(ct.substr(0, semi));
  while (!base.empty() && base.back() == ' ')
    base.pop_back();
  std::transform(base.begin(), base.end(), base.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return base == "application/json";
}

// Parses `text`; sets `duplicate` to the first key an object names twice. RFC 8259 leaves
// duplicate names to each parser: one that keeps the first and one that keeps the last would
// read two different requests from the same bytes, so Canopy reads neither.
nlohmann::json parse_strict(std::string_view text, std::optional<std::string>& duplicate) {
  // A set per open object: a hostile body of many keys must not cost quadratic time.
  std::vector<std::set<std::string, std::less<>>> open_objects;
  const auto check = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    if (event == E::object_start) {
      open_objects.emplace_back();
    } else if (event == E::object_end) {
      open_objects.pop_back();
    } else if (event == E::key && !open_objects.empty()) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (!open_objects.back().insert(key).second && !duplicate) duplicate = key.substr(0, 64);
    }
    return true;
  };
  return nlohmann::json::parse(text, check, /*allow_exceptions=*/false);
}

}  // namespace

Result<nlohmann::json> parse_body(const http::RequestContext& ctx,
                                  std::initializer_list<FieldSpec> fields) {
  nlohmann::json body = nlohmann::json::object();
  if (!ctx.body.empty()) {
    if (!is_json_content_type(ctx.header("content-type"))) {
      return make_error(Errc::unsupported_media_type, "send the body as application/json");
    }
    std::optional<std::string> duplicate;
    body = parse_strict(ctx.body, duplicate);
    if (body.is_discarded()) return make_error(Errc::malformed_json, "the body is not valid JSON");
    if (duplicate) {
      return make_error(Errc::duplicate_key,
                        "the body names '" + *duplicate + "' twice in one object; send it once");
    }
    if (!body.is_object()) return make_error(Errc::wrong_type, "the body must be a JSON object");
  }
  for (const auto& [key, value] : body.items()) {
    const auto spec = std::find_if(fields.begin(), fields.end(),
                                   [&](const FieldSpec& f) { return f.name == key; });
    if (spec == fields.end()) {
      return make_error(Errc::unknown_field, "'" + key + "' is not a field this request takes");
    }
    if (!has_type(value, spec->type)) {
      return make_error(Errc::wrong_type,
                        "'" + key + "' must be " + std::string(type_name(spec->type)));
    }
  }
  for (const auto& f : fields) {
    if (f.required && !body.contains(f.name)) {
      return make_error(Errc::missing_field, "'" + std::string(f.name) + "' is required");
    }
  }
  return body;
}

Status check_query(const http::RequestContext& ctx,
                   std::initializer_list<std::string_view> required,
                   std::initializer_list<std::string_view> optional) {
  const auto in = [](std::initializer_list<std::string_view> list, std::string_view k) {
    return std::find(list.begin(), list.end(), k) != list.end();
  };
  for (std::size_t i = 0; i < ctx.query.size(); ++i) {
    const auto& key = ctx.query[i].first;
    if (!in(required, key) && !in(optional, key)) {
      return make_error(Errc::unknown_parameter,
                        "'" + key + "' is not a parameter this request takes");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (ctx.query[j].first == key)
        return make_error(Errc::invalid_value, "'" + key + "' is given twice");
    }
  }
  for (auto r : required) {
    const auto* v = ctx.query_param(r);
    if (v == nullptr || v->empty()) {
      return make_error(Errc::missing_parameter, "'" + std::string(r) + "' is required");
    }
  }
  return {};
}

std::optional<std::int64_t> parse_id(std::string_view text) {
  // At most 18 digits: always fits in int64 without overflow checks.
  if (text.empty() || text.size() > 18 || text.front() == '0') return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

Result<PageQuery> page_query(const http::RequestContext& ctx, std::size_t default_limit) {
  PageQuery page{default_limit, std::nullopt};
  if (const auto* text = ctx.query_param("limit")) {
    const auto limit = parse_id(*text);
    if (!limit || *limit > static_cast<std::int64_t>(kMaxPageLimit)) {
      return make_error(Errc::invalid_value,
                        "limit must be a whole number from 1 to " + std::to_string(kMaxPageLimit));
    }
    page.limit = static_cast<std::size_t>(*limit);
  }
  if (const auto* text = ctx.query_param("before")) {
    page.before = parse_id(*text);
    if (!page.before) {
      return make_error(Errc::invalid_value,
                        "before must be the id of an item from the previous page");
    }
  }
  return page;
}

http::Response json_response(unsigned status, const nlohmann::json& body) {
  return http::Response{status,
                        "application/json",
                        body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                        {}};
}

Result<std::string> plain_note(const nlohmann::json& body, std::string_view field) {
  const auto it = body.find(field);
  if (it == body.end()) return std::string();
  const auto& text = it->get_ref<const std::string&>();
  const auto first = text.find_first_not_of(" \t\r\n");
  std::string note = first == std::string::npos
                         ? ""
                         : text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
  const std::string name(field);
  if (note.size() > kMaxNoteBytes) {
    return make_error(Errc::invalid_value,
                      name + " must be at most " + std::to_string(kMaxNoteBytes) + " bytes");
  }
  if (std::any_of(note.begin(), note.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\n') || u == 0x7f;
      })) {
    return make_error(Errc::invalid_value,
                      name + " must be plain text: no control characters but line breaks");
  }
  return note;
}

}  // namespace canopy::api
