#include "main/log_format.hpp"

#include <chrono>
#include <ctime>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "main/log_sink.hpp"

namespace canopy::cli {
namespace {

void append(spdlog::memory_buf_t& dest, std::string_view text) {
  dest.append(text.data(), text.data() + text.size());
}

void append_time(spdlog::memory_buf_t& dest, spdlog::log_clock::time_point t) {
  const auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(t);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(t - seconds).count();
  const std::time_t tt = std::chrono::system_clock::to_time_t(seconds);
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  char buf[40];
  const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  append(dest, std::string_view(buf, n));
  const auto ms = std::to_string(1000 + millis);  // "1" then three digits
  dest.push_back('.');
  append(dest, std::string_view(ms).substr(1));
  dest.push_back('Z');
}

}  // namespace

void JsonFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  append(dest, "{\"time\":\"");
  append_time(dest, msg.time);
  append(dest, "\",\"level\":\"");
  const auto level = spdlog::level::to_string_view(msg.level);
  append(dest, std::string_view(level.data(), level.size()));
  append(dest, "\",");
  const std::string_view payload(msg.payload.data(), msg.payload.size());
  const std::string_view logger(msg.logger_name.data(), msg.logger_name.size());
  if (logger == http::kAccessLoggerName) {
    append(dest, payload);
  } else {
    std::string escaped = "\"message\":";
    http::append_json_string(escaped, payload);
    append(dest, escaped);
  }
  append(dest, "}\n");
}

std::unique_ptr<spdlog::formatter> JsonFormatter::clone() const {
  return std::make_unique<JsonFormatter>();
}

void configure_logging(const LogSettings& settings) {
  spdlog::sink_ptr sink;
  if (settings.buffered) {
    sink = std::make_shared<BufferedFdSink>(2);
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  }
  const bool json = settings.format == http::LogFormat::json;
  if (json) {
    sink->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    sink->set_pattern(settings.buffered ? "%Y-%m-%dT%H:%M:%S.%e %l %v"
                                        : "%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  }
  const auto level = spdlog::level::from_str(settings.level);
  auto logger = std::make_shared<spdlog::logger>("canopy", sink);
  auto access = std::make_shared<spdlog::logger>(std::string(http::kAccessLoggerName), sink);
  for (auto& l : {logger, access}) {
    l->set_level(level);
    // Warnings and errors, and every line before them, are written at once.
    l->flush_on(settings.buffered ? spdlog::level::warn : spdlog::level::trace);
  }
  spdlog::set_default_logger(logger);
  http::configure_access_log(access, settings.format);
  if (settings.buffered) spdlog::flush_every(std::chrono::seconds(1));
}

void print_line(std::string_view line, http::LogFormat format) {
  auto sink = std::make_shared<spdlog::sinks::stdout_sink_st>();
  if (format == http::LogFormat::json) {
    sink->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    sink->set_pattern("%v");
  }
  spdlog::logger out("canopy", std::move(sink));
  out.info(line);
  out.flush();
}

}  // namespace canopy::cli
