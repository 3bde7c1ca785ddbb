// BufferedFdSink through a real logger and a pipe: lines wait in memory, leave in order on a
// flush, on a warning (taking the earlier lines along) and when the buffer fills.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "main/log_sink.hpp"

namespace canopy::cli {
namespace {

class LogSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::pipe(fds_), 0);
    ::fcntl(fds_[0], F_SETFL, O_NONBLOCK);
  }
  void TearDown() override {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  std::shared_ptr<spdlog::logger> logger(std::size_t capacity) {
    auto l = std::make_shared<spdlog::logger>("test",
                                              std::make_shared<BufferedFdSink>(fds_[1], capacity));
    l->set_pattern("%l %v");
    l->flush_on(spdlog::level::warn);
    return l;
  }
  std::string drain() {
    std::string out;
    char chunk[4096];
    for (;;) {
      const auto n = ::read(fds_[0], chunk, sizeof chunk);
      if (n <= 0) return out;
      out.append(chunk, static_cast<std::size_t>(n));
    }
  }
  int fds_[2] = {-1, -1};
};

TEST_F(LogSinkTest, LinesWaitUntilFlushedThenLeaveInOrder) {
  auto log = logger(64 * 1024);
  log->info("one");
  log->info("two");
  EXPECT_EQ(drain(), "");
  log->flush();
  EXPECT_EQ(drain(), "info one\ninfo two\n");
}

TEST_F(LogSinkTest, WarningTakesEarlierLinesAlong) {
  auto log = logger(64 * 1024);
  log->info("request");
  log->warn("trouble");
  EXPECT_EQ(drain(), "info request\nwarning trouble\n");
}

TEST_F(LogSinkTest, FullBufferIsWrittenBeforeItOverflows) {
  auto log = logger(32);
  log->info("0123456789");  // 16 bytes with level and newline
  log->info("abcdefghij");  // 32 bytes in all: still fits
  EXPECT_EQ(drain(), "");
  log->info("overflow");
  EXPECT_EQ(drain(), "info 0123456789\ninfo abcdefghij\n");
}

TEST_F(LogSinkTest, DestroyingTheSinkWritesWhatIsLeft) {
  logger(64 * 1024)->info("last words");
  EXPECT_EQ(drain(), "info last words\n");
}

}  // namespace
}  // namespace canopy::cli
