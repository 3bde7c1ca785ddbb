// Each resource file registers its own routes; routes.cpp calls them all.
#pragma once

#include "api/services.hpp"

namespace canopy::api {

void add_session_routes(http::Router& router, Services& s);
void add_school_app_routes(http::Router& router, Services& s);
void add_partner_routes(http::Router& router, Services& s);
void add_decision_routes(http::Router& router, Services& s);
void add_trust_routes(http::Router& router, Services& s);
void add_bulk_decision_routes(http::Router& router, Services& s);
void add_notification_routes(http::Router& router, Services& s);
void add_user_routes(http::Router& router, Services& s);
void add_audit_routes(http::Router& router, Services& s);
void add_policy_routes(http::Router& router, Services& s);
void add_ui_routes(http::Router& router);

}  // namespace canopy::api
