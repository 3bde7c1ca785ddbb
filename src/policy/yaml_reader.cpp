// Strict YAML reading shared by policies, tenants and configuration.
#include "policy/yaml_reader.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace canopy::policy {

std::optional<YAML::Node> YamlReader::load() {
  std::ifstream in(file_, std::ios::binary);
  std::ostringstream bytes;
  if (in) bytes << in.rdbuf();  // an empty file copies nothing, and is read all the same
  if (!in || in.bad()) {
    errors_->push_back(file_.string() + ": cannot be read");
    return std::nullopt;
  }
  text_ = std::move(bytes).str();
  try {
    return YAML::Load(text_);
  } catch (const YAML::Exception& e) {
    error_at_line(e.mark.line + 1, e.msg);
  }
  return std::nullopt;
}

void YamlReader::error(const YAML::Node& at, std::string_view message) {
  error_at_line(line_of(at), message);
}

void YamlReader::error_at_line(int line, std::string_view message) {
  errors_->push_back(file_.string() + ":" + std::to_string(line) + ": " + std::string(message));
}

bool YamlReader::check_map(const YAML::Node& node, std::string_view what,
                           std::initializer_list<std::string_view> required,
                           std::initializer_list<std::string_view> optional) {
  if (!node.IsMap()) {
    error(node, std::string(what) + " must be a mapping");
    return false;
  }
  bool ok = true;
  std::vector<std::string> seen;
  for (const auto& kv : node) {
    const auto key = kv.first.as<std::string>();
    // yaml-cpp keeps the first of two equal keys; most readers of a diff would take the last.
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      error(kv.first, "key '" + key + "' is given twice in " + std::string(what));
      ok = false;
      continue;
    }
    seen.push_back(key);
    const auto known = [&](std::initializer_list<std::string_view> keys) {
      return std::find(keys.begin(), keys.end(), key) != keys.end();
    };
    if (!known(required) && !known(optional)) {
      error(kv.first, "unknown key '" + key + "' in " + std::string(what));
      ok = false;
    }
  }
  for (auto key : required) {
    if (!node[std::string(key)]) {
      error(node, std::string(what) + " is missing '" + std::string(key) + "'");
      ok = false;
    }
  }
  return ok;
}

bool YamlReader::check_sequence(const YAML::Node& node, std::string_view what) {
  if (node.IsSequence()) return true;
  error(node, std::string(what) + " must be a list");
  return false;
}

std::optional<std::string> YamlReader::string(const YAML::Node& map, std::string_view key) {
  const YAML::Node v = map[std::string(key)];
  if (!v) return std::nullopt;
  if (!v.IsScalar() || v.Scalar().empty()) {
    error(v, "'" + std::string(key) + "' must be a non-empty string");
    return std::nullopt;
  }
  return v.Scalar();
}

std::optional<bool> YamlReader::boolean(const YAML::Node& map, std::string_view key) {
  const YAML::Node v = map[std::string(key)];
  if (!v) return std::nullopt;
  if (v.IsScalar()) {
    const auto& s = v.Scalar();
    if (s == "true") return true;
    if (s == "false") return false;
  }
  error(v, "'" + std::string(key) + "' must be true or false");
  return std::nullopt;
}

std::optional<std::int64_t> YamlReader::integer(const YAML::Node& map, std::string_view key) {
  const YAML::Node v = map[std::string(key)];
  if (!v) return std::nullopt;
  std::int64_t out = 0;
  if (v.IsScalar() && YAML::convert<std::int64_t>::decode(v, out)) return out;
  error(v, "'" + std::string(key) + "' must be an integer");
  return std::nullopt;
}

std::optional<std::vector<std::string>> YamlReader::string_list(const YAML::Node& map,
                                                                std::string_view key) {
  const YAML::Node v = map[std::string(key)];
  if (!v) return std::nullopt;
  if (!v.IsSequence()) {
    error(v, "'" + std::string(key) + "' must be a list");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& item : v) {
    if (!item.IsScalar()) {
      error(item, "'" + std::string(key) + "' must list strings");
      return std::nullopt;
    }
    out.push_back(item.Scalar());
  }
  return out;
}

std::vector<std::filesystem::path> yaml_files_in(const std::filesystem::path& dir,
                                                 std::vector<std::string>& errors) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    errors.push_back(dir.string() + ": not a directory");
    return files;
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace canopy::policy
