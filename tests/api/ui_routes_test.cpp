// The UI's files through real HTTP: index.html and the hashed bundles it names, the headers that
// keep the page to itself, and nothing else served from /assets/.
#include <gtest/gtest.h>

#include <regex>

#include "support/test_app.hpp"

namespace canopy::testing {
namespace {

constexpr char kPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

void expect_page_headers(const HttpResult& r) {
  EXPECT_EQ(r.header("content-security-policy"), kPolicy);
  EXPECT_EQ(r.header("x-frame-options"), "DENY");
  EXPECT_EQ(r.header("referrer-policy"), "same-origin");
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
}

TEST(UiRoutes, IndexIsNotCachedAndNamesBundlesThatAreCachedForGood) {
  TestApp app;
  auto index = app.client().get("/");
  ASSERT_EQ(index.status, 200u) << index.body;
  EXPECT_EQ(index.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.header("cache-control"), "no-cache");
  expect_page_headers(index);
  EXPECT_EQ(index.body.find("<script>"), std::string::npos) << "no inline script";
  EXPECT_EQ(index.body.find("<style"), std::string::npos) << "no inline style";

  const std::regex bundle("/assets/[A-Za-z0-9_-]+\\.(js|css)");
  int found = 0;
  for (auto it = std::sregex_iterator(index.body.begin(), index.body.end(), bundle);
       it != std::sregex_iterator(); ++it) {
    ++found;
    auto asset = app.client().get(it->str());
    ASSERT_EQ(asset.status, 200u) << it->str();
    EXPECT_EQ(asset.header("cache-control"), "public, max-age=31536000, immutable");
    expect_page_headers(asset);
    EXPECT_FALSE(asset.body.empty());
  }
#ifndef CANOPY_TEST_WITHOUT_WEB
  EXPECT_EQ(found, 2) << "one script and one stylesheet: " << index.body;
#endif
}

#ifndef CANOPY_TEST_WITHOUT_WEB
// Without an icon a browser asks for /favicon.ico, gets a 404 and logs it as an error.
TEST(UiRoutes, ThePageNamesItsIconAndTheIconIsServed) {
  TestApp app;
  const auto index = app.client().get("/");
  std::smatch icon;
  ASSERT_TRUE(std::regex_search(
      index.body, icon,
      std::regex(
          R"re(<link rel="icon" type="image/svg\+xml" href="(/assets/favicon-[0-9a-f]+\.svg)">)re")))
      << index.body;
  const auto svg = app.client().get(icon[1].str());
  ASSERT_EQ(svg.status, 200u) << icon[1].str();
  EXPECT_EQ(svg.header("content-type"), "image/svg+xml");
  EXPECT_EQ(svg.header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(svg.body.rfind("<svg", 0), 0u);
}
#endif

TEST(UiRoutes, OnlyTheBuiltFilesAreServed) {
  TestApp app;
  for (const char* target :
       {"/assets/nothing-here.js", "/assets/..%2Findex.html", "/assets/.hidden",
        "/assets/index.html", "/index.html", "/assets/a%00.js"}) {
    auto r = app.client().get(target);
    EXPECT_EQ(r.status, 404u) << target << ": " << r.body;
  }
  // The API keeps its own headers: not cached.
  EXPECT_EQ(app.client().get("/healthz").header("cache-control"), "no-store");
}

}  // namespace
}  // namespace canopy::testing
