// Partner apps: ask a school for a connection, read its status, and read their events.
#include "api/edge.hpp"
#include "api/errors.hpp"
#include "api/event_views.hpp"
#include "api/guards.hpp"
#include "api/json_body.hpp"
#include "api/route_groups.hpp"
#include "api/views.hpp"

namespace canopy::api {
namespace {

constexpr std::string_view kPartnerChallenge = "Basic realm=\"canopy-partner\"";

nlohmann::json partner_view(const store::Connection& c) {
  return {{"school", c.school_id},
          {"app", c.app_id},
          {"status", to_string(c.status)},
          {"permission_set_version", c.permission_set_version},
          {"requested_at", format_rfc3339(c.requested_at)},
          {"decided_at",
           c.decided_at ? nlohmann::json(format_rfc3339(*c.decided_at)) : nlohmann::json(nullptr)},
          {"reject_reason", reject_reason_view(c)}};
}

// Partner failures carry the Basic challenge, so a client knows which credentials to send.
asio::awaitable<http::Response> as_partner(
    http::RequestContext& ctx, PartnerRoutes& g,
    std::function<Result<http::Response>(const policy::App&)> work) {
  auto out = co_await on_pool(g.blocking, [&]() -> Result<http::Response> {
    auto app = authenticate_partner(ctx, g.partners);
    if (!app) return app.error();
    return work(**app);
  });
  co_return challenge(respond(std::move(out)), kPartnerChallenge);
}

asio::awaitable<http::Response> request_connection(http::RequestContext& ctx, PartnerRoutes& g) {
  auto body = parse_body(ctx, {{"school", JsonType::string}});
  if (body) {
    if (auto id = check_id("school", (*body)["school"].get_ref<const std::string&>()); !id)
      body = id.error();
  }
  const policy::App* app = nullptr;
  auto who = co_await as_partner(ctx, g, [&](const policy::App& a) -> Result<http::Response> {
    if (!body) return body.error();
    app = &a;
    return http::Response{};
  });
  if (app == nullptr) co_return who;
  // The connection-change use case (consent/changes.hpp) commits and publishes.
  auto outcome = co_await g.changes.request(*app, (*body)["school"].get<std::string>(),
                                            {ctx.request_id, ctx.client_request_id});
  if (!outcome) co_return challenge(error_response(outcome.error()), kPartnerChallenge);
  co_return json_response(outcome->created ? 201 : 200, partner_view(outcome->connection));
}

asio::awaitable<http::Response> connection_status(http::RequestContext& ctx, PartnerRoutes& g) {
  co_return co_await as_partner(ctx, g, [&](const policy::App& app) -> Result<http::Response> {
    auto school = g.consent.school(ctx.param("school"));
    if (!school) return school.error();
    auto c = g.consent.connection(school->id, app.id);
    if (!c) return c.error();
    return json_response(200, partner_view(*c));
  });
}

// GET /partner/v1/connections?status=&after=&limit=: the partner's own connections, by school,
// a page at a time. status: pending, approved, rejected, expired, or permissions_for_review (the
// schools whose approval is of an earlier version than the app's current set: they have its
// new version to review).
asio::awaitable<http::Response> list_connections(http::RequestContext& ctx, PartnerRoutes& g) {
  constexpr std::size_t kDefaultLimit = 100;
  const auto refuse = [](Error e) { return challenge(error_response(e), kPartnerChallenge); };
  if (auto q = check_query(ctx, {}, {"status", "after", "limit"}); !q) co_return refuse(q.error());
  store::ConnectionStore::AppConnectionsQuery query;
  bool for_review = false;
  if (const auto* text = ctx.query_param("status")) {
    for_review = *text == "permissions_for_review";
    if (!for_review) {
      query.status = parse_connection_status(*text);
      if (!query.status) {
        co_return refuse(make_error(Errc::invalid_value,
                                    "status must be pending, approved, rejected, expired or "
                                    "permissions_for_review"));
      }
    }
  }
  if (const auto* text = ctx.query_param("after")) {
    if (auto id = check_id("after", *text); !id) co_return refuse(id.error());
    query.after = *text;
  }
  auto page = page_query(ctx, kDefaultLimit);
  if (!page) co_return refuse(page.error());
  query.limit = page->limit;
  co_return co_await as_partner(ctx, g, [&](const policy::App& app) -> Result<http::Response> {
    const auto found = g.consent.app_connections(app, for_review, query);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& c : found) {
      auto item = partner_view(c);
      item["current_permission_set_version"] = app.permissions.version();
      items.push_back(std::move(item));
    }
    const bool full = found.size() == query.limit;
    return json_response(
        200, {{"items", std::move(items)},
              {"next_after", full ? nlohmann::json(found.back().school_id) : nlohmann::json()}});
  });
}

// POST /partner/v1/connect-links {"school", "redirect_uri"?, "state"?}: the alternative
// connection's one-time link for a school user (consent/connect_links.hpp). 201 with the url,
// which is the only place the link's token is ever shown.
asio::awaitable<http::Response> create_connect_link(http::RequestContext& ctx, PartnerRoutes& g) {
  auto body = parse_body(ctx, {{"school", JsonType::string},
                               {"redirect_uri", JsonType::string, false},
                               {"state", JsonType::string, false}});
  if (body) {
    if (auto id = check_id("school", (*body)["school"].get_ref<const std::string&>()); !id)
      body = id.error();
  }
  co_return co_await as_partner(ctx, g, [&](const policy::App& app) -> Result<http::Response> {
    if (!body) return body.error();
    auto made = g.links.create(app, (*body)["school"].get_ref<const std::string&>(),
                               body->value("redirect_uri", ""), body->value("state", ""));
    if (!made) return made.error();
    const auto& link = made->link;
    nlohmann::json out{
        {"url", made->url},
        {"school", link.school_id},
        {"app", link.app_id},
        {"expires_at", format_rfc3339(link.expires_at)},
        {"redirect_uri",
         link.redirect_uri.empty() ? nlohmann::json(nullptr) : nlohmann::json(link.redirect_uri)}};
    auto r = json_response(201, out);
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  });
}

// POST /partner/v1/connections/{school}/deletion-attestation {"note"?}: the partner says it
// deleted the school's data after a revocation. Attesting again changes nothing.
asio::awaitable<http::Response> attest_deletion(http::RequestContext& ctx, PartnerRoutes& g) {
  auto body = parse_body(ctx, {{"note", JsonType::string, false}});
  auto note = body ? plain_note(*body, "note") : Result<std::string>(body.error());
  co_return co_await as_partner(ctx, g, [&](const policy::App& app) -> Result<http::Response> {
    if (!note) return note.error();
    auto attested = g.deletions.attest(app.id, ctx.param("school"), *note);
    if (!attested) return attested.error();
    return json_response(200,
                         deletion_view(*attested, to_string(g.deletions.state(*attested)), &app));
  });
}

// GET /partner/v1/events?after=SEQ&limit=N: the partner's events after its cursor, oldest
// first; `next_after` is the cursor to send next (the same when there is nothing new).
asio::awaitable<http::Response> list_events(http::RequestContext& ctx, PartnerRoutes& g) {
  constexpr std::size_t kDefaultLimit = 100;
  constexpr std::size_t kMaxLimit = 500;
  std::int64_t after = 0;
  std::size_t limit = kDefaultLimit;
  Status query = check_query(ctx, {}, {"after", "limit"});
  if (query) {
    if (const auto* text = ctx.query_param("after"); text != nullptr && *text != "0") {
      const auto seq = parse_id(*text);
      if (!seq) {
        query = make_error(Errc::invalid_value,
                           "after must be 0 or the seq of an event from an earlier page");
      } else {
        after = *seq;
      }
    }
    if (const auto* text = ctx.query_param("limit")) {
      const auto n = parse_id(*text);
      if (!n || *n > static_cast<std::int64_t>(kMaxLimit)) {
        query = make_error(Errc::invalid_value,
                           "limit must be a whole number from 1 to " + std::to_string(kMaxLimit));
      } else {
        limit = static_cast<std::size_t>(*n);
      }
    }
  }
  co_return co_await as_partner(ctx, g, [&](const policy::App& app) -> Result<http::Response> {
    if (!query) return query.error();
    const auto events = g.events.for_partner(app.id, after, limit);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& e : events)
      items.push_back(partner_event_view(e));
    return json_response(200, {{"events", std::move(items)},
                               {"next_after", events.empty() ? after : events.back().seq}});
  });
}

}  // namespace

void add_partner_routes(http::Router& router, PartnerRoutes& g) {
  router.add(http::Method::post, "/partner/v1/connection-requests",
             [&g](auto& ctx) { return request_connection(ctx, g); });
  router.add(http::Method::get, "/partner/v1/connection-requests/{school}",
             [&g](auto& ctx) { return connection_status(ctx, g); });
  router.add(http::Method::get, "/partner/v1/connections",
             [&g](auto& ctx) { return list_connections(ctx, g); });
  router.add(http::Method::post, "/partner/v1/connect-links",
             [&g](auto& ctx) { return create_connect_link(ctx, g); });
  router.add(http::Method::post, "/partner/v1/connections/{school}/deletion-attestation",
             [&g](auto& ctx) { return attest_deletion(ctx, g); });
  router.add(http::Method::get, "/partner/v1/events",
             [&g](auto& ctx) { return list_events(ctx, g); });
}

}  // namespace canopy::api
