// The browser UI (web/, embedded at build time): index.html at "/" and "/connect", and the bundles
// under /assets/. Every UI response keeps the page to itself: a strict Content-Security-Policy (no
// inline script or style, no framing) and no referrer to other sites; the server adds
// X-Content-Type-Options: nosniff to every response.
#include "api/errors.hpp"
#include "api/route_groups.hpp"
#include "web/assets.hpp"

namespace canopy::api {
namespace {

constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

http::Response serve(const web::Asset& asset) {
  http::Response r{200, std::string(asset.content_type), std::string(asset.body), {}};
  r.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  // A bundle's name changes with its content; index.html names the current ones.
  r.headers.emplace_back("Cache-Control",
                         asset.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  return r;
}

http::Response file(std::string_view path) {
  if (auto asset = web::find(path)) return serve(*asset);
  return error_response(make_error(Errc::not_found, "no such file"));
}

}  // namespace

void add_ui_routes(http::Router& router) {
  router.add(http::Method::get, "/",
             [](auto&) -> asio::awaitable<http::Response> { co_return file("/index.html"); });
  // The alternative connection's page: the same bundle, which reads the link from the URL's
  // fragment (never sent here).
  router.add(http::Method::get, "/connect",
             [](auto&) -> asio::awaitable<http::Response> { co_return file("/index.html"); });
  router.add(http::Method::get, "/assets/{asset}",
             [](auto& ctx) -> asio::awaitable<http::Response> {
               co_return file("/assets/" + std::string(ctx.param("asset")));
             });
}

}  // namespace canopy::api
