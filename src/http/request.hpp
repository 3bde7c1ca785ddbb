// What handlers see of HTTP: a request context and a response, free of Beast types.
// A context lives for one request; its header views point into the connection's storage.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/asio.hpp"

namespace canopy::http {

enum class Method { get, head, post, put, patch, del, options, other };
std::string_view to_string(Method m);

struct RequestContext {
  Method method = Method::get;
  std::string path;  // as sent, without the query; the router decodes each segment
  std::vector<std::pair<std::string, std::string>> query;              // decoded, in order
  std::vector<std::pair<std::string_view, std::string_view>> headers;  // as received
  std::vector<std::pair<std::string_view, std::string>> params;        // from the route pattern
  std::string body;
  std::string remote_address;
  std::string request_id;  // always the server's own: logs and audit records trust it
  // What the client sent as X-Request-Id, when it is 1 to 128 printable ASCII characters (no
  // spaces); empty otherwise. Kept beside request_id for correlation, never instead of it.
  std::string client_request_id;
  // What the access log and the metrics say of the request: the route it reached (its place
  // in the router's table; kNoRoute when none), who made it (a user id, "app:<id>" or
  // "gateway") and which school it was about, once a handler knows them (validated ids only).
  static constexpr std::size_t kNoRoute = static_cast<std::size_t>(-1);
  std::size_t route = kNoRoute;
  std::string actor;
  std::string school;

  // The first field of that name (any case); empty when absent.
  std::string_view header(std::string_view name) const;
  const std::string* query_param(std::string_view name) const;
  std::string_view param(std::string_view name) const;

  // Empties it for the next request on the same connection, keeping what it has allocated
  // (and the remote address).
  void reset_for_next_request();
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

using Handler = std::function<asio::awaitable<Response>(RequestContext&)>;

// ASCII case-insensitive equality: header names, tokens in header values.
bool iequals(std::string_view a, std::string_view b);

// Splits "a=1&b=x%20y" into decoded pairs; false on a malformed escape.
bool parse_query(std::string_view raw, std::vector<std::pair<std::string, std::string>>& out);
// Percent-decoding; '+' is a space only in queries.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space);

}  // namespace canopy::http
