// CSV export of an app's permission set.
#include "consent/export.hpp"

namespace canopy::consent {

std::string csv_cell(std::string_view value) {
  std::string cell(value);
  if (!cell.empty() && std::string_view("=+-@\t\r").find(cell[0]) != std::string_view::npos) {
    cell.insert(cell.begin(), '\'');
  }
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string data_csv(const policy::App& app) {
  std::string out = "app,permission_set_version,data_type,field,read,write,update,delete\r\n";
  const auto row = [&](const DataTypeGrant& grant, std::string_view field) {
    out += csv_cell(app.name) + ',' + std::to_string(app.permissions.version()) + ',' +
           csv_cell(grant.data_type) + ',' + csv_cell(field);
    for (Operation op : kAllOperations)
      out += grant.operations.has(op) ? ",yes" : ",no";
    out += "\r\n";
  };
  for (const auto& grant : app.permissions.grants()) {
    for (const auto& f : grant.fields)
      row(grant, f);
  }
  return out;
}

std::string trust_csv(std::span<const TrustExportRow> rows) {
  std::string out =
      "school,school_name,app,app_name,status,permission_set_version,data_type,fields,operations,"
      "decided_by,decided_at\r\n";
  for (const auto& [school, app, c, decided_by] : rows) {
    const std::string head = csv_cell(school->id) + ',' + csv_cell(school->name) + ',' +
                             csv_cell(app->id) + ',' + csv_cell(app->name) + ',' +
                             std::string(to_string(c->status)) + ',' +
                             std::to_string(c->permission_set_version) + ',';
    const std::string tail =
        ',' + csv_cell(decided_by) + ',' + (c->decided_at ? format_rfc3339(*c->decided_at) : "");
    for (const auto& grant : app->permissions.grants()) {
      std::string fields;
      for (const auto& f : grant.fields)
        fields.append(fields.empty() ? "" : "; ").append(f);
      std::string operations;
      for (Operation op : kAllOperations) {
        if (grant.operations.has(op))
          operations.append(operations.empty() ? "" : "; ").append(to_string(op));
      }
      out += head + csv_cell(grant.data_type) + ',' + csv_cell(fields) + ',' + operations + tail +
             "\r\n";
    }
  }
  return out;
}

}  // namespace canopy::consent
