// The one place where Canopy's error codes become HTTP statuses.
#pragma once

#include "core/result.hpp"
#include "http/request.hpp"

namespace canopy::api {

unsigned http_status(Errc code);
http::Response error_response(const Error& error);

// A response, or the error that becomes one.
http::Response respond(Result<http::Response> result);

}  // namespace canopy::api
