// Who may act in a school, or for a trust.
#include "tenancy/actor.hpp"

namespace canopy::tenancy {
namespace {

// The first role the user holds, at a site of `kind`, that grants `permission`.
const policy::BusinessRole* role_granting(const User& user, SiteKind kind,
                                          std::string_view permission,
                                          const policy::PolicySnapshot& policy) {
  for (const auto& role_id : user.roles) {
    const auto* role = policy.find_role(role_id);
    if (role && role->site_kind == kind && role->holds(permission)) return role;
  }
  return nullptr;
}

}  // namespace

bool within_reach(const User& user, const Site& site) {
  if (user.home_site == site.id) return true;
  return site.kind == SiteKind::school && !site.trust_id.empty() && user.home_site == site.trust_id;
}

Error not_in_reach(std::string_view requested) {
  return make_error(Errc::forbidden, "'" + std::string(requested) +
                                         "' is not your school, your trust or one of its schools");
}

Result<Actor> resolve_school_admin(const User& user, const Site& school,
                                   const policy::PolicySnapshot& policy) {
  if (school.kind != SiteKind::school) {
    return make_error(Errc::unknown_school, "no school '" + school.id + "'");
  }
  if (user.home_site == school.id) {
    if (const auto* role =
            role_granting(user, SiteKind::school, policy::kAdministerSchoolUsers, policy)) {
      return Actor{user.id, user.email, school.id, school.id, role->id, false, std::nullopt};
    }
  }
  // A school's trust_id only ever names a trust, so a user at home there is a trust user.
  if (!school.trust_id.empty() && user.home_site == school.trust_id) {
    if (const auto* role = role_granting(user, SiteKind::trust, policy::kManageAllUsers, policy)) {
      return Actor{user.id, user.email, school.id, school.trust_id, role->id, true, school.terms};
    }
  }
  return make_error(Errc::forbidden, "you need the '" +
                                         std::string(policy::kAdministerSchoolUsers) +
                                         "' permission on " + school.name + ", or the '" +
                                         std::string(policy::kManageAllUsers) +
                                         "' permission on its trust, to manage its partner apps");
}

Result<Actor> resolve_link_approver(const User& user, const Site& school,
                                    const policy::PolicySnapshot& policy,
                                    const std::function<TrustUserAtSchool()>& at_school) {
  const bool home = user.home_site == school.id;
  const bool of_trust = !school.trust_id.empty() && user.home_site == school.trust_id;
  if (school.kind != SiteKind::school || (!home && !of_trust)) {
    return make_error(Errc::connect_link_other_school,
                      "This link was made for " + school.name +
                          ": sign in with an account of that school, or of its trust");
  }
  if (home && !role_granting(user, SiteKind::school, policy::kAdministerSchoolUsers, policy)) {
    return make_error(Errc::not_authorised_for_school,
                      "You are not authorised to approve apps on behalf of your school");
  }
  if (of_trust) {
    Error e = make_error(Errc::trust_requirements_not_met, "");
    std::vector<std::string> lacking;
    if (!role_granting(user, SiteKind::trust, policy::kManageAllUsers, policy)) {
      e.missing.emplace_back("permission");
      lacking.push_back("the '" + std::string(policy::kManageAllUsers) +
                        "' permission on your trust");
    }
    const TrustUserAtSchool facts = at_school();
    if (!facts.signed_in) {
      e.missing.emplace_back("signed_in_to_school");
      lacking.push_back("to have signed in to " + school.name + " from your trust at least once");
    }
    if (!facts.terms_accepted) {
      e.missing.emplace_back("terms_accepted");
      lacking.push_back("to have accepted the terms and conditions of " + school.name);
    }
    if (!lacking.empty()) {
      e.message = "To approve for a school of your trust you need ";
      for (std::size_t i = 0; i < lacking.size(); ++i)
        e.message += (i == 0 ? "" : i + 1 == lacking.size() ? " and " : ", ") + lacking[i];
      return e;
    }
  }
  if (user.sign_in != SignInMethod::password) {
    return make_error(Errc::approve_from_partner_apps,
                      std::string("You sign in to the MIS with ") +
                          (user.sign_in == SignInMethod::single_sign_on ? "single sign-on"
                                                                        : "two-step verification") +
                          ", which this page cannot ask for: approve the app from System > "
                          "Partner Apps (API Users) instead");
  }
  // The same actor as acting from Partner Apps, so the audit records it the same way.
  return resolve_school_admin(user, school, policy);
}

Result<TrustActor> resolve_trust_admin(const User& user, const Site& trust,
                                       const policy::PolicySnapshot& policy) {
  if (trust.kind != SiteKind::trust) {
    return make_error(Errc::unknown_trust, "no trust '" + trust.id + "'");
  }
  if (user.home_site == trust.id) {
    if (const auto* role = role_granting(user, SiteKind::trust, policy::kManageAllUsers, policy)) {
      return TrustActor{user.id, user.email, trust.id, role->id};
    }
  }
  return make_error(Errc::forbidden, "you need the '" + std::string(policy::kManageAllUsers) +
                                         "' permission on " + trust.name + " to act for it");
}

Status may_manage_users_of(const User& caller, const Site& site,
                           const policy::PolicySnapshot& policy) {
  if (site.kind == SiteKind::trust) {
    if (auto actor = resolve_trust_admin(caller, site, policy); !actor) return actor.error();
    return {};
  }
  if (auto actor = resolve_school_admin(caller, site, policy); !actor) return actor.error();
  return {};
}

std::vector<Site> schools_in_reach(const User& user, store::DirectoryStore& directory,
                                   store::TrustStore& trusts,
                                   const policy::PolicySnapshot& policy) {
  const auto home = directory.find_site(user.home_site);
  if (!home) return {};
  std::vector<Site> candidates;
  if (home->kind == SiteKind::trust) {
    candidates = trusts.schools_of_trust(home->id);
  } else {
    candidates.push_back(*home);
  }
  // The same decision as acting in each school, so the two can never disagree.
  std::erase_if(candidates,
                [&](const Site& school) { return !resolve_school_admin(user, school, policy); });
  return candidates;
}

}  // namespace canopy::tenancy
