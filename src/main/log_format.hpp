// How `canopy serve` writes its log: text for a person at a terminal, or one JSON object per
// line for a log pipeline (the default when stderr is not a terminal). Levels come from
// --log-level.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/formatter.h>

#include "http/access_log.hpp"

namespace canopy::cli {

// {"time":"2026-12-04T09:00:00.123Z","level":"info","message":"…"}: time in UTC. Lines of the
// access logger carry their own fields (already JSON) in place of the message.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

struct LogSettings {
  http::LogFormat format = http::LogFormat::text;
  std::string level = "info";  // trace, debug, info, warn, error
  bool buffered = false;       // lines leave in blocks (stderr is not a terminal)
};

// Sets up the default logger and the access logger on stderr.
void configure_logging(const LogSettings& settings);

// Writes `line` to stdout as one line of `format` (for `serve`'s banner): as it is for text, as a
// JSON object like every log line for JSON, so that a pipeline reading JSON reads every line.
void print_line(std::string_view line, http::LogFormat format);

}  // namespace canopy::cli
