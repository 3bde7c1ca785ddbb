// The one progress line of the command line tools.
#include "main/progress.hpp"

#include <unistd.h>

#include <algorithm>

namespace canopy::cli {

Progress::Progress(std::ostream& out, bool terminal, std::string verb, std::string unit)
    : out_(out), terminal_(terminal), verb_(std::move(verb)), unit_(std::move(unit)) {}

Progress::~Progress() {
  finish();
}

void Progress::update(std::int64_t done, std::int64_t total) {
  if (!terminal_) return;
  // The total can be an estimate (rows counted before the walk): never show more than 100%.
  total = std::max(total, done);
  const int percent = total == 0 ? 100 : static_cast<int>(done * 100 / total);
  if (percent == shown_percent_ && done != total) return;
  shown_percent_ = percent;
  out_ << "\r  " << verb_ << ' ' << with_separators(done) << " / " << with_separators(total) << ' '
       << unit_ << " (" << percent << "%)" << std::flush;
  drawn_ = true;
}

void Progress::update(std::int64_t done) {
  if (!terminal_) return;
  out_ << "\r  " << verb_ << ' ' << with_separators(done) << ' ' << unit_ << std::flush;
  drawn_ = true;
}

void Progress::finish() {
  if (!drawn_) return;
  out_ << '\n' << std::flush;
  drawn_ = false;
  shown_percent_ = -1;
}

bool Progress::stderr_is_terminal() {
  return isatty(STDERR_FILENO) != 0;
}

std::string with_separators(std::int64_t n) {
  const std::string digits = std::to_string(n);
  if (n < 0) return digits;  // counts are never negative
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace canopy::cli
