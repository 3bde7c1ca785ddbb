// Partner events for the operator, by the service token (internal listener): every app's
// events with their delivery state, one event with its delivery log, and a new delivery of an
// event (a partner that was down longer than the retries lasted). A partner reads its own
// events on GET /partner/v1/events (partner_routes.cpp).
#include "api/edge.hpp"
#include "api/errors.hpp"
#include "api/event_views.hpp"
#include "api/guards.hpp"
#include "api/json_body.hpp"
#include "api/route_groups.hpp"

namespace canopy::api {
namespace {

constexpr std::size_t kDefaultLimit = 50;

asio::awaitable<http::Response> list_events(http::RequestContext& ctx, EventRoutes& g) {
  if (auto refused = refuse_without_service_token(ctx, g.service_token, "service"))
    co_return std::move(*refused);
  if (auto q = check_query(ctx, {}, {"app", "state", "limit", "before"}); !q)
    co_return error_response(q.error());
  auto page = page_query(ctx, kDefaultLimit);
  if (!page) co_return error_response(page.error());
  std::string app;
  if (const auto* text = ctx.query_param("app")) {
    if (auto id = check_id("app", *text); !id) co_return error_response(id.error());
    app = *text;
  }
  std::optional<store::EventState> state;
  if (const auto* text = ctx.query_param("state")) {
    state = store::parse_event_state(*text);
    if (!state) {
      co_return error_response(
          make_error(Errc::invalid_value, "state must be pending, delivered or failed"));
    }
  }
  std::vector<store::PartnerEvent> events;
  co_await g.blocking.run([&] { events = g.events.list(app, state, page->before, page->limit); });
  nlohmann::json items = nlohmann::json::array();
  for (const auto& e : events)
    items.push_back(operator_event_view(e));
  const bool full = events.size() == page->limit;
  co_return json_response(
      200, {{"events", std::move(items)},
            {"next_before", full ? nlohmann::json(events.back().seq) : nlohmann::json()}});
}

asio::awaitable<http::Response> show_event(http::RequestContext& ctx, EventRoutes& g) {
  if (auto refused = refuse_without_service_token(ctx, g.service_token, "service"))
    co_return std::move(*refused);
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  auto found = co_await on_pool(g.blocking, [&]() -> Result<http::Response> {
    auto event = g.events.with_deliveries(ctx.param("event"), kMaxPageLimit);
    if (!event) return event.error();
    nlohmann::json out = operator_event_view(event->event);
    nlohmann::json log = nlohmann::json::array();
    for (const auto& d : event->deliveries)
      log.push_back(delivery_view(d));
    out["deliveries"] = std::move(log);
    return json_response(200, out);
  });
  co_return respond(std::move(found));
}

asio::awaitable<http::Response> redeliver(http::RequestContext& ctx, EventRoutes& g) {
  if (auto refused = refuse_without_service_token(ctx, g.service_token, "service"))
    co_return std::move(*refused);
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  if (auto body = parse_body(ctx, {}); !body) co_return error_response(body.error());
  auto done = co_await on_pool(g.blocking, [&]() -> Result<http::Response> {
    auto event = g.events.redeliver(ctx.param("event"));
    if (!event) return event.error();
    return json_response(202, operator_event_view(*event));
  });
  co_return respond(std::move(done));
}

}  // namespace

void add_event_routes(http::Router& router, EventRoutes& g) {
  router.add(http::Method::get, "/internal/v1/partner-events",
             [&g](auto& ctx) { return list_events(ctx, g); });
  router.add(http::Method::get, "/internal/v1/partner-events/{event}",
             [&g](auto& ctx) { return show_event(ctx, g); });
  router.add(http::Method::post, "/internal/v1/partner-events/{event}/redeliver",
             [&g](auto& ctx) { return redeliver(ctx, g); });
}

}  // namespace canopy::api
