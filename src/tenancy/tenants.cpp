// Strict parsing of tenant files; every reference is checked against the policy catalogue.
#include "tenancy/tenants.hpp"

#include <algorithm>
#include <set>

#include "core/id.hpp"
#include "policy/yaml_reader.hpp"

namespace canopy::tenancy {
namespace {

using policy::YamlReader;

constexpr std::int64_t kMaxTermsVersion = 1'000'000;
constexpr std::size_t kMaxTermsTitle = 200;  // the stores keep 255

class TenantReader {
 public:
  TenantReader(const policy::PolicySnapshot& policy, TenantsLoad& out)
      : policy_(policy), out_(out) {}

  void read_file(const std::filesystem::path& file) {
    YamlReader r(file, out_.errors);
    auto root = r.load();
    if (!root) return;
    if (root->IsMap() && (*root)["trust"]) {
      if (!r.check_map(*root, "a trust file", {"trust", "schools"}, {"users"})) return;
      const YAML::Node t = (*root)["trust"];
      if (!r.check_map(t, "trust", {"id", "name"})) return;
      Site trust;
      trust.kind = SiteKind::trust;
      auto id = r.string(t, "id");
      auto name = r.string(t, "name");
      if (!id || !name) return;
      trust.id = *id;
      trust.name = *name;
      if (!add_site(r, t["id"], trust)) return;
      read_users(r, (*root)["users"], trust);
      const YAML::Node schools = (*root)["schools"];
      if (!r.check_sequence(schools, "schools")) return;
      for (const auto& s : schools)
        read_school(r, s, trust.id);
    } else {
      if (!r.check_map(*root, "a school file", {"school"})) return;
      read_school(r, (*root)["school"], "");
    }
  }

 private:
  bool add_site(YamlReader& r, const YAML::Node& at, const Site& site) {
    if (!is_id(site.id)) {
      r.error(at, "site id '" + site.id + "' must be lower-case letters, digits, '-' and '_'");
      return false;
    }
    if (!site_ids_.insert(site.id).second) {
      r.error(at, "duplicate site id '" + site.id + "'");
      return false;
    }
    out_.tenants.sites.push_back(site);
    return true;
  }

  void read_school(YamlReader& r, const YAML::Node& s, const std::string& trust_id) {
    if (!r.check_map(s, "school", {"id", "name", "urn", "phase"},
                     {"dummy", "terms", "users", "connections"}))
      return;
    Site school;
    school.kind = SiteKind::school;
    school.trust_id = trust_id;
    auto id = r.string(s, "id");
    auto name = r.string(s, "name");
    auto urn = r.integer(s, "urn");
    auto phase = r.string(s, "phase");
    if (!id || !name || !urn || !phase) return;
    if (*urn < 100000 || *urn > 999999) r.error(s["urn"], "urn must be a 6-digit number");
    static const std::set<std::string, std::less<>> kPhases{"primary", "secondary", "all_through",
                                                            "special"};
    if (!kPhases.contains(*phase)) {
      r.error(s["phase"],
              "phase must be primary, secondary, all_through or special, not '" + *phase + "'");
    }
    school.id = *id;
    school.name = *name;
    school.urn = *urn;
    school.phase = *phase;
    const auto dummy = r.boolean(s, "dummy");
    school.dummy = dummy.value_or(false);
    if (dummy && !*dummy) out_.tenants.declared_live.insert(*id);
    school.terms = read_terms(r, s["terms"], school.name);
    if (!add_site(r, s["id"], school)) return;
    read_users(r, s["users"], school);
    read_connections(r, s["connections"], school);
  }

  // A school without a terms block has version 1 of terms named after the school.
  static SiteTerms read_terms(YamlReader& r, const YAML::Node& t, const std::string& school_name) {
    SiteTerms terms{1, school_name + " terms and conditions"};
    if (!t) return terms;
    if (!r.check_map(t, "terms", {"version"}, {"title"})) return terms;
    if (auto version = r.integer(t, "version")) {
      if (*version < 1 || *version > kMaxTermsVersion) {
        r.error(t["version"], "terms version must be a whole number from 1 to " +
                                  std::to_string(kMaxTermsVersion));
      } else {
        terms.version = static_cast<int>(*version);
      }
    }
    if (auto title = r.string(t, "title")) {
      if (title->empty() || title->size() > kMaxTermsTitle) {
        r.error(t["title"],
                "terms title must be 1 to " + std::to_string(kMaxTermsTitle) + " bytes long");
      } else {
        terms.title = *title;
      }
    }
    return terms;
  }

  void read_users(YamlReader& r, const YAML::Node& list, const Site& home) {
    if (!list) return;
    if (!r.check_sequence(list, "users")) return;
    for (const auto& u : list) {
      if (!r.check_map(u, "a user", {"email", "name", "roles"}, {"sign_in"})) continue;
      auto email = r.string(u, "email");
      auto name = r.string(u, "name");
      auto roles = r.string_list(u, "roles");
      if (!email || !name || !roles) continue;
      // How the user signs in to the MIS (SignInMethod); a password unless the file says.
      auto sign_in = SignInMethod::password;
      if (u["sign_in"]) {
        auto text = r.string(u, "sign_in");
        if (!text) continue;
        const auto method = parse_sign_in_method(*text);
        if (!method) {
          r.error(u["sign_in"],
                  "sign_in must be password, single_sign_on or "
                  "two_step_verification, not '" +
                      *text + "'");
          continue;
        }
        sign_in = *method;
      }
      if (!is_email(*email)) {
        r.error(u["email"], "'" + *email + "' is not a lower-case email address");
        continue;
      }
      if (!emails_.insert(*email).second) {
        r.error(u["email"], "duplicate user email '" + *email + "'");
        continue;
      }
      bool ok = true;
      for (std::size_t i = 0; i < roles->size(); ++i) {
        const auto* role = policy_.find_role((*roles)[i]);
        if (role == nullptr) {
          r.error(u["roles"][i], "unknown business role '" + (*roles)[i] + "'");
          ok = false;
        } else if (role->site_kind != home.kind) {
          r.error(u["roles"][i], "role '" + role->id + "' is held at a " +
                                     (role->site_kind == SiteKind::trust ? "trust" : "school") +
                                     ", but this user's home site is not");
          ok = false;
        }
      }
      if (!ok) continue;
      User user;
      user.email = *email;
      user.name = *name;
      user.home_site = home.id;
      user.roles = *roles;
      user.sign_in = sign_in;
      std::sort(user.roles.begin(), user.roles.end());
      out_.tenants.users.push_back(std::move(user));
    }
  }

  void read_connections(YamlReader& r, const YAML::Node& list, const Site& school) {
    if (!list) return;
    if (!r.check_sequence(list, "connections")) return;
    std::set<std::string> seen;
    for (const auto& c : list) {
      if (!r.check_map(c, "a connection", {"app", "status"})) continue;
      auto app_id = r.string(c, "app");
      auto status_text = r.string(c, "status");
      if (!app_id || !status_text) continue;
      const auto* app = policy_.find_app(*app_id);
      auto status = parse_connection_status(*status_text);
      if (app == nullptr) {
        r.error(c["app"], "unknown app '" + *app_id + "'");
      } else if (app->competitor) {
        r.error(c["app"], "'" + *app_id + "' is a competitor and is never connectable");
      } else if (!app->live) {
        r.error(c["app"], "'" + *app_id + "' is not live");
      } else if (!status || *status == ConnectionStatus::expired) {
        // Expired is what time does to a request, not a state a tenant file starts from.
        r.error(c["status"],
                "status must be pending, approved or rejected, not '" + *status_text + "'");
      } else if (!seen.insert(*app_id).second) {
        r.error(c["app"], "'" + *app_id + "' is listed twice for " + school.id);
      } else {
        out_.tenants.connections.push_back({school.id, *app_id, *status});
      }
    }
  }

  const policy::PolicySnapshot& policy_;
  TenantsLoad& out_;
  std::set<std::string> site_ids_;
  std::set<std::string> emails_;
};

}  // namespace

TenantsLoad load_tenants(const std::filesystem::path& dir, const policy::PolicySnapshot& policy) {
  TenantsLoad out;
  TenantReader reader(policy, out);
  for (const auto& file : policy::yaml_files_in(dir, out.errors))
    reader.read_file(file);
  return out;
}

}  // namespace canopy::tenancy
