// How a Response becomes bytes on the wire: the headers every response carries, the JSON error
// body every failure uses, and the request id each response is stamped with.
#pragma once

#include <string>
#include <string_view>

#include "http/request.hpp"

namespace canopy::http {

// The JSON error body every failure uses: {"code": "...", "message": "..."}.
Response error_response(unsigned status, std::string_view code, std::string_view message);

// The bytes of a response, with the headers every response carries (Server, X-Request-Id,
// Cache-Control: no-store, X-Content-Type-Options: nosniff, Content-Length, Connection).
// A header name or value holding CR, LF or NUL is refused: returns false and writes nothing.
bool serialize_response(const Response& response, std::string_view request_id, bool keep_alive,
                        int request_version, bool head, std::string& out);

// A new request id: 16 hex digits from a per-thread generator. It names a request in the logs
// and the audit trail; it guards nothing, so it need not be unpredictable.
std::string new_request_id();

}  // namespace canopy::http
