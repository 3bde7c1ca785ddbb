// JSON views of domain objects, shared by the routes that show them.
#pragma once

#include <nlohmann/json.hpp>

#include "core/site.hpp"
#include "policy/snapshot.hpp"
#include "store/store.hpp"

namespace canopy::api {

nlohmann::json user_view(const User& user);
nlohmann::json connection_summary(const store::Connection& c, const policy::App& app);
// The slide-over: the app, its status, and per data type the fields and R/W/U/D ticks.
nlohmann::json connection_detail(const store::Connection* c, const policy::App& app,
                                 const Site& school);
nlohmann::json permission_table(const PermissionSet& set);

}  // namespace canopy::api
