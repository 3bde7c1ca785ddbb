// The whole route table, plus health and readiness.
#include "api/edge.hpp"
#include "api/json_body.hpp"
#include "api/route_groups.hpp"

namespace canopy::api {

void add_routes(http::Router& router, RouteGroups& g) {
  router.set_param_rules(path_param_rules());
  add_session_routes(router, g.sessions);
  add_school_app_routes(router, g.school_apps);
  add_partner_routes(router, g.partners);
  add_decision_routes(router, g.decisions);
  add_trust_routes(router, g.trusts);
  add_bulk_decision_routes(router, g.bulk_decisions);
  add_notification_routes(router, g.notifications);
  add_user_routes(router, g.users);
  add_audit_routes(router, g.audit);
  add_policy_routes(router, g.policies);
  add_event_routes(router, g.events);
  add_site_routes(router, g.sites);
  add_connect_routes(router, g.connect);
  add_ui_routes(router);

  router.add(http::Method::get, "/healthz",
             [](http::RequestContext&) -> asio::awaitable<http::Response> {
               co_return json_response(200, {{"status", "ok"}});
             });
  // Answered from the last probe, at once: a probe queued behind busy pools would time out
  // and take a working replica out of service.
  router.add(http::Method::get, "/readyz",
             [&g](http::RequestContext&) -> asio::awaitable<http::Response> {
               co_return g.ready()
                   ? json_response(200, {{"status", "ready"}})
                   : json_response(503, {{"code", "unavailable"}, {"message", "not ready"}});
             });
}

}  // namespace canopy::api
