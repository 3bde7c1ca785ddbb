// Strict reading of YAML files: every problem is reported as "file:line: message", unknown keys
// are refused, and reading goes on after an error so one run lists every problem in a file.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace canopy::policy {

class YamlReader {
 public:
  YamlReader(std::filesystem::path file, std::vector<std::string>& errors)
      : file_(std::move(file)), errors_(&errors) {}

  // Parses the file; on a syntax error records it and returns nullopt.
  std::optional<YAML::Node> load();

  const std::filesystem::path& file() const { return file_; }
  // The bytes load() parsed (empty before, or when the file could not be read).
  const std::string& text() const { return text_; }
  void error(const YAML::Node& at, std::string_view message);
  void error_at_line(int line, std::string_view message);

  // Checks that `node` is a map, refuses keys outside `allowed`, reports missing `required` keys.
  bool check_map(const YAML::Node& node, std::string_view what,
                 std::initializer_list<std::string_view> required,
                 std::initializer_list<std::string_view> optional = {});
  bool check_sequence(const YAML::Node& node, std::string_view what);

  // Typed scalars under `key` of a map already checked; nullopt (with an error) when the
  // value has the wrong type, nullopt (silently) when the key is absent.
  std::optional<std::string> string(const YAML::Node& map, std::string_view key);
  std::optional<bool> boolean(const YAML::Node& map, std::string_view key);
  std::optional<std::int64_t> integer(const YAML::Node& map, std::string_view key);
  std::optional<std::vector<std::string>> string_list(const YAML::Node& map, std::string_view key);

  // An empty document has no position; report it at line 1.
  static int line_of(const YAML::Node& node) { return std::max(node.Mark().line, 0) + 1; }

 private:
  std::filesystem::path file_;
  std::string text_;
  std::vector<std::string>* errors_;
};

// Lists *.yaml files directly in `dir` (sorted), or records an error when it is not a directory.
std::vector<std::filesystem::path> yaml_files_in(const std::filesystem::path& dir,
                                                 std::vector<std::string>& errors);

}  // namespace canopy::policy
