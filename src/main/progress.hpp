// Progress of a long command, one line redrawn in place on a terminal ("\r  verified 1,234 /
// 19,000 records (6%)"), and nothing at all when the output is not a terminal (a log, a pipe).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace canopy::cli {

class Progress {
 public:
  // `terminal`: whether `out` is a terminal; pass stderr_is_terminal() for std::cerr.
  Progress(std::ostream& out, bool terminal, std::string verb, std::string unit);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Redraws the line when the whole percentage changes, and at the end.
  void update(std::int64_t done, std::int64_t total);
  // For work whose total is not known up front: redraws "<verb> <done> <unit>".
  void update(std::int64_t done);
  // Ends the line, if one was drawn, so what follows starts on a line of its own.
  void finish();

  static bool stderr_is_terminal();

 private:
  std::ostream& out_;
  const bool terminal_;
  const std::string verb_;
  const std::string unit_;
  int shown_percent_ = -1;
  bool drawn_ = false;
};

// 1234567 -> "1,234,567".
std::string with_separators(std::int64_t n);

}  // namespace canopy::cli
