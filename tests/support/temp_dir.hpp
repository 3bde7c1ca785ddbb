// A fresh directory under /tmp for one test, removed afterwards.
#pragma once

#include <filesystem>
#include <string_view>

namespace canopy::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `text` to path()/relative, creating directories; returns the full path.
  std::filesystem::path write(std::string_view relative, std::string_view text) const;

 private:
  std::filesystem::path path_;
};

}  // namespace canopy::testing
