#include "http/access_log.hpp"

#include <spdlog/spdlog.h>

namespace canopy::http {
namespace {

struct AccessLog {
  std::shared_ptr<spdlog::logger> logger;
  LogFormat format = LogFormat::text;
};

AccessLog& access_log() {
  static AccessLog log;
  return log;
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out += ",\"";
  out += name;
  out += "\":";
  append_json_string(out, value);
}

}  // namespace

void configure_access_log(std::shared_ptr<spdlog::logger> logger, LogFormat format) {
  access_log() = {std::move(logger), format};
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c > 0x7e) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += ch;
    }
  }
  out += '"';
}

void log_access(const AccessRecord& r) {
  const auto& log = access_log();
  spdlog::logger& logger = log.logger ? *log.logger : *spdlog::default_logger_raw();
  if (!logger.should_log(spdlog::level::info)) return;
  if (log.format == LogFormat::text) {
    logger.info("rid={} {} {} {} {}us {}{}{}{}{}{}{}{}{}", r.request_id, r.method, r.path, r.status,
                r.micros, r.remote, r.route.empty() ? "" : " route=", r.route,
                r.actor.empty() ? "" : " actor=", r.actor,
                r.school.empty() ? "" : " school=", r.school,
                r.client_request_id.empty() ? "" : " client-rid=", r.client_request_id);
    return;
  }
  // The fields of one JSON object; the formatter adds time and level around them.
  std::string line = "\"message\":\"request\"";
  append_field(line, "request_id", r.request_id);
  append_field(line, "method", r.method);
  if (!r.route.empty()) append_field(line, "route", r.route);
  append_field(line, "path", r.path);
  line += ",\"status\":";
  line += std::to_string(r.status);
  line += ",\"latency_us\":";
  line += std::to_string(r.micros);
  append_field(line, "remote", r.remote);
  if (!r.actor.empty()) append_field(line, "actor", r.actor);
  if (!r.school.empty()) append_field(line, "school", r.school);
  if (!r.client_request_id.empty()) append_field(line, "client_request_id", r.client_request_id);
  logger.info(line);
}

}  // namespace canopy::http
