// The audit trail: a school's records for whoever may administer the school (its admins, and
// its trust's central team), and a trust's schools' records for the trust's central team.
// Filters, pages newest first, and CSV export. Reads only: the store offers no way to change a
// record.
#include <algorithm>
#include <array>

#include "api/edge.hpp"
#include "api/errors.hpp"
#include "api/guards.hpp"
#include "api/json_body.hpp"
#include "api/route_groups.hpp"
#include "api/views.hpp"
#include "consent/export.hpp"
#include "core/id.hpp"
#include "tenancy/actor.hpp"

namespace canopy::api {
namespace {

constexpr std::size_t kDefaultLimit = 50;
// A CSV export is one download: up to this many records per response (the rest via `before`).
constexpr std::size_t kMaxCsvRows = 10000;
constexpr std::array<std::string_view, 6> kActions = {"request", "approve", "reject",
                                                      "import",  "expire",  "go_live"};

struct Request {
  store::AuditQuery query;
  std::optional<std::int64_t> before;
  bool csv = false;
};

Error invalid(std::string message) {
  return make_error(Errc::invalid_value, std::move(message));
}

bool wants_csv(const http::RequestContext& ctx) {
  return ctx.header("accept").find("text/csv") != std::string_view::npos;
}

std::optional<TimePoint> time_param(const http::RequestContext& ctx, std::string_view name) {
  const auto* text = ctx.query_param(name);
  if (text == nullptr) return std::nullopt;
  return parse_rfc3339(*text);
}

// Checks every parameter before any work: unknown ones, bad values, an empty time range.
Result<Request> parse_request(const http::RequestContext& ctx) {
  if (auto q = check_query(ctx, {},
                           {"app", "actor", "action", "from", "to", "limit", "before", "format"});
      !q) {
    return q.error();
  }
  Request r;
  if (const auto* format = ctx.query_param("format")) {
    if (*format != "json" && *format != "csv") return invalid("format must be json or csv");
    r.csv = *format == "csv";
  } else {
    r.csv = wants_csv(ctx);
  }
  const std::size_t max_limit = r.csv ? kMaxCsvRows : kMaxPageLimit;
  r.query.limit = r.csv ? kMaxCsvRows : kDefaultLimit;
  if (const auto* text = ctx.query_param("limit")) {
    const auto limit = parse_id(*text);
    if (!limit || *limit > static_cast<std::int64_t>(max_limit)) {
      return invalid("limit must be a whole number from 1 to " + std::to_string(max_limit));
    }
    r.query.limit = static_cast<std::size_t>(*limit);
  }
  if (const auto* text = ctx.query_param("before")) {
    r.before = parse_id(*text);
    if (!r.before) return invalid("before must be the id of a record from the previous page");
  }
  if (const auto* app = ctx.query_param("app")) {
    if (!is_id(*app)) return invalid("app must be an app id");
    r.query.app = *app;
  }
  if (const auto* actor = ctx.query_param("actor")) {
    // Emails are stored lower case; app ids and system tasks are ids.
    std::string canonical = *actor;
    if (!canonical_email(canonical) && !is_id(*actor)) {
      return invalid("actor must be a user's email, an app id or a system task");
    }
    r.query.actor = std::move(canonical);
  }
  if (const auto* action = ctx.query_param("action")) {
    if (std::find(kActions.begin(), kActions.end(), *action) == kActions.end()) {
      return invalid("action must be request, approve, reject, import, expire or go_live");
    }
    r.query.action = *action;
  }
  for (const auto* name : {"from", "to"}) {
    if (ctx.query_param(name) == nullptr) continue;
    const auto at = time_param(ctx, name);
    if (!at) {
      return invalid(std::string(name) +
                     " must be an RFC 3339 date-time, e.g. 2026-01-31T08:00:00Z");
    }
    (std::string_view(name) == "from" ? r.query.from : r.query.to) = at;
  }
  if (r.query.from && r.query.to && *r.query.from >= *r.query.to) {
    return invalid("from must be before to");
  }
  return r;
}

std::string csv(const consent::AuditEntries& entries) {
  std::string out =
      "id,seq,school,app,action,from_status,to_status,actor_kind,actor,actor_user_id,actor_name,"
      "actor_site,actor_role,via_trust,at,request_id,client_request_id,permission_set_version,"
      "prev_hash,hash\r\n";
  for (const auto& r : entries.page.items) {
    const User* user = entries.actor_of(r);
    const bool chained = r.seq > 0;
    const std::string cells[] = {std::to_string(r.id),
                                 chained ? std::to_string(r.seq) : "",
                                 r.school_id,
                                 r.app_id,
                                 r.action,
                                 r.from_status ? std::string(to_string(*r.from_status)) : "",
                                 std::string(to_string(r.to_status)),
                                 std::string(to_string(r.actor_kind)),
                                 r.actor,
                                 user ? std::to_string(user->id) : "",
                                 user ? user->name : "",
                                 r.actor_site,
                                 r.actor_role,
                                 r.via_trust ? "true" : "false",
                                 format_rfc3339(r.at),
                                 r.request_id,
                                 r.client_request_id.value_or(""),
                                 std::to_string(r.permission_set_version),
                                 r.prev_hash,
                                 r.hash};
    bool first = true;
    for (const auto& cell : cells) {
      if (!first) out += ',';
      first = false;
      out += consent::csv_cell(cell);
    }
    out += "\r\n";
  }
  return out;
}

// Blocking. One page of the records of `schools` (all of which the caller may see), as JSON or
// CSV. `scope` names the school or trust in the JSON body and the CSV file name.
Result<http::Response> audit_page(Request& request, std::vector<std::string> schools,
                                  std::pair<std::string_view, std::string_view> scope,
                                  AuditRoutes& g) {
  request.query.schools = std::move(schools);
  // The cursor is a record the caller could see: anything else is a bad parameter.
  const auto entries = g.audit.page(std::move(request.query), request.before);
  if (!entries) return entries.error();
  const auto& page = entries->page;
  const auto next = next_before(page.more, page.items.empty() ? 0 : page.items.back().id);
  if (request.csv) {
    http::Response r{200, "text/csv; charset=utf-8", csv(*entries), {}};
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"" + std::string(scope.second) + "-audit.csv\"");
    if (page.more) r.headers.emplace_back("X-Next-Before", next.dump());
    return r;
  }
  nlohmann::json items = nlohmann::json::array();
  for (const auto& record : page.items)
    items.push_back(audit_view(record, entries->actor_of(record)));
  return json_response(200, {{std::string(scope.first), scope.second},
                             {"items", std::move(items)},
                             {"next_before", next}});
}

asio::awaitable<http::Response> school_audit(http::RequestContext& ctx, AuditRoutes& g) {
  auto request = parse_request(ctx);
  if (!request) co_return error_response(request.error());
  co_return respond(co_await on_pool(g.edge, [&]() -> Result<http::Response> {
    auto who = authenticate_user(ctx, g.edge);
    if (!who) return who.error();
    auto school = school_in_reach(g.edge, who->user, ctx.param("school"));
    if (!school) return school.error();
    // The same rule as acting in the school; reading needs no terms acceptance.
    if (auto actor = tenancy::resolve_school_admin(who->user, *school, g.edge.policy.current());
        !actor) {
      return actor.error();
    }
    return audit_page(*request, {school->id}, {"school", school->id}, g);
  }));
}

asio::awaitable<http::Response> trust_audit(http::RequestContext& ctx, AuditRoutes& g) {
  auto request = parse_request(ctx);
  if (!request) co_return error_response(request.error());
  co_return respond(co_await on_pool(g.edge, [&]() -> Result<http::Response> {
    auto caller = authenticate_trust_admin(ctx, g.edge);
    if (!caller) return caller.error();
    const Site& trust = caller->trust;
    std::vector<std::string> schools;
    for (const auto& school : g.edge.directory.schools_of_trust(trust.id))
      schools.push_back(school.id);
    return audit_page(*request, std::move(schools), {"trust", trust.id}, g);
  }));
}

}  // namespace

void add_audit_routes(http::Router& router, AuditRoutes& g) {
  using M = http::Method;
  router.add(M::get, "/api/v1/schools/{school}/audit",
             [&g](auto& ctx) { return school_audit(ctx, g); });
  router.add(M::get, "/api/v1/trusts/{trust}/audit",
             [&g](auto& ctx) { return trust_audit(ctx, g); });
}

}  // namespace canopy::api
