// Block writes to a file descriptor, retried on EINTR and short writes.
#include "main/log_sink.hpp"

#include <cerrno>

#include <unistd.h>

namespace canopy::cli {

BufferedFdSink::BufferedFdSink(int fd, std::size_t capacity) : fd_(fd), capacity_(capacity) {
  buffer_.reserve(capacity_);
}

BufferedFdSink::~BufferedFdSink() {
  std::lock_guard lock(mutex_);
  flush_();
}

void BufferedFdSink::sink_it_(const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t formatted;
  formatter_->format(msg, formatted);
  if (buffer_.size() + formatted.size() > capacity_) flush_();
  buffer_.append(formatted.data(), formatted.size());
}

void BufferedFdSink::flush_() {
  std::size_t done = 0;
  while (done < buffer_.size()) {
    const auto n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // nowhere to write to: the lines are dropped, never the process
    done += static_cast<std::size_t>(n);
  }
  buffer_.clear();
}

}  // namespace canopy::cli
