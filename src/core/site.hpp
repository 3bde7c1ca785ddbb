// Sites (trusts and schools) and MIS users, as every module sees them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace canopy {

enum class SiteKind { school, trust };

// A school site's terms and conditions. Users acting in the school through their trust accept
// them once per version; a new version must be accepted again.
struct SiteTerms {
  int version = 1;
  std::string title;
  friend bool operator==(const SiteTerms&, const SiteTerms&) = default;
};

struct Site {
  std::string id;
  std::string name;
  SiteKind kind = SiteKind::school;
  std::string trust_id;  // the trust a school belongs to; empty for trusts and standalone schools
  std::int64_t urn = 0;  // schools only
  std::string phase;     // schools only
  bool dummy = false;    // a school site still in data migration
  SiteTerms terms;       // schools only
  friend bool operator==(const Site&, const Site&) = default;
};

// How a user signs in to the MIS. Only a password user can approve on the alternative
// connection's page, which asks for nothing else; the others approve from Partner Apps.
enum class SignInMethod { password, single_sign_on, two_step_verification };

constexpr std::string_view to_string(SignInMethod m) {
  switch (m) {
    case SignInMethod::single_sign_on:
      return "single_sign_on";
    case SignInMethod::two_step_verification:
      return "two_step_verification";
    case SignInMethod::password:
      break;
  }
  return "password";
}

constexpr std::optional<SignInMethod> parse_sign_in_method(std::string_view text) {
  for (auto m :
       {SignInMethod::password, SignInMethod::single_sign_on, SignInMethod::two_step_verification})
    if (text == to_string(m)) return m;
  return std::nullopt;
}

struct User {
  std::int64_t id = 0;
  std::string email;  // lower case; the sign-in name
  std::string name;
  std::string home_site;
  std::vector<std::string> roles;  // business role ids, sorted
  // A leaver: cannot sign in, and any session token of theirs is refused. The row stays, so
  // the audit trail that names them stays whole.
  bool disabled = false;
  SignInMethod sign_in = SignInMethod::password;
};

}  // namespace canopy
