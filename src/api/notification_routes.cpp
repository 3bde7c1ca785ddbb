// Notifications for the people who may act in a school: a school's admins see their school's,
// a trust's central team all of their schools' together. Read state is kept per user.
#include <algorithm>
#include <limits>

#include "api/errors.hpp"
#include "api/guards.hpp"
#include "api/json_body.hpp"
#include "api/route_groups.hpp"
#include "api/views.hpp"
#include "tenancy/actor.hpp"

namespace canopy::api {
namespace {

constexpr std::size_t kDefaultLimit = 20;

struct Reach {
  std::vector<Site> schools;
  std::vector<std::string> ids;

  const Site* find(std::string_view id) const {
    const auto it =
        std::find_if(schools.begin(), schools.end(), [&](const Site& s) { return s.id == id; });
    return it == schools.end() ? nullptr : &*it;
  }
};

// Blocking. Who sees what is decided here, at read time, by the same rule as acting in a
// school: a notification follows the school, not the people who could act there back then.
Reach reach_of(const User& user, Services& s) {
  Reach r{tenancy::schools_in_reach(user, s.directory, s.trusts, s.policy.current()), {}};
  for (const auto& school : r.schools)
    r.ids.push_back(school.id);
  return r;
}

nlohmann::json view(const store::Notification& n, const Reach& reach, const Services& s) {
  return notification_view(n, reach.find(n.school_id), s.policy.find_app(n.app_id));
}

Error unknown_notification(std::string_view id) {
  return make_error(Errc::unknown_notification, "no notification '" + std::string(id) + "'");
}

asio::awaitable<http::Response> list(http::RequestContext& ctx, Services& s) {
  if (auto q = check_query(ctx, {}, {"limit", "before"}); !q) co_return error_response(q.error());
  auto page = page_query(ctx, kDefaultLimit);
  if (!page) co_return error_response(page.error());
  co_return respond(co_await on_pool(s, [&]() -> Result<http::Response> {
    auto who = authenticate_user(ctx, s);
    if (!who) return who.error();
    const auto reach = reach_of(who->user, s);
    const auto found =
        s.notifications.notifications_for(who->user.id, reach.ids, page->limit, page->before);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& n : found.items)
      items.push_back(view(n, reach, s));
    return json_response(
        200, {{"items", std::move(items)},
              {"unread_count", found.unread},
              {"next_before",
               next_before(found.more, found.items.empty() ? 0 : found.items.back().id)}});
  }));
}

asio::awaitable<http::Response> mark_read(http::RequestContext& ctx, Services& s) {
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  if (auto body = parse_body(ctx, {}); !body) co_return error_response(body.error());
  co_return respond(co_await on_pool(s, [&]() -> Result<http::Response> {
    auto who = authenticate_user(ctx, s);
    if (!who) return who.error();
    const auto id = parse_id(ctx.param("notification"));
    if (!id) return unknown_notification(ctx.param("notification"));
    const auto reach = reach_of(who->user, s);
    auto n = s.notifications.find_notification(*id, who->user.id);
    // Someone else's notification is answered like a missing one: it is none of their business.
    if (!n || reach.find(n->school_id) == nullptr)
      return unknown_notification(ctx.param("notification"));
    if (!n->read_at) {
      const TimePoint now = s.clock.now();
      if (s.notifications.mark_notification_read(*id, who->user.id, now)) {
        n->read_at = now;
      } else {
        // A concurrent request of the same user marked it first: show the time it kept.
        n = s.notifications.find_notification(*id, who->user.id);
      }
    }
    return json_response(200, view(*n, reach, s));
  }));
}

asio::awaitable<http::Response> mark_all_read(http::RequestContext& ctx, Services& s) {
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
  co_return respond(co_await on_pool(s, [&]() -> Result<http::Response> {
    auto who = authenticate_user(ctx, s);
    if (!who) return who.error();
    const auto reach = reach_of(who->user, s);
    const auto marked =
        s.notifications.mark_notifications_read(who->user.id, reach.ids, up_to, s.clock.now());
    const auto left = s.notifications.notifications_for(who->user.id, reach.ids, 0, std::nullopt);
    return json_response(200, {{"marked", marked}, {"unread_count", left.unread}});
  }));
}

}  // namespace

void add_notification_routes(http::Router& router, Services& s) {
  using M = http::Method;
  router.add(M::get, "/api/v1/notifications", [&s](auto& ctx) { return list(ctx, s); });
  router.add(M::post, "/api/v1/notifications/{notification}/read",
             [&s](auto& ctx) { return mark_read(ctx, s); });
  router.add(M::post, "/api/v1/notifications/read-all",
             [&s](auto& ctx) { return mark_all_read(ctx, s); });
}

}  // namespace canopy::api
