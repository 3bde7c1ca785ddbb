// A trust's central team: the schools of their trust with each school's terms, accepting a
// school site's terms before acting in it, the apps x schools matrix and the trust-wide CSV
// export. Only the trust's own "Manage All Users" holders may use these routes. Reads need no
// terms acceptance (docs/design/trust-acting.md, "Acting via the trust").
#include <algorithm>
#include <limits>
#include <map>

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

using TrustWork = std::function<Result<http::Response>(const User&, const Site& trust)>;

// Authenticates, finds the trust, checks the caller acts for it, then runs `work`; all on the
// blocking pool in one hop. Failures come back in a fixed order: 401, 404 trust, 403.
asio::awaitable<http::Response> as_trust_admin(http::RequestContext& ctx, TrustRoutes& g,
                                               TrustWork work) {
  co_return respond(co_await on_pool(g.edge, [&]() -> Result<http::Response> {
    auto caller = authenticate_trust_admin(ctx, g.edge);
    if (!caller) return caller.error();
    return work(caller->user, caller->trust);
  }));
}

// GET /api/v1/trusts/{trust}/deletion-attestations: the deletion requests of every school of
// the trust, newest first.
asio::awaitable<http::Response> list_deletions(http::RequestContext& ctx, TrustRoutes& g) {
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  co_return co_await as_trust_admin(
      ctx, g, [&](const User&, const Site& trust) -> Result<http::Response> {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& d : g.deletions.for_trust(trust)) {
          items.push_back(
              deletion_view(d, to_string(g.deletions.state(d)), g.edge.policy.find_app(d.app_id)));
        }
        return json_response(200, {{"trust", trust.id}, {"items", std::move(items)}});
      });
}

asio::awaitable<http::Response> list_schools(http::RequestContext& ctx, TrustRoutes& g) {
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  co_return co_await as_trust_admin(
      ctx, g, [&](const User& user, const Site& trust) -> Result<http::Response> {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& [school, accepted] : g.consent.trust_schools(user, trust)) {
          items.push_back({{"id", school.id},
                           {"name", school.name},
                           {"dummy", school.dummy},
                           {"terms", terms_view(school, accepted ? &*accepted : nullptr)}});
        }
        return json_response(
            200, {{"trust", trust.id}, {"trust_name", trust.name}, {"items", std::move(items)}});
      });
}

asio::awaitable<http::Response> accept_terms(http::RequestContext& ctx, TrustRoutes& g) {
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  auto body = parse_body(ctx, {{"version", JsonType::integer}});
  if (!body) co_return error_response(body.error());
  const auto version = (*body)["version"].get<std::int64_t>();
  if (version < 1 || version > std::numeric_limits<int>::max()) {
    co_return error_response(
        make_error(Errc::invalid_value, "version must be a positive whole number"));
  }
  co_return co_await as_trust_admin(
      ctx, g, [&](const User& user, const Site& trust) -> Result<http::Response> {
        auto school = g.consent.school(ctx.param("school"));
        if (!school || school->trust_id != trust.id) {
          return make_error(Errc::unknown_school, "no school '" + std::string(ctx.param("school")) +
                                                      "' in " + trust.name);
        }
        auto actor = tenancy::resolve_school_admin(user, *school, g.edge.policy.current());
        if (!actor) return actor.error();
        auto outcome = g.consent.accept_terms(*actor, static_cast<int>(version), ctx.request_id);
        if (!outcome) return outcome.error();
        return json_response(outcome->created ? 201 : 200,
                             terms_acceptance_view(outcome->acceptance));
      });
}

constexpr std::size_t kMatrixDefaultLimit = 100;
constexpr std::size_t kMatrixMaxLimit = 1000;
constexpr std::string_view kNotRequested = "not_requested";

// The matrix's page cursor: the last cell of the previous page, as "school/app" (ids never
// hold a '/').
struct Cell {
  std::string_view school;
  std::string_view app;
  friend auto operator<=>(const Cell&, const Cell&) = default;
};

std::string cursor_of(const Cell& c) {
  return std::string(c.school) + "/" + std::string(c.app);
}

// Every app of the catalogue x every school of the trust, sorted by school id, then app id;
// `status` is not_requested where the app never asked. Filters, then pages by cursor.
asio::awaitable<http::Response> matrix(http::RequestContext& ctx, TrustRoutes& g) {
  if (auto q = check_query(ctx, {}, {"status", "app", "school", "limit", "after"}); !q) {
    co_return error_response(q.error());
  }
  const auto* status = ctx.query_param("status");
  if (status != nullptr && *status != kNotRequested && !parse_connection_status(*status)) {
    co_return error_response(
        make_error(Errc::invalid_value,
                   "status must be pending, approved, rejected, expired or not_requested"));
  }
  std::size_t limit = kMatrixDefaultLimit;
  if (const auto* text = ctx.query_param("limit")) {
    const auto n = parse_id(*text);
    if (!n || *n > static_cast<std::int64_t>(kMatrixMaxLimit)) {
      co_return error_response(
          make_error(Errc::invalid_value,
                     "limit must be a whole number from 1 to " + std::to_string(kMatrixMaxLimit)));
    }
    limit = static_cast<std::size_t>(*n);
  }
  std::optional<Cell> after;
  if (const auto* text = ctx.query_param("after")) {
    const auto slash = text->find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == text->size()) {
      co_return error_response(make_error(
          Errc::invalid_value, "after must be the next_after value of the previous page"));
    }
    after =
        Cell{std::string_view(*text).substr(0, slash), std::string_view(*text).substr(slash + 1)};
    if (!is_id(after->school) || !is_id(after->app)) {
      co_return error_response(make_error(
          Errc::invalid_value, "after must be the next_after value of the previous page"));
    }
  }
  const auto* only_app = ctx.query_param("app");
  const auto* only_school = ctx.query_param("school");
  using Filter = std::pair<std::string_view, const std::string*>;
  for (const auto& [name, value] : {Filter{"app", only_app}, Filter{"school", only_school}}) {
    if (value == nullptr) continue;
    if (auto id = check_id(name, *value); !id) co_return error_response(id.error());
  }
  co_return co_await as_trust_admin(
      ctx, g, [&](const User&, const Site& trust) -> Result<http::Response> {
        const auto schools = g.edge.directory.schools_of_trust(trust.id);
        if (only_school != nullptr &&
            std::none_of(schools.begin(), schools.end(),
                         [&](const Site& x) { return x.id == *only_school; })) {
          return make_error(Errc::unknown_school,
                            "no school '" + *only_school + "' in " + trust.name);
        }
        if (only_app != nullptr && g.edge.policy.find_app(*only_app) == nullptr)
          return make_error(Errc::unknown_app, "no app '" + *only_app + "'");
        const auto connections = g.consent.trust_connections(trust.id);
        std::map<Cell, const store::Connection*> by_cell;
        for (const auto& c : connections)
          by_cell.emplace(Cell{c.school_id, c.app_id}, &c);

        nlohmann::json items = nlohmann::json::array();
        std::size_t total = 0;
        std::optional<Cell> last;
        bool more = false;
        for (const auto& school : schools) {
          if (only_school != nullptr && school.id != *only_school) continue;
          for (const auto& app : g.edge.policy.apps()) {
            if (only_app != nullptr && app.id != *only_app) continue;
            const Cell cell{school.id, app.id};
            const auto found = by_cell.find(cell);
            const store::Connection* c = found == by_cell.end() ? nullptr : found->second;
            const std::string_view cell_status = c ? to_string(c->status) : kNotRequested;
            if (status != nullptr && cell_status != *status) continue;
            ++total;
            if ((after && cell <= *after) || more) continue;
            if (items.size() == limit) {
              more = true;
              continue;
            }
            last = cell;
            // An approval of an earlier version: what the current set adds waits for review.
            const bool behind = c != nullptr && c->status == ConnectionStatus::approved &&
                                c->permission_set_version != app.permissions.version();
            items.push_back(
                {{"school", school.id},
                 {"school_name", school.name},
                 {"app", app.id},
                 {"app_name", app.name},
                 {"status", cell_status},
                 {"decided_at", c && c->decided_at ? nlohmann::json(format_rfc3339(*c->decided_at))
                                                   : nlohmann::json(nullptr)},
                 {"decided_by", c && !c->decided_by.empty() ? nlohmann::json(c->decided_by)
                                                            : nlohmann::json(nullptr)},
                 {"permissions_for_review",
                  behind ? permissions_for_review(app, c->permission_set_version)
                         : nlohmann::json::array()}});
          }
        }
        return json_response(200, {{"trust", trust.id},
                                   {"total", total},
                                   {"items", std::move(items)},
                                   {"next_after", more && last ? nlohmann::json(cursor_of(*last))
                                                               : nlohmann::json(nullptr)}});
      });
}

asio::awaitable<http::Response> export_csv(http::RequestContext& ctx, TrustRoutes& g) {
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  co_return co_await as_trust_admin(
      ctx, g, [&](const User&, const Site& trust) -> Result<http::Response> {
        http::Response r{200, "text/csv; charset=utf-8", g.consent.trust_export_csv(trust), {}};
        r.headers.emplace_back("Content-Disposition",
                               "attachment; filename=\"" + trust.id + "-partner-apps.csv\"");
        return r;
      });
}

}  // namespace

void add_trust_routes(http::Router& router, TrustRoutes& g) {
  using M = http::Method;
  router.add(M::get, "/api/v1/trusts/{trust}/schools",
             [&g](auto& ctx) { return list_schools(ctx, g); });
  router.add(M::post, "/api/v1/trusts/{trust}/schools/{school}/terms-acceptance",
             [&g](auto& ctx) { return accept_terms(ctx, g); });
  router.add(M::get, "/api/v1/trusts/{trust}/apps", [&g](auto& ctx) { return matrix(ctx, g); });
  router.add(M::get, "/api/v1/trusts/{trust}/deletion-attestations",
             [&g](auto& ctx) { return list_deletions(ctx, g); });
  router.add(M::get, "/api/v1/trusts/{trust}/export.csv",
             [&g](auto& ctx) { return export_csv(ctx, g); });
}

}  // namespace canopy::api
