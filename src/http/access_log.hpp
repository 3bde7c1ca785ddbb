// The access log: one line per request, as text or as one JSON object, naming the route
// template, the status, the latency, who asked (actor) and about which school. Never a header,
// a query string or a body: tokens, passwords and cookies travel there.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace spdlog {
class logger;
}

namespace canopy::http {

enum class LogFormat { text, json };

// The name of the access log's logger: a JSON formatter writes its lines' fields as they are
// (they are JSON already) instead of as a message.
inline constexpr std::string_view kAccessLoggerName = "access";

struct AccessRecord {
  std::string_view request_id;
  std::string_view method;
  std::string_view route;  // the route template; empty when no route answered
  std::string_view path;   // as sent, without the query
  unsigned status = 0;
  std::int64_t micros = 0;
  std::string_view remote;
  std::string_view client_request_id;
  std::string_view actor;
  std::string_view school;
};

// Where request lines go (null: the default logger) and in which format. Call before serving.
void configure_access_log(std::shared_ptr<spdlog::logger> logger, LogFormat format);
void log_access(const AccessRecord& record);

// Appends `text` as a JSON string: quotes, backslash and control characters escaped, and each
// byte above 0x7E as \u00XX, so that whatever a client sent stays one valid line.
void append_json_string(std::string& out, std::string_view text);

}  // namespace canopy::http
