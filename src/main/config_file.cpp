// Reading the serve configuration file with the same strictness as policies and tenants.
#include "main/config_file.hpp"

#include <cstdlib>
#include <cstring>

#include "policy/yaml_reader.hpp"

namespace canopy::cli {

std::filesystem::path find_config_argument(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--config" && i + 1 < argc) return argv[i + 1];
    if (arg.starts_with("--config=")) return std::string(arg.substr(std::strlen("--config=")));
  }
  return {};
}

std::vector<std::string> config_file_arguments(const std::filesystem::path& file,
                                               const CLI::App& command,
                                               std::vector<std::string>& errors) {
  std::vector<std::string> args;
  policy::YamlReader r(file, errors);
  auto root = r.load();
  if (!root) return args;
  if (root->IsNull()) return args;  // an empty file configures nothing
  if (!root->IsMap()) {
    r.error(*root, "the configuration must be a mapping of option names to values");
    return args;
  }
  std::vector<std::string> seen;
  for (const auto& kv : *root) {
    const std::string key = kv.first.as<std::string>();
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      r.error(kv.first, "key '" + key + "' is given twice");
      continue;
    }
    seen.push_back(key);
    const CLI::Option* option = key == "config" ? nullptr : command.get_option_no_throw("--" + key);
    // No option takes a secret's value (only *-file options point to one), so an unknown key
    // that names a secret gets the reason it is refused.
    if (option == nullptr &&
        (key.find("password") != std::string::npos || key.find("token") != std::string::npos ||
         key.find("secret") != std::string::npos || key.find("mac-key") != std::string::npos)) {
      r.error(
          kv.first,
          "'" + key + "' is a secret: set it in the environment or point to a file, never here");
      continue;
    }
    if (option == nullptr) {
      r.error(kv.first, "unknown key '" + key +
                            "' (keys are `canopy serve` option names without the dashes)");
      continue;
    }
    if (!kv.second.IsScalar()) {
      r.error(kv.second, "'" + key + "' takes a single value");
      continue;
    }
    if (const auto& env = option->get_envname();
        !env.empty() && std::getenv(env.c_str()) != nullptr)
      continue;
    const std::string value = kv.second.Scalar();
    if (option->get_expected_min() == 0) {  // a flag
      if (value == "true") {
        args.push_back("--" + key);
      } else if (value != "false") {
        r.error(kv.second, "'" + key + "' is a flag: true or false");
      }
      continue;
    }
    args.push_back("--" + key);
    args.push_back(value);
  }
  return args;
}

}  // namespace canopy::cli
