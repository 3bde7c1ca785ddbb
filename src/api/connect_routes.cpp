// The alternative connection's page (consent/connect_approvals.hpp), for a school user holding
// a link a partner sent: POST /api/v1/connect/link (what the link is for), /sign-in (MIS email
// and password, answered with a ticket) and /approve. No session: the link's token travels in
// the body, never in a URL, so access logs and proxies do not see it.
#include "api/credentials.hpp"
#include "api/errors.hpp"
#include "api/json_body.hpp"
#include "api/route_groups.hpp"
#include "api/views.hpp"

namespace canopy::api {
namespace {

// A token is 43 characters; anything much longer is not worth a look.
constexpr std::size_t kMaxToken = 64;

nlohmann::json nullable(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

nlohmann::json link_view(const consent::OpenedLink& opened) {
  const auto& app = *opened.app;
  return {
      {"app",
       {{"id", app.id},
        {"name", app.name},
        {"company", app.vendor},
        {"kind", to_string(app.kind)}}},
      {"school",
       {{"id", opened.school.id}, {"name", opened.school.name}, {"dummy", opened.school.dummy}}},
      {"expires_at", format_rfc3339(opened.link.expires_at)},
      {"return_url", nullable(consent::ConnectApprovals::return_url(opened.link, "cancelled"))}};
}

// The link's token as sent; anything far too long is no token, and opens no link (refused as
// every other unknown link is).
std::string link_of(const nlohmann::json& body) {
  std::string link = body["link"];
  if (link.size() > kMaxToken) link.clear();
  return link;
}

asio::awaitable<http::Response> open_link(http::RequestContext& ctx, ConnectRoutes& g) {
  auto body = parse_body(ctx, {{"link", JsonType::string}});
  if (!body) co_return error_response(body.error());
  auto link = link_of(*body);
  co_return respond(co_await on_pool(g.edge, [&]() -> Result<http::Response> {
    auto opened = g.approvals.open(link);
    if (!opened) return opened.error();
    return json_response(200, link_view(*opened));
  }));
}

asio::awaitable<http::Response> sign_in(http::RequestContext& ctx, ConnectRoutes& g) {
  auto body = parse_body(
      ctx,
      {{"link", JsonType::string}, {"email", JsonType::string}, {"password", JsonType::string}});
  if (!body) co_return error_response(body.error());
  auto link = link_of(*body);
  const std::string email = (*body)["email"];
  const std::string password = (*body)["password"];
  // A dead link first: there is nothing to sign in for, and a password is never asked for
  // without a live link, so this page probes no more than sign-in does.
  auto opened = co_await on_pool(g.edge, [&]() -> Result<http::Response> {
    auto o = g.approvals.open(link);
    if (!o) return o.error();
    return http::Response{};
  });
  if (!opened) co_return error_response(opened.error());
  if (email.empty() || password.empty())
    co_return error_response(make_error(Errc::no_credentials, "No credentials"));
  if (email.size() > 254 || password.size() > 1024) {
    co_return error_response(make_error(Errc::invalid_value, "email or password is too long"));
  }
  auto checked = co_await check_credentials(ctx, {g.edge, g.hashing, g.metrics}, email, password,
                                            /*open_session=*/false);
  if (auto* refused = std::get_if<http::Response>(&checked)) {
    // The help article's words, not sign-in's: the page shows them as they are.
    if (refused->status == 401) {
      co_return error_response(make_error(Errc::invalid_credentials, "Invalid credentials"));
    }
    co_return std::move(*refused);
  }
  const auto& in = std::get<auth::SignedIn>(checked);
  auto r = respond(co_await on_pool(g.edge, [&]() -> Result<http::Response> {
    auto admitted = g.approvals.admit(link, in.user);
    if (!admitted) return admitted.error();
    const auto& a = *admitted;
    const auto* c = a.connection ? &*a.connection : nullptr;
    return json_response(200, {{"ticket", a.ticket},
                               {"ticket_expires_at", format_rfc3339(a.ticket_expires_at)},
                               {"user", user_view(in.user)},
                               {"acting",
                                {{"site", a.actor.acting_site},
                                 {"role", a.actor.role},
                                 {"via_trust", a.actor.via_trust}}},
                               {"detail", connection_detail(c, *a.opened.app, a.opened.school)},
                               {"return_url", nullable(consent::ConnectApprovals::return_url(
                                                  a.opened.link, "cancelled"))}});
  }));
  // The password was right, whatever else was refused: the browser has proved itself.
  add_device_cookies(r, g.secure_cookies, in.device_cookie, g.device_lifetime);
  r.headers.emplace_back("Cache-Control", "no-store");
  co_return r;
}

asio::awaitable<http::Response> approve(http::RequestContext& ctx, ConnectRoutes& g) {
  auto body = parse_body(ctx, {{"link", JsonType::string},
                               {"ticket", JsonType::string},
                               {"confirm_dummy_site", JsonType::boolean, false},
                               {"permission_set_version", JsonType::integer, false}});
  if (!body) co_return error_response(body.error());
  auto link = link_of(*body);
  std::string ticket = (*body)["ticket"];
  if (ticket.size() > kMaxToken) ticket.clear();  // never a ticket: refused as one
  consent::ConnectApprovals::Consent consent{.dummy_site_confirmed =
                                                 body->value("confirm_dummy_site", false)};
  if (body->contains("permission_set_version")) {
    const auto& version = (*body)["permission_set_version"];  // an integer: parse_body says so
    if (version.get<std::int64_t>() < 1 || version.get<std::int64_t>() > 1'000'000) {
      co_return error_response(
          make_error(Errc::invalid_value, "permission_set_version must be a version number"));
    }
    consent.permission_set_version = version.get<int>();
  }
  auto approved =
      co_await g.changes.approve_through_link(g.approvals, std::move(link), std::move(ticket),
                                              consent, {ctx.request_id, ctx.client_request_id});
  if (!approved) co_return error_response(approved.error());
  const auto& a = *approved;
  ctx.actor = "user:" + std::to_string(a.actor.user_id);
  co_return json_response(
      200,
      {{"outcome", "approved"},
       {"already_approved", !a.changed},
       {"connection", connection_summary(a.connection, *a.opened.app)},
       {"school", {{"id", a.opened.school.id}, {"name", a.opened.school.name}}},
       {"return_url", nullable(consent::ConnectApprovals::return_url(a.opened.link, "approved"))}});
}

}  // namespace

void add_connect_routes(http::Router& router, ConnectRoutes& g) {
  router.add(http::Method::post, "/api/v1/connect/link",
             [&g](auto& ctx) { return open_link(ctx, g); });
  router.add(http::Method::post, "/api/v1/connect/sign-in",
             [&g](auto& ctx) { return sign_in(ctx, g); });
  router.add(http::Method::post, "/api/v1/connect/approve",
             [&g](auto& ctx) { return approve(ctx, g); });
}

}  // namespace canopy::api
