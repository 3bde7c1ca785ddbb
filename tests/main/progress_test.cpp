// The progress line: drawn in place on a terminal, nothing at all otherwise.
#include <gtest/gtest.h>

#include <sstream>

#include "main/progress.hpp"

namespace canopy::cli {
namespace {

TEST(Progress, PrintsNothingWhenNotATerminal) {
  std::ostringstream out;
  {
    Progress p(out, false, "verified", "records");
    for (int i = 0; i <= 19000; i += 100)
      p.update(i, 19000);
    p.finish();
  }
  EXPECT_EQ(out.str(), "");
}

TEST(Progress, RedrawsOneLineOnATerminalWhenThePercentageMoves) {
  std::ostringstream out;
  Progress p(out, true, "verified", "records");
  p.update(1234, 19000);
  EXPECT_EQ(out.str(), "\r  verified 1,234 / 19,000 records (6%)");
  p.update(1300, 19000);  // still 6%: not redrawn
  EXPECT_EQ(out.str(), "\r  verified 1,234 / 19,000 records (6%)");
  p.update(19000, 19000);
  p.finish();
  EXPECT_EQ(out.str(),
            "\r  verified 1,234 / 19,000 records (6%)\r  verified 19,000 / 19,000 records "
            "(100%)\n");
  p.finish();  // once only
  EXPECT_EQ(out.str().back(), '\n');
  EXPECT_EQ(out.str().find("\n\n"), std::string::npos);
}

TEST(Progress, NeverShowsMoreThanTheWhole) {
  std::ostringstream out;
  Progress p(out, true, "imported", "items");
  p.update(12, 10);  // the total was an estimate
  EXPECT_EQ(out.str(), "\r  imported 12 / 12 items (100%)");
}

TEST(Progress, ThousandsSeparators) {
  EXPECT_EQ(with_separators(0), "0");
  EXPECT_EQ(with_separators(999), "999");
  EXPECT_EQ(with_separators(1000), "1,000");
  EXPECT_EQ(with_separators(1234567), "1,234,567");
}

}  // namespace
}  // namespace canopy::cli
