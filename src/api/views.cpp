// JSON shapes documented in docs/openapi.yaml.
#include "api/views.hpp"

#include <algorithm>
#include <iterator>

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
                    {"delete", g.operations.has(Operation::del)},
                    {"purpose", g.purpose}});
  }
  return rows;
}

nlohmann::json permissions_for_review(const policy::App& app, int approved_version) {
  nlohmann::json rows = nlohmann::json::array();
  if (approved_version == app.permissions.version()) return rows;
  const PermissionSet* approved = app.permissions_at(approved_version);
  // One row per (fields, operations) the current set asks for and the approval did not give.
  // Each with the current set's purpose for its data type: why the app now asks for it.
  const auto row = [&rows](const DataTypeGrant& g, nlohmann::json fields, Operations ops) {
    rows.push_back({{"data_type", g.data_type},
                    {"fields", std::move(fields)},
                    {"read", ops.has(Operation::read)},
                    {"write", ops.has(Operation::write)},
                    {"update", ops.has(Operation::update)},
                    {"delete", ops.has(Operation::del)},
                    {"purpose", g.purpose}});
  };
  for (const auto& g : app.permissions.grants()) {
    const DataTypeGrant* before = approved != nullptr ? approved->find(g.data_type) : nullptr;
    if (before == nullptr) {  // a data type not approved at all
      row(g, g.all_fields ? nlohmann::json("all") : nlohmann::json(g.fields), g.operations);
      continue;
    }
    Operations added;
    for (const Operation op : kAllOperations) {
      if (g.operations.has(op) && !before->operations.has(op)) added.add(op);
    }
    std::vector<std::string> kept;  // approved fields, with operations added to them
    std::set_intersection(g.fields.begin(), g.fields.end(), before->fields.begin(),
                          before->fields.end(), std::back_inserter(kept));
    if (!added.empty() && !kept.empty()) {
      const bool all = g.all_fields && before->all_fields;
      row(g, all ? nlohmann::json("all") : nlohmann::json(kept), added);
    }
    std::vector<std::string> fresh;  // fields not approved, with every operation asked for
    std::set_difference(g.fields.begin(), g.fields.end(), before->fields.begin(),
                        before->fields.end(), std::back_inserter(fresh));
    if (!fresh.empty()) row(g, fresh, g.operations);
  }
  return rows;
}

nlohmann::json deletion_view(const store::DeletionRequest& d, std::string_view state,
                             const policy::App* app) {
  return {{"school", d.school_id},
          {"app", d.app_id},
          {"app_name", app != nullptr ? nlohmann::json(app->name) : nlohmann::json(nullptr)},
          {"requested_at", format_rfc3339(d.requested_at)},
          {"due_by", format_rfc3339(d.due_at)},
          {"state", state},
          {"attested_at", time_or_null(d.attested_at)},
          {"note", d.note}};
}

nlohmann::json reject_reason_view(const store::Connection& c) {
  if (!c.reject_reason) return nullptr;
  return {{"code", to_string(*c.reject_reason)},
          {"text", describe(*c.reject_reason)},
          {"note", c.reject_note}};
}

nlohmann::json connection_summary(const store::Connection& c, const policy::App& app) {
  return {
      {"app", app.id},
      {"name", app.name},
      {"vendor", app.vendor},
      {"kind", to_string(app.kind)},
      {"status", to_string(c.status)},
      {"permission_set_version", c.permission_set_version},
      {"requested_at", format_rfc3339(c.requested_at)},
      {"decided_at", time_or_null(c.decided_at)},
      {"decided_by", c.decided_by.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.decided_by)},
      {"reject_reason", reject_reason_view(c)}};
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
           {"decided_by", nullptr},
           {"reject_reason", nullptr}};
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
  nlohmann::json review = nlohmann::json::array();
  if (c != nullptr && c->status == ConnectionStatus::approved &&
      c->permission_set_version != app.permissions.version()) {
    review = permissions_for_review(app, c->permission_set_version);
    if (app.permissions_at(c->permission_set_version) == nullptr) {
      warnings.push_back(
          "The app now asks for permission set version " +
          std::to_string(app.permissions.version()) + "; the version the school approved (" +
          std::to_string(c->permission_set_version) +
          ") is no longer kept, so the app is denied until the school approves again.");
    } else if (!review.empty()) {
      warnings.push_back("The app now asks for more than the school approved (version " +
                         std::to_string(app.permissions.version()) + " over version " +
                         std::to_string(c->permission_set_version) +
                         "): it keeps what both grant, and the additions under \"For review\" "
                         "are denied until the school approves again.");
    }
  }
  out["permissions_for_review"] = std::move(review);
  if (app.kind == policy::AppKind::data_provider) {
    warnings.push_back(
        "Data providers may only read. Apps that use this provider get their data "
        "through it, once the school authorises them within the provider.");
  }
  out["warnings"] = std::move(warnings);
  out["permissions"] = permission_table(app.permissions);
  return out;
}

nlohmann::json terms_view(const Site& school, const store::TermsAcceptance* accepted) {
  return {{"site", school.id},
          {"version", school.terms.version},
          {"title", school.terms.title},
          {"accepted", accepted != nullptr},
          {"accepted_at", accepted ? nlohmann::json(format_rfc3339(accepted->accepted_at))
                                   : nlohmann::json(nullptr)}};
}

nlohmann::json terms_acceptance_view(const store::TermsAcceptance& a) {
  return {{"site", a.site_id},
          {"version", a.version},
          {"title", a.title},
          {"acting_site", a.acting_site},
          {"accepted_at", format_rfc3339(a.accepted_at)}};
}

nlohmann::json notification_view(const store::Notification& n, const Site* school,
                                 const policy::App* app) {
  const std::string app_name = app ? app->name : n.app_id;
  const std::string school_name = school ? school->name : n.school_id;
  std::string message;
  switch (n.kind) {
    case store::NotificationKind::connection_requested:
      message =
          app_name + " asks to connect to " + school_name + ": review it under Pending requests";
      break;
  }
  return {{"id", n.id},
          {"kind", to_string(n.kind)},
          {"school", {{"id", n.school_id}, {"name", school_name}}},
          {"app", {{"id", n.app_id}, {"name", app_name}}},
          {"message", message},
          {"created_at", format_rfc3339(n.created_at)},
          {"read", n.read_at.has_value()},
          {"read_at", time_or_null(n.read_at)}};
}

nlohmann::json login_view(const store::LoginAttempt& a) {
  return {{"id", a.id},
          {"at", format_rfc3339(a.at)},
          {"outcome", a.outcome},
          {"address", a.address},
          {"user_agent", a.user_agent}};
}

nlohmann::json site_user_view(const User& user, const store::LoginAttempt* last_sign_in) {
  nlohmann::json last(nullptr);
  if (last_sign_in != nullptr) {
    last = {{"at", format_rfc3339(last_sign_in->at)}, {"outcome", last_sign_in->outcome}};
  }
  return {{"email", user.email},
          {"name", user.name},
          {"roles", user.roles},
          {"disabled", user.disabled},
          {"last_sign_in", std::move(last)}};
}

nlohmann::json audit_view(const store::AuditRecord& r, const User* user) {
  const bool chained = r.seq > 0;
  const auto or_null = [](bool present, auto value) {
    return present ? nlohmann::json(std::move(value)) : nlohmann::json(nullptr);
  };
  return {{"id", r.id},
          {"seq", or_null(chained, r.seq)},
          {"school", r.school_id},
          {"app", r.app_id},
          {"action", r.action},
          {"from_status",
           r.from_status ? nlohmann::json(to_string(*r.from_status)) : nlohmann::json(nullptr)},
          {"to_status", to_string(r.to_status)},
          {"actor",
           {{"kind", to_string(r.actor_kind)},
            {"id", r.actor},
            {"user_id", or_null(user != nullptr, user ? user->id : 0)},
            {"email", or_null(r.actor_kind == store::ActorKind::user, r.actor)},
            {"name", or_null(user != nullptr, user ? user->name : std::string())}}},
          {"actor_site", r.actor_site},
          {"actor_role", r.actor_role},
          {"via_trust", r.via_trust},
          {"at", format_rfc3339(r.at)},
          {"request_id", r.request_id},
          // null when the client sent none (or, before schema version 7, nothing was kept)
          {"client_request_id", or_null(r.client_request_id && !r.client_request_id->empty(),
                                        r.client_request_id.value_or(""))},
          {"reason", r.reason ? nlohmann::json{{"code", *r.reason}, {"note", r.reason_note}}
                              : nlohmann::json(nullptr)},
          {"permission_set_version", r.permission_set_version},
          {"prev_hash", or_null(chained, r.prev_hash)},
          {"hash", or_null(chained, r.hash)}};
}

nlohmann::json next_before(bool more, std::int64_t last_id) {
  return more ? nlohmann::json(last_id) : nlohmann::json(nullptr);
}

}  // namespace canopy::api
