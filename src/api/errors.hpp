// The one place where Canopy's error codes become HTTP statuses.
#pragma once

#include "core/error.hpp"
#include "http/request.hpp"

namespace canopy::api {

unsigned http_status(Errc code);
http::Response error_response(const Error& error);

}  // namespace canopy::api
