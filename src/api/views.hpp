// JSON views of domain objects, shared by the routes that show them.
#pragma once

#include <nlohmann/json.hpp>

#include "core/site.hpp"
#include "policy/snapshot.hpp"
#include "store/store.hpp"

namespace canopy::api {

nlohmann::json user_view(const User& user);
// A deletion request after a revocation, with its state and the app's name (null when the app
// left the catalogue).
nlohmann::json deletion_view(const store::DeletionRequest& d, std::string_view state,
                             const policy::App* app);

// A rejected connection's reason: {code, text, note}, or null.
nlohmann::json reject_reason_view(const store::Connection& c);
nlohmann::json connection_summary(const store::Connection& c, const policy::App& app);
// The slide-over: the app, its status, and per data type the fields and R/W/U/D ticks.
nlohmann::json connection_detail(const store::Connection* c, const policy::App& app,
                                 const Site& school);
nlohmann::json permission_table(const PermissionSet& set);
// What the app's current set asks for beyond what a school approved at `approved_version`, as
// rows like permission_table's (fields, and the operations asked for on them): empty at the
// current version; everything when the policies no longer keep that version.
nlohmann::json permissions_for_review(const policy::App& app, int approved_version);

// A school's terms and, for the asking user, whether and when they accepted that version.
nlohmann::json terms_view(const Site& school, const store::TermsAcceptance* accepted);
nlohmann::json terms_acceptance_view(const store::TermsAcceptance& a);
// `school` and `app` name the notification's school and app (either may be null when gone).
nlohmann::json notification_view(const store::Notification& n, const Site* school,
                                 const policy::App* app);
nlohmann::json login_view(const store::LoginAttempt& attempt);
// A user of a site with their newest sign-in attempt (null when they have none).
nlohmann::json site_user_view(const User& user, const store::LoginAttempt* last_sign_in);
// An audit record with its chain link; `user` is the acting user when the actor is one Canopy
// knows (null otherwise: a partner, the system, or a user since removed).
nlohmann::json audit_view(const store::AuditRecord& record, const User* user);
// The id to pass as `before` for the next page, or null on the last page.
nlohmann::json next_before(bool more, std::int64_t last_id);

}  // namespace canopy::api
