// `canopy serve --config FILE`: a flat YAML map from option names to values. The file sits
// between defaults and the environment: defaults < file < environment < command line.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace canopy::cli {

// Finds "--config FILE" or "--config=FILE" in argv; empty when absent.
std::filesystem::path find_config_argument(int argc, char** argv);

// Turns the file into command-line arguments for `command`. Refuses, with "file:line: message",
// unknown keys, keys naming secrets (they come only from the environment or files), lists and
// maps. Keys whose option's environment variable is set are skipped: the environment wins.
std::vector<std::string> config_file_arguments(const std::filesystem::path& file,
                                               const CLI::App& command,
                                               std::vector<std::string>& errors);

}  // namespace canopy::cli
