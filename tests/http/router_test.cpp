// Tests http::Router matching (literals, {params}, 404 vs 405, HEAD) and query/percent decoding.
#include <gtest/gtest.h>

#include <exception>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "http/router.hpp"

namespace canopy::http {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Handler named(std::string name) {
  return [name](RequestContext&) -> asio::awaitable<Response> {
    co_return Response{200, "text/plain", name, {}};
  };
}

// Runs a matched handler to completion and returns its body: which route matched.
std::string run(const Handler& handler, RequestContext& ctx) {
  asio::io_context io;
  std::string body;
  std::exception_ptr error;
  asio::co_spawn(io, handler(ctx), [&](std::exception_ptr e, Response r) {
    error = e;
    body = r.body;
  });
  io.run();
  if (error) std::rethrow_exception(error);
  return body;
}

class RouterMatch : public ::testing::Test {
 protected:
  RouterMatch() {
    router_.add(Method::get, "/", named("root"));
    router_.add(Method::get, "/healthz", named("healthz"));
    router_.add(Method::get, "/api/v1/schools/{school}/apps", named("list-apps"));
    router_.add(Method::get, "/api/v1/schools/{school}/apps/{app}", named("get-app"));
    router_.add(Method::post, "/api/v1/schools/{school}/apps/{app}/approve", named("approve"));
    router_.add(Method::post, "/api/v1/session", named("sign-in"));
    router_.add(Method::del, "/api/v1/session", named("sign-out"));
  }

  Router::Match match(Method method, std::string path) {
    ctx_ = RequestContext{};
    ctx_.method = method;
    ctx_.path = std::move(path);
    return router_.match(ctx_);
  }

  // Expects a match and returns the name of the route.
  std::string route(Method method, std::string path) {
    const auto m = match(method, path);
    if (m.handler == nullptr) {
      ADD_FAILURE() << to_string(method) << " " << path << " matched nothing";
      return "";
    }
    return run(*m.handler, ctx_);
  }

  void expect_not_found(Method method, std::string path) {
    const auto m = match(method, path);
    EXPECT_EQ(m.handler, nullptr) << path;
    EXPECT_TRUE(m.allowed.empty()) << path;
  }

  Router router_;
  RequestContext ctx_;
};

TEST_F(RouterMatch, AFilteredOutRouteIsAbsentNot405) {
  const RouteFilter no_session = [](std::string_view p) { return p != "/api/v1/session"; };
  ctx_ = RequestContext{};
  ctx_.method = Method::post;
  ctx_.path = "/api/v1/%73ession";  // the filter goes by the route, not by the spelling
  const auto m = router_.match(ctx_, &no_session);
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_TRUE(m.allowed.empty()) << "the path does not exist for this listener";
  ctx_.path = "/healthz";
  ctx_.method = Method::get;
  EXPECT_NE(router_.match(ctx_, &no_session).handler, nullptr);
}

TEST_F(RouterMatch, Literal) {
  EXPECT_EQ(route(Method::get, "/healthz"), "healthz");
  EXPECT_TRUE(ctx_.params.empty());
  EXPECT_EQ(route(Method::get, "/"), "root");
  EXPECT_EQ(route(Method::post, "/api/v1/session"), "sign-in");
  EXPECT_EQ(route(Method::del, "/api/v1/session"), "sign-out");
}

TEST_F(RouterMatch, ParamsAreExtracted) {
  EXPECT_EQ(route(Method::get, "/api/v1/schools/oakfield-primary/apps/wonde"), "get-app");
  ASSERT_EQ(ctx_.params.size(), 2u);
  EXPECT_EQ(ctx_.params[0].first, "school");
  EXPECT_EQ(ctx_.params[0].second, "oakfield-primary");
  EXPECT_EQ(ctx_.params[1].first, "app");
  EXPECT_EQ(ctx_.params[1].second, "wonde");
  EXPECT_EQ(ctx_.param("school"), "oakfield-primary");
  EXPECT_EQ(ctx_.param("app"), "wonde");
  EXPECT_EQ(ctx_.param("missing"), "");

  EXPECT_EQ(route(Method::get, "/api/v1/schools/riverside/apps"), "list-apps");
  ASSERT_EQ(ctx_.params.size(), 1u);
  EXPECT_EQ(ctx_.param("school"), "riverside");
}

TEST_F(RouterMatch, ParamsAreReplacedOnEachMatch) {
  ctx_.params.emplace_back("stale", "value");
  RequestContext ctx;
  ctx.method = Method::get;
  ctx.path = "/api/v1/schools/a/apps";
  ctx.params.emplace_back("stale", "value");
  const auto m = router_.match(ctx);
  ASSERT_NE(m.handler, nullptr);
  ASSERT_EQ(ctx.params.size(), 1u);
  EXPECT_EQ(ctx.param("school"), "a");
  EXPECT_EQ(ctx.param("stale"), "");
}

TEST_F(RouterMatch, ParamSegmentsArePercentDecoded) {
  EXPECT_EQ(route(Method::get, "/api/v1/schools/oak%20field/apps/a%2Fb"), "get-app");
  EXPECT_EQ(ctx_.param("school"), "oak field");
  EXPECT_EQ(ctx_.param("app"), "a/b");  // an escaped '/' stays inside its segment
  // '+' is a space only in queries.
  EXPECT_EQ(route(Method::get, "/api/v1/schools/a+b/apps"), "list-apps");
  EXPECT_EQ(ctx_.param("school"), "a+b");
}

TEST_F(RouterMatch, MalformedEscapeInThePathMatchesNothing) {
  expect_not_found(Method::get, "/api/v1/schools/%zz/apps");
  expect_not_found(Method::get, "/api/v1/schools/oak/apps/%4");
}

TEST_F(RouterMatch, WrongMethodIs405WithAllowedMethods) {
  auto m = match(Method::post, "/healthz");
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_EQ(m.allowed, std::vector<Method>{Method::get});

  m = match(Method::get, "/api/v1/session");
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_EQ(m.allowed, (std::vector<Method>{Method::post, Method::del}));

  m = match(Method::get, "/api/v1/schools/oak/apps/wonde/approve");
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_EQ(m.allowed, std::vector<Method>{Method::post});

  m = match(Method::put, "/api/v1/schools/oak/apps/wonde");
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_EQ(m.allowed, std::vector<Method>{Method::get});
}

TEST_F(RouterMatch, AllowedMethodsAreListedOnce) {
  router_.add(Method::get, "/twice", named("a"));
  router_.add(Method::get, "/twice", named("b"));
  const auto m = match(Method::post, "/twice");
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_EQ(m.allowed, std::vector<Method>{Method::get});
  // The first route added wins.
  EXPECT_EQ(route(Method::get, "/twice"), "a");
}

TEST_F(RouterMatch, NoMatchIs404) {
  expect_not_found(Method::get, "/nope");
  expect_not_found(Method::get, "/api/v1");
  expect_not_found(Method::get, "/api/v1/schools");
  expect_not_found(Method::get, "/api/v1/schools/oak/apps/wonde/extra/segments");
  expect_not_found(Method::get, "/HEALTHZ");
  expect_not_found(Method::get, "healthz");  // not a path
  expect_not_found(Method::get, "");
}

TEST_F(RouterMatch, HeadMatchesGetRoutes) {
  EXPECT_EQ(route(Method::head, "/healthz"), "healthz");
  EXPECT_EQ(route(Method::head, "/api/v1/schools/oak/apps/wonde"), "get-app");
  EXPECT_EQ(ctx_.param("app"), "wonde");
  // But not POST routes.
  const auto m = match(Method::head, "/api/v1/session");
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_EQ(m.allowed, (std::vector<Method>{Method::post, Method::del}));
}

TEST_F(RouterMatch, TrailingSlashDoesNotMatch) {
  expect_not_found(Method::get, "/healthz/");
  expect_not_found(Method::get, "/api/v1/schools/oak/apps/");
  expect_not_found(Method::get, "/api/v1/schools/oak/apps/wonde/");
  expect_not_found(Method::post, "/api/v1/session/");
}

TEST_F(RouterMatch, EmptyParamDoesNotMatch) {
  expect_not_found(Method::get, "/api/v1/schools//apps");
  expect_not_found(Method::get, "/api/v1/schools//apps/wonde");
}

TEST_F(RouterMatch, DoubleSlashIsNotRoot) {
  expect_not_found(Method::get, "//");
  expect_not_found(Method::get, "//healthz");
}

TEST(RouterAdd, PatternMustStartWithASlash) {
  Router router;
  EXPECT_THROW(router.add(Method::get, "healthz", named("x")), std::invalid_argument);
  EXPECT_THROW(router.add(Method::get, "", named("x")), std::invalid_argument);
}

TEST(RouterMethod, Names) {
  EXPECT_EQ(to_string(Method::get), "GET");
  EXPECT_EQ(to_string(Method::head), "HEAD");
  EXPECT_EQ(to_string(Method::post), "POST");
  EXPECT_EQ(to_string(Method::del), "DELETE");
  EXPECT_EQ(to_string(Method::options), "OPTIONS");
}

TEST(QueryParse, PairsInOrder) {
  Pairs out;
  ASSERT_TRUE(parse_query("a=1&b=x%20y&a=2", out));
  EXPECT_EQ(out, (Pairs{{"a", "1"}, {"b", "x y"}, {"a", "2"}}));
}

TEST(QueryParse, PlusIsASpace) {
  Pairs out;
  ASSERT_TRUE(parse_query("q=oak+field&r=%2B1", out));
  EXPECT_EQ(out, (Pairs{{"q", "oak field"}, {"r", "+1"}}));
}

TEST(QueryParse, KeysWithoutValuesAndEmptyParts) {
  Pairs out;
  ASSERT_TRUE(parse_query("&&flag&x=&y=a=b&", out));
  EXPECT_EQ(out, (Pairs{{"flag", ""}, {"x", ""}, {"y", "a=b"}}));
  Pairs none;
  ASSERT_TRUE(parse_query("", none));
  EXPECT_TRUE(none.empty());
}

TEST(QueryParse, EncodedKeys) {
  Pairs out;
  ASSERT_TRUE(parse_query("status%5B%5D=pending", out));
  EXPECT_EQ(out, (Pairs{{"status[]", "pending"}}));
}

TEST(QueryParse, MalformedEscapesAreRefused) {
  for (std::string_view raw :
       {"a=%4", "a=%zz", "a=%", "%4=1", "%zz=1", "a=1&b=%g0", "a=%%41", "a=%4 "}) {
    Pairs out;
    EXPECT_FALSE(parse_query(raw, out)) << raw;
  }
}

TEST(QueryPercentDecode, Valid) {
  std::string out;
  ASSERT_TRUE(percent_decode("%41%62c", out, false));
  EXPECT_EQ(out, "Abc");
  ASSERT_TRUE(percent_decode("a%2fb%2Fc", out, false));
  EXPECT_EQ(out, "a/b/c");
  ASSERT_TRUE(percent_decode("a+b", out, false));
  EXPECT_EQ(out, "a+b");
  ASSERT_TRUE(percent_decode("a+b", out, true));
  EXPECT_EQ(out, "a b");
  ASSERT_TRUE(percent_decode("", out, true));
  EXPECT_EQ(out, "");
  ASSERT_TRUE(percent_decode("%25", out, false));
  EXPECT_EQ(out, "%");
  ASSERT_TRUE(percent_decode("%E2%9C%93", out, false));
  EXPECT_EQ(out, "\xE2\x9C\x93");
}

TEST(QueryPercentDecode, ReplacesPreviousOutput) {
  std::string out = "stale";
  ASSERT_TRUE(percent_decode("x", out, false));
  EXPECT_EQ(out, "x");
}

TEST(QueryPercentDecode, MalformedEscapes) {
  for (std::string_view in : {"%4", "%zz", "%", "%%", "abc%", "abc%4", "%4g", "%g4", "% 4"}) {
    std::string out;
    EXPECT_FALSE(percent_decode(in, out, false)) << '"' << in << '"';
  }
}

TEST(QueryContext, Helpers) {
  RequestContext ctx;
  ctx.query = {{"status", "pending"}, {"status", "approved"}};
  ctx.headers = {{"content-type", "application/json"}};
  ASSERT_NE(ctx.query_param("status"), nullptr);
  EXPECT_EQ(*ctx.query_param("status"), "pending");
  EXPECT_EQ(ctx.query_param("missing"), nullptr);
  EXPECT_EQ(ctx.header("content-type"), "application/json");
  EXPECT_EQ(ctx.header("accept"), "");
}

}  // namespace
}  // namespace canopy::http
