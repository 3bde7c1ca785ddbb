// docs/openapi.yaml and the router name the same routes: a route added without its spec entry,
// or a spec entry whose route is gone or spelt otherwise (a path parameter's name included),
// fails here, so the spec clients generate from never drifts from the server.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <string>

#include "api/backend.hpp"

namespace canopy::testing {
namespace {

// Routes that are not the JSON API: the browser UI's page and its bundles.
const std::set<std::string> kNotInTheSpec = {"GET /", "GET /assets/{asset}"};

std::set<std::string> spec_routes() {
  const YAML::Node spec = YAML::LoadFile(std::string(CANOPY_SOURCE_DIR) + "/docs/openapi.yaml");
  std::set<std::string> out;
  for (const auto& path : spec["paths"]) {
    for (const auto& op : path.second) {
      std::string method = op.first.as<std::string>();
      if (method == "parameters" || method == "summary" || method == "description") continue;
      std::transform(method.begin(), method.end(), method.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      out.insert(method + " " + path.first.as<std::string>());
    }
  }
  return out;
}

std::set<std::string> router_routes(const http::Router& router) {
  std::set<std::string> out;
  for (const auto& r : router.routes()) {
    auto route = std::string(http::to_string(r.method)) + " " + std::string(r.pattern);
    if (!kNotInTheSpec.contains(route)) out.insert(std::move(route));
  }
  return out;
}

std::vector<std::string> minus(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

TEST(OpenApiRoutes, EveryRouteIsInTheSpecAndEverySpecRouteIsARoute) {
  TestApp t{kBackend};
  const auto routes = router_routes(t.app().router());
  const auto spec = spec_routes();
  ASSERT_GT(routes.size(), 20u);
  EXPECT_EQ(minus(routes, spec), std::vector<std::string>{}) << "routes the spec does not list";
  EXPECT_EQ(minus(spec, routes), std::vector<std::string>{}) << "spec entries no route answers";
  // The routes the test leaves out are still there: the exclusion list cannot go stale.
  std::set<std::string> all;
  for (const auto& r : t.app().router().routes())
    all.insert(std::string(http::to_string(r.method)) + " " + std::string(r.pattern));
  for (const auto& r : kNotInTheSpec)
    EXPECT_TRUE(all.contains(r)) << r;
}

}  // namespace
}  // namespace canopy::testing
