// Each resource file registers its own routes with its own group's dependencies; routes.cpp
// calls them all.
#pragma once

#include "api/services.hpp"

namespace canopy::api {

void add_session_routes(http::Router& router, SessionRoutes& g);
void add_school_app_routes(http::Router& router, SchoolAppRoutes& g);
void add_partner_routes(http::Router& router, PartnerRoutes& g);
void add_decision_routes(http::Router& router, DecisionRoutes& g);
void add_trust_routes(http::Router& router, TrustRoutes& g);
void add_bulk_decision_routes(http::Router& router, BulkDecisionRoutes& g);
void add_notification_routes(http::Router& router, NotificationRoutes& g);
void add_user_routes(http::Router& router, UserRoutes& g);
void add_audit_routes(http::Router& router, AuditRoutes& g);
void add_policy_routes(http::Router& router, PolicyRoutes& g);
void add_event_routes(http::Router& router, EventRoutes& g);
void add_site_routes(http::Router& router, SiteRoutes& g);
void add_connect_routes(http::Router& router, ConnectRoutes& g);
void add_ui_routes(http::Router& router);

}  // namespace canopy::api
