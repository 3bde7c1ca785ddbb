// Notifications for the people who may act in a school: a school's admins see their school's,
// a trust's central team all of their schools' together (consent/inbox.hpp). Read state is
// kept per user.
#include <limits>

#include "api/errors.hpp"
#include "api/guards.hpp"
#include "api/json_body.hpp"
#include "api/route_groups.hpp"
#include "api/views.hpp"

namespace canopy::api {
namespace {

constexpr std::size_t kDefaultLimit = 20;

nlohmann::json view(const store::Notification& n, const consent::Reach& reach,
                    const NotificationRoutes& g) {
  return notification_view(n, reach.find(n.school_id), g.edge.policy.find_app(n.app_id));
}

Error unknown_notification(std::string_view id) {
  return make_error(Errc::unknown_notification, "no notification '" + std::string(id) + "'");
}

asio::awaitable<http::Response> list(http::RequestContext& ctx, NotificationRoutes& g) {
  if (auto q = check_query(ctx, {}, {"limit", "before"}); !q) co_return error_response(q.error());
  auto page = page_query(ctx, kDefaultLimit);
  if (!page) co_return error_response(page.error());
  co_return respond(co_await on_pool(g.edge, [&]() -> Result<http::Response> {
    auto who = authenticate_user(ctx, g.edge);
    if (!who) return who.error();
    const auto inbox = g.inbox.list(who->user, page->limit, page->before);
    const auto& found = inbox.page;
    nlohmann::json items = nlohmann::json::array();
    for (const auto& n : found.items)
      items.push_back(view(n, inbox.reach, g));
    return json_response(
        200, {{"items", std::move(items)},
              {"unread_count", found.unread},
              {"next_before",
               next_before(found.more, found.items.empty() ? 0 : found.items.back().id)}});
  }));
}

asio::awaitable<http::Response> mark_read(http::RequestContext& ctx, NotificationRoutes& g) {
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  if (auto body = parse_body(ctx, {}); !body) co_return error_response(body.error());
  co_return respond(co_await on_pool(g.edge, [&]() -> Result<http::Response> {
    auto who = authenticate_user(ctx, g.edge);
    if (!who) return who.error();
    const auto id = parse_id(ctx.param("notification"));
    if (!id) return unknown_notification(ctx.param("notification"));
    const auto opened = g.inbox.mark_read(who->user, *id);
    // Someone else's notification is answered like a missing one: it is none of their business.
    if (!opened) return unknown_notification(ctx.param("notification"));
    return json_response(200, view(opened->notification, opened->reach, g));
  }));
}

asio::awaitable<http::Response> mark_all_read(http::RequestContext& ctx, NotificationRoutes& g) {
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  auto body = parse_body(ctx, {{"up_to", JsonType::integer, false}});
  if (!body) co_return error_response(body.error());
  std::int64_t up_to = std::numeric_limits<std::int64_t>::max();
  if (body->contains("up_to")) {
    up_to = (*body)["up_to"].get<std::int64_t>();
    if (up_to < 1) {
      co_return error_response(make_error(Errc::invalid_value, "up_to must be a notification id"));
    }
  }
  co_return respond(co_await on_pool(g.edge, [&]() -> Result<http::Response> {
    auto who = authenticate_user(ctx, g.edge);
    if (!who) return who.error();
    const auto done = g.inbox.mark_all_read(who->user, up_to);
    return json_response(200, {{"marked", done.marked}, {"unread_count", done.unread}});
  }));
}

}  // namespace

void add_notification_routes(http::Router& router, NotificationRoutes& g) {
  using M = http::Method;
  router.add(M::get, "/api/v1/notifications", [&g](auto& ctx) { return list(ctx, g); });
  router.add(M::post, "/api/v1/notifications/{notification}/read",
             [&g](auto& ctx) { return mark_read(ctx, g); });
  router.add(M::post, "/api/v1/notifications/read-all",
             [&g](auto& ctx) { return mark_all_read(ctx, g); });
}

}  // namespace canopy::api
