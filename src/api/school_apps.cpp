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
asio::awaitable<http::Response> as_school_admin(http::RequestContext& ctx, SchoolAppRoutes& g,
                                                SchoolWork work) {
  co_return respond(co_await on_pool(g.edge, [&]() -> Result<http::Response> {
    auto who = authenticate_user(ctx, g.edge);
    if (!who) return who.error();
    auto school = school_in_reach(g.edge, who->user, ctx.param("school"));
    if (!school) return school.error();
    auto actor = tenancy::resolve_school_admin(who->user, *school, g.edge.policy.current());
    if (!actor) return actor.error();
    return work(*actor, *school);
  }));
}

asio::awaitable<http::Response> list_apps(http::RequestContext& ctx, SchoolAppRoutes& g) {
  if (auto q = check_query(ctx, {}, {"status"}); !q) co_return error_response(q.error());
  std::optional<ConnectionStatus> status;
  if (const auto* text = ctx.query_param("status")) {
    status = parse_connection_status(*text);
    if (!status) {
      co_return error_response(
          make_error(Errc::invalid_value, "status must be pending, approved, rejected or expired"));
    }
  }
  co_return co_await as_school_admin(
      ctx, g, [&](const tenancy::Actor& actor, const Site& school) -> Result<http::Response> {
        // A trust user opening the school's lists is the MIS's "signed in to the school".
        g.consent.opened_school(actor);
        nlohmann::json items = nlohmann::json::array();
        for (const auto& c : g.consent.list(school.id, status)) {
          // A connection whose app left the catalogue cannot be shown or decided; skip it.
          if (const auto* app = g.edge.policy.find_app(c.app_id))
            items.push_back(connection_summary(c, *app));
        }
        return json_response(
            200, {{"school", school.id},
                  {"school_name", school.name},
                  {"dummy", school.dummy},
                  {"status", status ? nlohmann::json(to_string(*status)) : nlohmann::json(nullptr)},
                  {"items", std::move(items)}});
      });
}

// GET /api/v1/schools/{school}/deletion-attestations: what partners were asked to delete after
// a revocation here, newest first, and whether they said they did.
asio::awaitable<http::Response> list_deletions(http::RequestContext& ctx, SchoolAppRoutes& g) {
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  co_return co_await as_school_admin(
      ctx, g, [&](const tenancy::Actor&, const Site& school) -> Result<http::Response> {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& d : g.deletions.for_school(school)) {
          items.push_back(
              deletion_view(d, to_string(g.deletions.state(d)), g.edge.policy.find_app(d.app_id)));
        }
        return json_response(200, {{"school", school.id}, {"items", std::move(items)}});
      });
}

asio::awaitable<http::Response> show_app(http::RequestContext& ctx, SchoolAppRoutes& g) {
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  co_return co_await as_school_admin(
      ctx, g, [&](const tenancy::Actor&, const Site& school) -> Result<http::Response> {
        auto app = g.consent.app(ctx.param("app"));
        if (!app) return app.error();
        auto c = g.consent.connection(school.id, (*app)->id);
        return json_response(200, connection_detail(c ? &*c : nullptr, **app, school));
      });
}

// A refusal for the school's terms says where the actor accepts them.
Error with_terms_route(Error e, const tenancy::Actor& actor) {
  if (e.code == Errc::terms_not_accepted) {
    e.message += ": POST /api/v1/trusts/" + actor.acting_site + "/schools/" + actor.school_id +
                 "/terms-acceptance";
  }
  return e;
}

// Every decision goes through the connection-change use case (consent/changes.hpp), which
// holds, commits and publishes; this resolves the caller and translates HTTP only.
// A reject's optional {"reason", "note"}: a reason from the short list, and a note (plain
// text up to 500 bytes, no control characters but line breaks) only with one; "other" needs
// a note, so the partner always learns something it can act on.
Result<std::optional<consent::RejectWhy>> reject_why(const nlohmann::json& body) {
  const auto invalid = [](std::string message) {
    return make_error(Errc::invalid_value, std::move(message));
  };
  if (!body.contains("reason")) {
    if (body.contains("note")) return invalid("a note goes with a reason");
    return std::optional<consent::RejectWhy>();
  }
  const auto reason = parse_reject_reason(body["reason"].get_ref<const std::string&>());
  if (!reason) {
    return invalid(
        "reason must be one of not_needed, not_requested, data_concerns, too_many_permissions, "
        "other");
  }
  auto note = plain_note(body, "note");
  if (!note) return note.error();
  consent::RejectWhy why{.reason = *reason, .note = std::move(*note)};
  if (*reason == RejectReason::other && why.note.empty())
    return invalid("a reject for another reason says what it is in a note");
  return std::optional(std::move(why));
}

asio::awaitable<http::Response> decide(http::RequestContext& ctx, SchoolAppRoutes& g,
                                       AdminAction action) {
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  consent::DecisionInput input;
  if (action == AdminAction::reject) {
    auto body =
        parse_body(ctx, {{"reason", JsonType::string, false}, {"note", JsonType::string, false}});
    if (!body) co_return error_response(body.error());
    auto parsed = reject_why(*body);
    if (!parsed) co_return error_response(parsed.error());
    input.why = std::move(*parsed);
  } else if (action == AdminAction::approve) {
    auto body = parse_body(ctx, {{"confirm_dummy_site", JsonType::boolean, false}});
    if (!body) co_return error_response(body.error());
    input.dummy_site_confirmed = body->value("confirm_dummy_site", false);
  } else if (auto body = parse_body(ctx, {}); !body) {
    co_return error_response(body.error());
  }
  std::optional<tenancy::Actor> actor;
  std::optional<Site> school;
  auto who = co_await as_school_admin(
      ctx, g, [&](const tenancy::Actor& a, const Site& site) -> Result<http::Response> {
        actor = a;
        school = site;
        return http::Response{};
      });
  if (!actor) co_return who;
  auto decided = co_await g.changes.decide(*actor, std::string(ctx.param("app")), action,
                                           {ctx.request_id, ctx.client_request_id}, input);
  if (!decided) co_return error_response(with_terms_route(decided.error(), *actor));
  co_return json_response(200, connection_detail(&decided->connection, *decided->app, *school));
}

asio::awaitable<http::Response> data_csv(http::RequestContext& ctx, SchoolAppRoutes& g) {
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  co_return co_await as_school_admin(
      ctx, g, [&](const tenancy::Actor&, const Site& school) -> Result<http::Response> {
        auto app = g.consent.app(ctx.param("app"));
        if (!app) return app.error();
        http::Response r{200, "text/csv; charset=utf-8", consent::data_csv(**app), {}};
        r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + (*app)->id + "-" +
                                                          school.id + "-data.csv\"");
        return r;
      });
}

}  // namespace

void add_school_app_routes(http::Router& router, SchoolAppRoutes& g) {
  using M = http::Method;
  router.add(M::get, "/api/v1/schools/{school}/apps",
             [&g](auto& ctx) { return list_apps(ctx, g); });
  router.add(M::get, "/api/v1/schools/{school}/apps/{app}",
             [&g](auto& ctx) { return show_app(ctx, g); });
  router.add(M::post, "/api/v1/schools/{school}/apps/{app}/approve",
             [&g](auto& ctx) { return decide(ctx, g, AdminAction::approve); });
  router.add(M::get, "/api/v1/schools/{school}/deletion-attestations",
             [&g](auto& ctx) { return list_deletions(ctx, g); });
  router.add(M::post, "/api/v1/schools/{school}/apps/{app}/reject",
             [&g](auto& ctx) { return decide(ctx, g, AdminAction::reject); });
  router.add(M::post, "/api/v1/schools/{school}/apps/{app}/cancel",
             [&g](auto& ctx) { return decide(ctx, g, AdminAction::cancel); });
  router.add(M::get, "/api/v1/schools/{school}/apps/{app}/data.csv",
             [&g](auto& ctx) { return data_csv(ctx, g); });
}

}  // namespace canopy::api
