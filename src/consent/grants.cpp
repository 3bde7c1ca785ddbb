#include "consent/grants.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

namespace canopy::consent {

std::string grants_json(const PermissionSet& set) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& g : set.grants()) {  // sorted by type; fields sorted within
    nlohmann::json ops = nlohmann::json::array();
    for (const Operation op : kAllOperations) {
      if (g.operations.has(op)) ops.push_back(to_string(op));
    }
    out.push_back({{"type", g.data_type},
                   {"all_fields", g.all_fields},
                   {"fields", g.fields},
                   {"operations", std::move(ops)}});
  }
  return out.dump();
}

std::optional<PermissionSet> parse_grants(int version, std::string_view json) {
  const auto doc = nlohmann::json::parse(json, nullptr, false);
  if (!doc.is_array()) return std::nullopt;
  std::vector<DataTypeGrant> grants;
  for (const auto& item : doc) {
    if (!item.is_object() || !item.contains("type") || !item["type"].is_string() ||
        !item.contains("fields") || !item["fields"].is_array() || !item.contains("operations") ||
        !item["operations"].is_array())
      return std::nullopt;
    DataTypeGrant g;
    g.data_type = item["type"];
    g.all_fields = item.value("all_fields", false);
    for (const auto& f : item["fields"]) {
      if (!f.is_string()) return std::nullopt;
      g.fields.push_back(f);
    }
    std::sort(g.fields.begin(), g.fields.end());
    for (const auto& o : item["operations"]) {
      const auto op = o.is_string() ? parse_operation(o.get<std::string>()) : std::nullopt;
      if (!op) return std::nullopt;
      g.operations.add(*op);
    }
    grants.push_back(std::move(g));
  }
  return PermissionSet(version, std::move(grants));
}

Result<Reconciled> reconcile_grants(const std::shared_ptr<const policy::PolicySnapshot>& loaded,
                                    store::GrantStore& store, TimePoint now) {
  std::vector<store::RecordedGrant> sets;
  for (const auto& app : loaded->apps()) {
    sets.push_back({app.id, app.permissions.version(), grants_json(app.permissions), now});
    for (const auto& earlier : app.history)
      sets.push_back({app.id, earlier.version(), grants_json(earlier), now});
  }
  const auto recorded = store.record_grants(sets);

  std::map<std::pair<std::string, int>, const store::RecordedGrant*> by_version;
  for (const auto& r : recorded)
    by_version[{r.app_id, r.version}] = &r;
  std::string errors;
  for (const auto& s : sets) {
    const auto* r = by_version.at({s.app_id, s.version});
    if (r->grants != s.grants) {
      errors += "apps/" + s.app_id + ".yaml: version " + std::to_string(s.version) +
                " grants other than the set recorded on " + format_rfc3339(r->recorded_at) +
                " (what the schools that approved it approved); give changed grants a new "
                "version\n";
    }
  }
  if (!errors.empty()) {
    errors.pop_back();
    return make_error(Errc::invalid_value, errors);
  }

  // Versions the store knows and the files dropped come back into the apps' history.
  Reconciled out;
  std::vector<policy::App> apps = loaded->apps();
  for (auto& app : apps) {
    for (const auto& r : recorded) {
      if (r.app_id != app.id || app.permissions_at(r.version) != nullptr) continue;
      if (r.version > app.permissions.version()) continue;  // a newer replica's; not ours to use
      auto set = parse_grants(r.version, r.grants);
      if (!set) continue;
      app.history.push_back(std::move(*set));
      ++out.restored;
    }
    std::sort(
        app.history.begin(), app.history.end(),
        [](const PermissionSet& a, const PermissionSet& b) { return a.version() > b.version(); });
  }
  if (out.restored == 0) {
    out.snapshot = loaded;
    return out;
  }
  out.snapshot = std::make_shared<const policy::PolicySnapshot>(
      std::move(apps), loaded->data_types(), loaded->permissions(), loaded->roles());
  return out;
}

}  // namespace canopy::consent
