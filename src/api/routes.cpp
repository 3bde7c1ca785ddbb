// The whole route table, plus health and readiness.
#include "api/edge.hpp"
#include "api/json_body.hpp"
#include "api/route_groups.hpp"

namespace canopy::api {

void add_routes(http::Router& router, Services& s) {
  router.set_param_rules(path_param_rules());
  add_session_routes(router, s);
  add_school_app_routes(router, s);
  add_partner_routes(router, s);
  add_decision_routes(router, s);
  add_trust_routes(router, s);
  add_bulk_decision_routes(router, s);
  add_notification_routes(router, s);
  add_user_routes(router, s);
  add_audit_routes(router, s);
  add_policy_routes(router, s);
  add_ui_routes(router);

  router.add(http::Method::get, "/healthz",
             [](http::RequestContext&) -> asio::awaitable<http::Response> {
               co_return json_response(200, {{"status", "ok"}});
             });
  // Answered from the last probe, at once: a probe queued behind busy pools would time out
  // and take a working replica out of service.
  router.add(http::Method::get, "/readyz",
             [&s](http::RequestContext&) -> asio::awaitable<http::Response> {
               co_return s.ready()
                   ? json_response(200, {{"status", "ready"}})
                   : json_response(503, {{"code", "unavailable"}, {"message", "not ready"}});
             });
}

}  // namespace canopy::api
