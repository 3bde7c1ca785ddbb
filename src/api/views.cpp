// JSON shapes documented in docs/openapi.yaml.
#include "api/views.hpp"

namespace canopy::api {
namespace {
nlohmann::json time_or_null(const std::optional<TimePoint>& t) {
  return t ? nlohmann::json(format_rfc3339(*t)) : nlohmann::json(nullptr);
}
}  // namespace

nlohmann::json user_view(const User& user) {
  return {{"email", user.email},
          {"name", user.name},
          {"home_site", user.home_site},
          {"roles", user.roles}};
}

nlohmann::json permission_table(const PermissionSet& set) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& g : set.grants()) {
    rows.push_back({{"data_type", g.data_type},
                    {"fields", g.all_fields ? nlohmann::json("all") : nlohmann::json(g.fields)},
                    {"read", g.operations.has(Operation::read)},
                    {"write", g.operations.has(Operation::write)},
                    {"update", g.operations.has(Operation::update)},
                    {"delete", g.operations.has(Operation::del)}});
  }
  return rows;
}

nlohmann::json connection_summary(const store::Connection& c, const policy::App& app) {
  return {{"app", app.id},
          {"name", app.name},
          {"vendor", app.vendor},
          {"kind", to_string(app.kind)},
          {"status", to_string(c.status)},
          {"permission_set_version", c.permission_set_version},
          {"requested_at", format_rfc3339(c.requested_at)},
          {"decided_at", time_or_null(c.decided_at)},
          {"decided_by",
           c.decided_by.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.decided_by)}};
}

nlohmann::json connection_detail(const store::Connection* c, const policy::App& app,
                                 const Site& school) {
  nlohmann::json out;
  if (c != nullptr) {
    out = connection_summary(*c, app);
  } else {
    out = {{"app", app.id},
           {"name", app.name},
           {"vendor", app.vendor},
           {"kind", to_string(app.kind)},
           {"status", "not_requested"},
           {"permission_set_version", nullptr},
           {"requested_at", nullptr},
           {"decided_at", nullptr},
           {"decided_by", nullptr}};
  }
  out["description"] = app.description;
  out["website"] = app.website;
  out["live"] = app.live;
  out["competitor"] = app.competitor;
  out["alternative_connection"] = app.alternative_connection;
  out["current_permission_set_version"] = app.permissions.version();
  out["school"] = {{"id", school.id}, {"name", school.name}, {"dummy", school.dummy}};
  nlohmann::json warnings = nlohmann::json::array();
  if (school.dummy) {
    warnings.push_back(
        "This school site is still in data migration. An approval here survives the wipe and "
        "remigration, but record ids (students, staff) change then: the app must be told to use "
        "the new ids.");
  }
  if (c != nullptr && c->status == ConnectionStatus::approved &&
      c->permission_set_version != app.permissions.version()) {
    warnings.push_back("The app now asks for a different permission set (version " +
                       std::to_string(app.permissions.version()) +
                       ") than the school approved (version " +
                       std::to_string(c->permission_set_version) +
                       "); it is denied until the school approves again.");
  }
  if (app.kind == policy::AppKind::data_provider) {
    warnings.push_back(
        "Data providers may only read. Apps that use this provider get their data "
        "through it, once the school authorises them within the provider.");
  }
  out["warnings"] = std::move(warnings);
  out["permissions"] = permission_table(app.permissions);
  return out;
}

}  // namespace canopy::api
