// Running the `canopy` executable (or any shell command) from a test: exit code and output.
#pragma once

#include <filesystem>
#include <string>

namespace canopy::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// The file's whole content ("" when it cannot be read).
std::string slurp(const std::filesystem::path& file);
// `s` as one single-quoted shell word.
std::string quote(const std::string& s);
// Runs `command` through the shell with stdout and stderr sent to files in `dir` (so neither is
// a terminal) and returns what they got.
CommandResult run_command(const std::string& command, const std::filesystem::path& dir);

}  // namespace canopy::testing
