// A log sink that collects lines in memory and writes them in blocks: the access log costs a
// copy per request instead of a write(2). Lines reach the file descriptor when the buffer is
// full, on every flush (serve flushes every second and at once on warnings and errors, which
// takes every earlier line along, in order) and when the sink is destroyed.
#pragma once

#include <mutex>
#include <string>

#include <spdlog/sinks/base_sink.h>

namespace canopy::cli {

class BufferedFdSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit BufferedFdSink(int fd, std::size_t capacity = 64 * 1024);
  ~BufferedFdSink() override;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override;

 private:
  int fd_;
  std::size_t capacity_;
  std::string buffer_;
};

}  // namespace canopy::cli
