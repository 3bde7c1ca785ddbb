#include "support/spec_statuses.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>

namespace canopy::testing {
namespace {

// "GET /api/v1/schools/{school}/apps 404"
std::set<std::string>& seen() {
  static std::set<std::string> s;
  return s;
}
std::mutex& seen_mutex() {
  static std::mutex m;
  return m;
}

// Routes that are not the JSON API (the browser UI's page and bundles): the spec leaves them out.
bool outside_the_spec(const std::string& route) {
  return route == "/" || route == "/assets/{asset}";
}

class SpecStatuses : public ::testing::Environment {
 public:
  void TearDown() override {
    std::set<std::string> observed;
    {
      std::lock_guard lock(seen_mutex());
      observed = seen();
    }
    if (observed.empty()) return;
    const YAML::Node spec = YAML::LoadFile(std::string(CANOPY_SOURCE_DIR) + "/docs/openapi.yaml");
    for (const auto& entry : observed) {
      std::istringstream in(entry);
      std::string method, route, status;
      in >> method >> route >> status;
      std::string lower = method;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      const YAML::Node op = spec["paths"][route][lower];
      if (!op) {
        ADD_FAILURE() << method << " " << route << " answered " << status
                      << ", and docs/openapi.yaml has no such operation";
        continue;
      }
      const YAML::Node responses = op["responses"];
      const std::string range = status.substr(0, 1) + "XX";
      if (!responses[status] && !responses[range] && !responses["default"]) {
        ADD_FAILURE() << method << " " << route << " answered " << status
                      << ", which its entry in docs/openapi.yaml does not list";
      }
    }
  }
};

[[maybe_unused]] ::testing::Environment* const kRegistered =
    ::testing::AddGlobalTestEnvironment(new SpecStatuses);

}  // namespace

void record_statuses(const std::string& metrics_text) {
  static const std::regex sample(
      R"re(^canopy_http_requests_total\{listener="[a-z]+",method="([A-Z]+)",route="([^"]+)",status="([0-9a-z]+)"\} ([0-9]+)$)re");
  std::istringstream in(metrics_text);
  std::lock_guard lock(seen_mutex());
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, sample)) continue;
    const std::string route = m[2];
    if (route == "unmatched" || outside_the_spec(route)) continue;
    seen().insert(std::string(m[1]) + " " + route + " " + std::string(m[3]));
  }
}

}  // namespace canopy::testing
