// Validation of policies/: the only way a PolicySnapshot comes to exist.
#include <algorithm>
#include <optional>
#include <set>

#include "core/id.hpp"
#include "policy/snapshot.hpp"
#include "policy/yaml_reader.hpp"

namespace canopy::policy {
namespace {

namespace fs = std::filesystem;

// Why `uri` cannot be a redirect URI, if it cannot: absolute https (or http on a loopback
// host, for a partner's development), no fragment, no credentials, no spaces or controls,
// at most 500 bytes. Compared exactly, so nothing else needs normalising.
std::optional<std::string> redirect_uri_problem(const std::string& uri) {
  if (uri.size() > 500) return "is longer than 500 bytes";
  for (const unsigned char c : uri)
    if (c <= 0x20 || c >= 0x7f) return "holds a space, a control or a non-ASCII character";
  const bool https = uri.rfind("https://", 0) == 0;
  const bool http = uri.rfind("http://", 0) == 0;
  if (!https && !http) return "is not an absolute https URL";
  const auto rest = uri.substr(https ? 8 : 7);
  const auto host_end = rest.find_first_of("/?#");
  const auto authority = rest.substr(0, host_end);
  if (authority.empty()) return "has no host";
  if (authority.find('@') != std::string::npos) return "holds credentials";
  if (uri.find('#') != std::string::npos) return "has a fragment";
  if (http) {
    // The host without its port: "[::1]:8000" to "[::1]", "localhost:3000" to "localhost".
    const auto host = authority.front() == '[' ? authority.substr(0, authority.find(']') + 1)
                                               : authority.substr(0, authority.find(':'));
    if (host != "localhost" && host != "127.0.0.1" && host != "[::1]")
      return "is http on a host other than localhost (use https)";
  }
  return std::nullopt;
}

// Why `purpose` cannot say why an app needs a data type, if it cannot: one plain line a school
// reads beside the permission, 1 to 200 bytes, no control characters.
std::optional<std::string> purpose_problem(const std::string& purpose) {
  if (purpose.empty() || purpose.size() > 200)
    return "purpose must say in 1 to 200 bytes why the app needs this data";
  for (const unsigned char c : purpose)
    if (c < 0x20 || c == 0x7f) return "purpose must be one line of plain text";
  return std::nullopt;
}

// FNV-1a, 64 bits, over each file's name (relative to the directory) and the bytes the loader
// parsed: which policies a process runs, for /metrics and the logs. Not a security measure.
class FileDigest {
 public:
  void add(std::string_view name, std::string_view bytes) {
    mix(name);
    mix(bytes);
  }
  std::string hex() const {
    static constexpr char kHex[] = "0123456789abcdef";
    std::uint64_t h = h_;
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, h >>= 4)
      out[static_cast<std::size_t>(i)] = kHex[h & 0xf];
    return out;
  }

 private:
  void mix(std::string_view bytes) {
    for (const char c : bytes) {
      h_ ^= static_cast<unsigned char>(c);
      h_ *= 0x100000001b3ULL;
    }
    h_ ^= 0xff;  // a separator no file name or byte run can fake
    h_ *= 0x100000001b3ULL;
  }
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

class Loader {
 public:
  Loader(fs::path dir, std::vector<std::string>& errors) : dir_(std::move(dir)), errors_(errors) {}

  void load_permissions(const fs::path& file) {
    YamlReader r(file, errors_);
    auto root = load(r);
    if (!root || !r.check_map(*root, "permissions.yaml", {"permissions"})) return;
    const YAML::Node list = (*root)["permissions"];
    if (!r.check_sequence(list, "permissions")) return;
    for (const auto& item : list) {
      if (!r.check_map(item, "a permission", {"name"}, {"description"})) continue;
      auto name = r.string(item, "name");
      if (!name) continue;
      if (!permission_names_.insert(*name).second) {
        r.error(item, "duplicate permission '" + *name + "'");
        continue;
      }
      permissions_.push_back({*name, r.string(item, "description").value_or("")});
    }
  }

  void load_roles(const fs::path& file) {
    YamlReader r(file, errors_);
    auto root = load(r);
    if (!root || !r.check_map(*root, "business_roles.yaml", {"business_roles"})) return;
    const YAML::Node list = (*root)["business_roles"];
    if (!r.check_sequence(list, "business_roles")) return;
    std::set<std::string> ids;
    for (const auto& item : list) {
      if (!r.check_map(item, "a business role", {"id", "name", "site_kind", "permissions"}))
        continue;
      BusinessRole role;
      auto id = r.string(item, "id");
      auto name = r.string(item, "name");
      auto kind = r.string(item, "site_kind");
      auto perms = r.string_list(item, "permissions");
      if (!id || !name || !kind || !perms) continue;
      if (!is_id(*id))
        r.error(item["id"],
                "role id '" + *id + "' must be lower-case letters, digits, '-' and '_'");
      if (!ids.insert(*id).second) r.error(item["id"], "duplicate business role '" + *id + "'");
      if (*kind == "school")
        role.site_kind = SiteKind::school;
      else if (*kind == "trust")
        role.site_kind = SiteKind::trust;
      else
        r.error(item["site_kind"], "site_kind must be school or trust, not '" + *kind + "'");
      std::size_t i = 0;
      for (const auto& p : *perms) {
        if (!permission_names_.contains(p)) {
          r.error(item["permissions"][i],
                  "role '" + *id + "' names unknown permission '" + p + "'");
        }
        ++i;
      }
      role.id = *id;
      role.name = *name;
      role.permissions = *perms;
      roles_.push_back(std::move(role));
    }
  }

  void load_data_types(const fs::path& file) {
    YamlReader r(file, errors_);
    auto root = load(r);
    if (!root || !r.check_map(*root, "data_types.yaml", {"data_types"})) return;
    const YAML::Node list = (*root)["data_types"];
    if (!r.check_sequence(list, "data_types")) return;
    for (const auto& item : list) {
      if (!r.check_map(item, "a data type", {"name", "fields"})) continue;
      auto name = r.string(item, "name");
      auto fields = r.string_list(item, "fields");
      if (!name || !fields) continue;
      if (std::any_of(data_types_.begin(), data_types_.end(),
                      [&](const DataTypeDef& d) { return d.name == *name; })) {
        r.error(item["name"], "duplicate data type '" + *name + "'");
        continue;
      }
      std::set<std::string> seen;
      for (std::size_t i = 0; i < fields->size(); ++i) {
        if (!seen.insert((*fields)[i]).second) {
          r.error(item["fields"][i], "duplicate field '" + (*fields)[i] + "' in " + *name);
        }
      }
      data_types_.push_back({*name, *fields});
    }
  }

  void load_app(const fs::path& file) {
    YamlReader r(file, errors_);
    auto root = load(r);
    if (!root || !r.check_map(*root, "an app file", {"app", "permission_set"}, {"history"})) return;
    const YAML::Node a = (*root)["app"];
    if (!r.check_map(a, "app", {"id", "name", "vendor", "kind", "live", "competitor"},
                     {"alternative_connection", "redirect_uris", "website", "description"})) {
      return;
    }
    App app;
    auto id = r.string(a, "id");
    auto name = r.string(a, "name");
    auto vendor = r.string(a, "vendor");
    auto kind = r.string(a, "kind");
    auto live = r.boolean(a, "live");
    auto competitor = r.boolean(a, "competitor");
    if (!id || !name || !vendor || !kind || !live || !competitor) return;
    if (!is_id(*id)) {
      r.error(a["id"], "app id '" + *id + "' must be lower-case letters, digits, '-' and '_'");
    } else if (*id != file.stem().string()) {
      r.error(a["id"],
              "app id '" + *id + "' must match the file name '" + file.filename().string() + "'");
    }
    if (!app_ids_.insert(*id).second) r.error(a["id"], "duplicate app id '" + *id + "'");
    if (*kind == "partner")
      app.kind = AppKind::partner;
    else if (*kind == "data_provider")
      app.kind = AppKind::data_provider;
    else
      r.error(a["kind"], "kind must be partner or data_provider, not '" + *kind + "'");
    app.id = *id;
    app.name = *name;
    app.vendor = *vendor;
    app.live = *live;
    app.competitor = *competitor;
    app.alternative_connection = r.boolean(a, "alternative_connection").value_or(false);
    if (a["redirect_uris"]) {
      app.redirect_uris = r.string_list(a, "redirect_uris").value_or(std::vector<std::string>{});
      for (std::size_t i = 0; i < app.redirect_uris.size(); ++i) {
        if (const auto why = redirect_uri_problem(app.redirect_uris[i]))
          r.error(a["redirect_uris"][i], "redirect_uris: '" + app.redirect_uris[i] + "' " + *why);
      }
      if (!app.alternative_connection && !app.redirect_uris.empty())
        r.error(a["redirect_uris"], "redirect_uris need alternative_connection: true");
    }
    app.website = r.string(a, "website").value_or("");
    app.description = r.string(a, "description").value_or("");
    if (auto set = load_permission_set(r, (*root)["permission_set"], app, /*current=*/true)) {
      app.permissions = std::move(*set);
      if (load_history(r, *root, app)) apps_.push_back(std::move(app));
    }
  }

  LoadResult finish() {
    if (!errors_.empty()) return {nullptr, std::move(errors_)};
    return {std::make_shared<const PolicySnapshot>(std::move(apps_), std::move(data_types_),
                                                   std::move(permissions_), std::move(roles_)),
            {},
            digest_.hex()};
  }

 private:
  // Parses the file, and adds the very bytes it parsed to the digest.
  std::optional<YAML::Node> load(YamlReader& r) {
    auto root = r.load();
    digest_.add(r.file().lexically_relative(dir_).generic_string(), r.text());
    return root;
  }

  // `current`: the app's set in force, whose data types say why the app needs them (`purpose`,
  // shown to schools); what earlier versions' sets (history) say is checked and not kept.
  std::optional<PermissionSet> load_permission_set(YamlReader& r, const YAML::Node& ps,
                                                   const App& app, bool current) {
    if (!r.check_map(ps, "permission_set", {"version", "data_types"})) return std::nullopt;
    auto version = r.integer(ps, "version");
    if (!version) return std::nullopt;
    bool ok = true;
    if (*version < 1 || *version > 1'000'000) {
      r.error(ps["version"], "permission set version must be a positive integer");
      ok = false;
    }
    const YAML::Node list = ps["data_types"];
    if (!r.check_sequence(list, "permission_set.data_types")) return std::nullopt;
    std::vector<DataTypeGrant> grants;
    for (const auto& item : list) {
      if (!r.check_map(item, "a data type grant", {"type", "fields", "operations"}, {"purpose"})) {
        ok = false;
        continue;
      }
      auto grant = load_grant(r, item, app);
      if (!grant) {
        ok = false;
        continue;
      }
      if (item["purpose"]) {
        auto purpose = r.string(item, "purpose");
        if (!purpose) {
          ok = false;
          continue;
        }
        if (const auto problem = purpose_problem(*purpose)) {
          r.error(item["purpose"], *problem);
          ok = false;
          continue;
        }
        if (current) grant->purpose = std::move(*purpose);
      }
      if (std::any_of(grants.begin(), grants.end(),
                      [&](const DataTypeGrant& g) { return g.data_type == grant->data_type; })) {
        r.error(item["type"], "data type '" + grant->data_type + "' is listed twice");
        ok = false;
        continue;
      }
      grants.push_back(std::move(*grant));
    }
    if (!ok) return std::nullopt;
    return PermissionSet(static_cast<int>(*version), std::move(grants));
  }

  // `history:`, the sets of earlier versions, newest first, each with its version and data types
  // as under permission_set.
  bool load_history(YamlReader& r, const YAML::Node& root, App& app) {
    const YAML::Node list = root["history"];
    if (!list) return true;
    if (!r.check_sequence(list, "history")) return false;
    bool ok = true;
    int newer = app.permissions.version();
    for (const auto& item : list) {
      auto set = load_permission_set(r, item, app, /*current=*/false);
      if (!set) {
        ok = false;
        continue;
      }
      if (set->version() >= newer) {
        r.error(item["version"], "history lists earlier versions, newest first: version " +
                                     std::to_string(set->version()) + " must be below " +
                                     std::to_string(newer));
        ok = false;
        continue;
      }
      newer = set->version();
      app.history.push_back(std::move(*set));
    }
    return ok;
  }

  std::optional<DataTypeGrant> load_grant(YamlReader& r, const YAML::Node& item, const App& app) {
    auto type = r.string(item, "type");
    if (!type) return std::nullopt;
    auto def = std::find_if(data_types_.begin(), data_types_.end(),
                            [&](const DataTypeDef& d) { return d.name == *type; });
    if (def == data_types_.end()) {
      r.error(item["type"], "unknown data type '" + *type + "'");
      return std::nullopt;
    }
    DataTypeGrant grant;
    grant.data_type = *type;
    bool ok = true;
    const YAML::Node fields = item["fields"];
    if (fields.IsScalar() && fields.Scalar() == "all") {
      grant.all_fields = true;
      grant.fields = def->fields;
    } else if (auto list = r.string_list(item, "fields")) {
      if (list->empty()) {
        r.error(fields, "fields must be 'all' or a non-empty list");
        ok = false;
      }
      for (std::size_t i = 0; i < list->size(); ++i) {
        const auto& f = (*list)[i];
        if (std::find(def->fields.begin(), def->fields.end(), f) == def->fields.end()) {
          r.error(fields[i], "unknown field '" + f + "' of data type '" + *type + "'");
          ok = false;
        }
      }
      grant.fields = std::move(*list);
    } else {
      ok = false;
    }
    const YAML::Node ops = item["operations"];
    if (!r.check_sequence(ops, "operations")) return std::nullopt;
    for (const auto& op_node : ops) {
      const auto text = op_node.IsScalar() ? op_node.Scalar() : std::string();
      auto op = parse_operation(text);
      if (!op) {
        r.error(op_node, "unknown operation '" + text + "' (read, write, update or delete)");
        ok = false;
      } else if (app.kind == AppKind::data_provider && *op != Operation::read) {
        r.error(op_node, "data provider '" + app.id + "' may only read; '" + text + "' on " +
                             *type + " is not allowed");
        ok = false;
      } else {
        grant.operations.add(*op);
      }
    }
    if (ok && grant.operations.empty()) {
      r.error(ops, "operations must list at least one of read, write, update, delete");
      ok = false;
    }
    if (!ok) return std::nullopt;
    return grant;
  }

  fs::path dir_;
  std::vector<std::string>& errors_;
  FileDigest digest_;
  std::set<std::string, std::less<>> permission_names_;
  std::set<std::string> app_ids_;
  std::vector<PermissionDef> permissions_;
  std::vector<BusinessRole> roles_;
  std::vector<DataTypeDef> data_types_;
  std::vector<App> apps_;
};

}  // namespace

LoadResult load_policies(const std::filesystem::path& dir) {
  std::vector<std::string> errors;
  Loader loader(dir, errors);
  loader.load_permissions(dir / "permissions.yaml");
  loader.load_roles(dir / "business_roles.yaml");
  loader.load_data_types(dir / "data_types.yaml");
  for (const auto& file : yaml_files_in(dir / "apps", errors))
    loader.load_app(file);
  return loader.finish();
}

}  // namespace canopy::policy
