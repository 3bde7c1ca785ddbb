// Every status a route answers in a test must be one its docs/openapi.yaml entry lists (issue
// 11, point 7). TestApp hands each app's request counts (its /metrics series) to record() when
// it stops; when the test program ends, a global gtest environment compares every (method,
// route template, status) seen with the spec's responses and fails the program on one the spec
// does not list. CTest runs each test in its own process, so each test checks what it caused.
#pragma once

#include <string>

namespace canopy::testing {

// Takes the canopy_http_requests_total samples out of a /metrics text.
void record_statuses(const std::string& metrics_text);

}  // namespace canopy::testing
