// A school's partner apps: lists by status, the permission slide-over, approve / reject /
// cancel, and the CSV of all data an app uses or requests.
#include "api/errors.hpp"
#include "api/guards.hpp"
#include "api/json_body.hpp"
#include "api/route_groups.hpp"
#include "api/views.hpp"
#include "consent/export.hpp"
#include "tenancy/actor.hpp"

namespace canopy::api {
namespace {

using SchoolWork = std::function<Result<http::Response>(const tenancy::Actor&, const Site&)>;

// Authenticates, finds the school, resolves the caller as its admin, then runs `work`; all on
// the blocking pool in one hop. Failures come back in a fixed order: 401, 404 school, 403.
asio::awaitable<http::Response> as_school_admin(http::RequestContext& ctx, Services& s,
                                                SchoolWork work) {
  co_return respond(co_await on_pool(s, [&]() -> Result<http::Response> {
    auto who = authenticate_user(ctx, s);
    if (!who) return who.error();
    auto school = s.consent.school(ctx.param("school"));
    if (!school) return school.error();
    auto actor = tenancy::resolve_school_admin(who->user, *school, s.policy);
    if (!actor) return actor.error();
    return work(*actor, *school);
  }));
}

asio::awaitable<http::Response> list_apps(http::RequestContext& ctx, Services& s) {
  if (auto q = check_query(ctx, {}, {"status"}); !q) co_return error_response(q.error());
  std::optional<ConnectionStatus> status;
  if (const auto* text = ctx.query_param("status")) {
    status = parse_connection_status(*text);
    if (!status) {
      co_return error_response(
          make_error(Errc::invalid_value, "status must be pending, approved or rejected"));
    }
  }
  co_return co_await as_school_admin(
      ctx, s, [&](const tenancy::Actor&, const Site& school) -> Result<http::Response> {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& c : s.consent.list(school.id, status)) {
          // A connection whose app left the catalogue cannot be shown or decided; skip it.
          if (const auto* app = s.policy.find_app(c.app_id))
            items.push_back(connection_summary(c, *app));
        }
        return json_response(
            200, {{"school", school.id},
                  {"status", status ? nlohmann::json(to_string(*status)) : nlohmann::json(nullptr)},
                  {"items", std::move(items)}});
      });
}

asio::awaitable<http::Response> show_app(http::RequestContext& ctx, Services& s) {
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  co_return co_await as_school_admin(
      ctx, s, [&](const tenancy::Actor&, const Site& school) -> Result<http::Response> {
        auto app = s.consent.app(ctx.param("app"));
        if (!app) return app.error();
        auto c = s.consent.connection(school.id, (*app)->id);
        return json_response(200, connection_detail(c ? &*c : nullptr, **app, school));
      });
}

constexpr int kRejectAttempts = 5;

// A reject on replicas sharing a cache: hold the pair at the revision read, commit only at that
// revision, then publish. When the hold cannot be placed (Redis unreachable from here), hold()
// throws and nothing is written: the server answers 503. See docs/architecture.md, "Revocation
// across replicas".
asio::awaitable<http::Response> reject_held(http::RequestContext& ctx, Services& s) {
  const std::string app_id(ctx.param("app"));
  for (int attempt = 0; attempt < kRejectAttempts; ++attempt) {
    std::optional<tenancy::Actor> actor;
    std::optional<Site> school;
    std::optional<store::Connection> current;
    auto checked = co_await as_school_admin(
        ctx, s, [&](const tenancy::Actor& a, const Site& site) -> Result<http::Response> {
          auto c = s.consent.check_decision(a, app_id, AdminAction::reject);
          if (!c) return c.error();
          actor = a;
          school = site;
          current = std::move(*c);
          return http::Response{};
        });
    if (!current) co_return checked;
    // Only an approved connection allows anything; rejecting a pending one takes nothing away.
    std::optional<cache::Hold> hold;
    if (current->status == ConnectionStatus::approved)
      hold = co_await s.shared->hold(current->school_id, current->app_id, current->revision);
    std::optional<store::Connection> changed;
    bool moved = false;
    // A store failure throws through here with the hold kept: a failed MySQL COMMIT may still
    // have committed, and the hold keeps every replica reading the store for this pair.
    auto out = co_await on_pool(s, [&]() -> Result<http::Response> {
      auto decided = s.consent.decide(*actor, app_id, AdminAction::reject,
                                      {ctx.request_id, ctx.client_request_id}, current->revision);
      if (!decided) {
        moved = decided.error().code == Errc::concurrent_change;
        return decided.error();
      }
      changed = *decided;
      return json_response(
          200, connection_detail(&*decided, *s.policy.find_app(decided->app_id), *school));
    });
    if (changed) {
      co_await publish_change(s, *changed);
      co_return respond(std::move(out));
    }
    if (hold) co_await s.shared->release(current->school_id, current->app_id, std::move(*hold));
    if (!moved) co_return respond(std::move(out));
  }
  co_return error_response(
      make_error(Errc::concurrent_change, "the connection kept changing; try again"));
}

asio::awaitable<http::Response> decide(http::RequestContext& ctx, Services& s, AdminAction action) {
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  if (auto body = parse_body(ctx, {}); !body) co_return error_response(body.error());
  if (action == AdminAction::reject && s.shared != nullptr) co_return co_await reject_held(ctx, s);
  std::optional<store::Connection> changed;
  auto response = co_await as_school_admin(
      ctx, s, [&](const tenancy::Actor& actor, const Site& school) -> Result<http::Response> {
        auto decided = s.consent.decide(actor, ctx.param("app"), action,
                                        {ctx.request_id, ctx.client_request_id});
        if (!decided) return decided.error();
        if (action != AdminAction::cancel) changed = *decided;
        return json_response(
            200, connection_detail(&*decided, *s.policy.find_app(decided->app_id), school));
      });
  // Committed. An approval takes no allow away, so it was not held; embedded mode has nobody
  // else to tell.
  if (changed) co_await publish_change(s, *changed);
  co_return response;
}

asio::awaitable<http::Response> data_csv(http::RequestContext& ctx, Services& s) {
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  co_return co_await as_school_admin(
      ctx, s, [&](const tenancy::Actor&, const Site& school) -> Result<http::Response> {
        auto app = s.consent.app(ctx.param("app"));
        if (!app) return app.error();
        http::Response r{200, "text/csv; charset=utf-8", consent::data_csv(**app), {}};
        r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + (*app)->id + "-" +
                                                          school.id + "-data.csv\"");
        return r;
      });
}

}  // namespace

void add_school_app_routes(http::Router& router, Services& s) {
  using M = http::Method;
  router.add(M::get, "/api/v1/schools/{school}/apps",
             [&s](auto& ctx) { return list_apps(ctx, s); });
  router.add(M::get, "/api/v1/schools/{school}/apps/{app}",
             [&s](auto& ctx) { return show_app(ctx, s); });
  router.add(M::post, "/api/v1/schools/{school}/apps/{app}/approve",
             [&s](auto& ctx) { return decide(ctx, s, AdminAction::approve); });
  router.add(M::post, "/api/v1/schools/{school}/apps/{app}/reject",
             [&s](auto& ctx) { return decide(ctx, s, AdminAction::reject); });
  router.add(M::post, "/api/v1/schools/{school}/apps/{app}/cancel",
             [&s](auto& ctx) { return decide(ctx, s, AdminAction::cancel); });
  router.add(M::get, "/api/v1/schools/{school}/apps/{app}/data.csv",
             [&s](auto& ctx) { return data_csv(ctx, s); });
}

}  // namespace canopy::api
