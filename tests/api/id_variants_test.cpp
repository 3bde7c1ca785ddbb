// Property test of the id grammar at the edge (one spelling per id, or the cache and the audit
// could be split): every route that takes an id is sent spellings of a real id that are not that id
// (padding, control characters, case, Unicode look-alikes, escapes, over-long) and must never
// crash, never answer 2xx, never change anything; spellings that decode to the id itself answer as
// the id does. And no spelling of a school or app gets an allow after a reject. Built twice: on
// SQLite (id_variants_test) and on MariaDB (id_variants_mysql_test), whose utf8mb4_bin collation
// padded ids before migration 0006.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "api/backend.hpp"

namespace canopy::testing {
namespace {

// What a request gives for one parameter: the bytes as they go into the URL (or the JSON value)
// and the value the server decodes them to.
struct Variant {
  std::string what;
  std::string in_url;
  std::string value;
};

bool unreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string escape(std::string_view s, bool every_byte) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : s) {
    if (!every_byte && unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// Replaces the first `from` by `to` (a look-alike); the id itself when it has no `from`.
std::string swap_first(std::string s, char from, std::string_view to) {
  if (const auto at = s.find(from); at != std::string::npos) s.replace(at, 1, to);
  return s;
}

enum class In { path, query, json };

std::vector<Variant> variants_of(const std::string& id, In in) {
  const std::vector<std::pair<std::string, std::string>> values = {
      {"trailing space", id + " "},
      {"leading space", " " + id},
      {"two trailing spaces", id + "  "},
      {"trailing tab", id + "\t"},
      {"leading tab", "\t" + id},
      {"trailing newline", id + "\n"},
      {"trailing carriage return", id + "\r"},
      {"trailing NUL", id + std::string(1, '\0')},
      {"NUL inside", id.substr(0, id.size() / 2) + std::string(1, '\0') + id.substr(id.size() / 2)},
      {"upper case", upper(id)},
      {"first letter upper case", upper(id.substr(0, 1)) + id.substr(1)},
      {"Cyrillic a for a", swap_first(id, 'a', "\xD0\xB0")},
      {"Greek omicron for o", swap_first(id, 'o', "\xCE\xBF")},
      {"fullwidth hyphen-minus", swap_first(id, '-', "\xEF\xBC\x8D")},
      {"en dash for hyphen", swap_first(id, '-', "\xE2\x80\x93")},
      {"trailing no-break space", id + "\xC2\xA0"},
      {"trailing zero-width space", id + "\xE2\x80\x8B"},
      {"trailing dot", id + "."},
      {"trailing slash", id + "/"},
      {"trailing percent", id + "%"},
      {"escape left encoded", "%" + escape(id.substr(0, 1), true).substr(1) + id.substr(1)},
      {"over-long by one", id + std::string(65 - std::min<std::size_t>(id.size(), 64), 'x')},
      {"4 KiB long", [&] {
         std::string s;
         while (s.size() < 4096)
           s += id;
         return s;
       }()},
      {"empty", ""},
  };
  std::vector<Variant> out;
  for (const auto& [what, value] : values) {
    if (in == In::json) {
      out.push_back({what, value, value});
    } else {
      out.push_back({what, escape(value, false), value});
    }
  }
  if (in != In::json) out.push_back({"every byte percent-encoded", escape(id, true), id});
  if (in == In::query) out.push_back({"trailing plus (a space in a query)", id + "+", id + " "});
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return c < 0x80 ? static_cast<char>(std::tolower(c)) : c; });
  return s;
}

// partner: an app that asks for connections; connect_partner: one that offers the alternative
// connection (its links); anyone: no credentials (the alternative connection's page).
enum class Caller { school_admin, trust_admin, partner, connect_partner, gateway, anyone };

// One route, with {name} placeholders in its target (path or query) and body. Each named
// parameter has a canonical value and, for emails, a canonical form (lower case).
struct Route {
  std::string method;
  std::string target;
  std::string body;  // JSON; a placeholder stands for a whole JSON string
  Caller caller;
  std::map<std::string, std::string> params;
  bool changes_state = false;
  std::vector<std::pair<std::string, std::string>> extra_headers = {};
};

bool is_email_param(const std::string& name) {
  return name == "user";
}

class IdVariants : public ::testing::Test {
 protected:
  TestApp t{kBackend};
  Headers amir = bearer(t.sign_in(kAmir));
  Headers dana = bearer(t.sign_in(kDana));
  int requests_ = 0;

  Headers headers_of(Caller caller) {
    switch (caller) {
      case Caller::school_admin:
        return amir;
      case Caller::trust_admin:
        return dana;
      case Caller::partner:
        return basic("tucasi", kPartnerSecret);
      case Caller::connect_partner:
        return basic("hodder", kPartnerSecret);
      case Caller::gateway:
        return bearer(kServiceToken);
      case Caller::anyone:
        return {};
    }
    return {};
  }

  // The request with every parameter at its canonical value but `name`, given as `v`.
  HttpResult send(const Route& r, const std::string& name, const Variant* v) {
    std::string target = r.target;
    std::string body = r.body;
    for (const auto& [param, canonical] : r.params) {
      const bool varied = v != nullptr && param == name;
      const std::string token = "{" + param + "}";
      if (auto at = target.find(token); at != std::string::npos)
        target.replace(at, token.size(), varied ? v->in_url : canonical);
      if (auto at = body.find(token); at != std::string::npos) {
        body.replace(at, token.size(),
                     nlohmann::json(varied ? v->value : canonical)
                         .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      }
    }
    Headers h = headers_of(r.caller);
    for (auto [header, value] : r.extra_headers) {
      if (value == "{unique}") value = "id-variants-" + std::to_string(++requests_);
      h.emplace_back(header, value);
    }
    if (!body.empty()) h.emplace_back("Content-Type", "application/json");
    return t.client().request(r.method, target, body, h);
  }

  // Sends every variant of every parameter of `r`: none may crash the service or answer 2xx
  // unless it decodes to the canonical id, and none may change anything. Then the canonical
  // request, which must succeed (so a variant's refusal was the id's doing).
  void check_route(const Route& r) {
    const std::string before = t.state();
    for (const auto& [name, canonical] : r.params) {
      const In in = r.body.find("{" + name + "}") != std::string::npos     ? In::json
                    : r.target.find("?") < r.target.find("{" + name + "}") ? In::query
                                                                           : In::path;
      for (const auto& v : variants_of(canonical, in)) {
        const std::string same = is_email_param(name) ? lower(v.value) : v.value;
        if (same == canonical && r.changes_state) continue;  // would change state: not a variant
        const auto res = send(r, name, &v);
        SCOPED_TRACE(r.method + " " + r.target + " with " + name + " " + v.what + ": " +
                     std::to_string(res.status) + " " + res.body.substr(0, 200));
        EXPECT_LT(res.status, 500u);
        if (same == canonical) {
          EXPECT_EQ(res.status / 100, 2u);
        } else {
          EXPECT_NE(res.status / 100, 2u);
          if (res.status != 0 && res.headers.count("content-type") &&
              res.header("content-type").starts_with("application/json")) {
            EXPECT_FALSE(res.json().value("code", "").empty());
          }
        }
        ASSERT_EQ(t.client().get("/healthz").status, 200u) << "the service died";
        EXPECT_EQ(t.state(), before) << "a refused variant changed something";
      }
    }
    const auto res = send(r, "", nullptr);
    EXPECT_EQ(res.status / 100, 2u) << r.method << " " << r.target << ": " << res.body;
  }

  std::string first_notification_id() {
    const auto list = t.client().get("/api/v1/notifications", amir).json();
    return std::to_string(list["items"].at(0)["id"].get<std::int64_t>());
  }

  // A Hodder link for the demo school, as the token in its URL's fragment.
  std::string connect_link() {
    const auto r = t.client().post_json("/partner/v1/connect-links",
                                        nlohmann::json{{"school", "oakfield-primary"}}.dump(),
                                        basic("hodder", kPartnerSecret));
    EXPECT_EQ(r.status, 201u) << r.body;
    const std::string url = r.json()["url"];
    return url.substr(url.find('#') + 1);
  }
  // A ticket for approving through `link`, signed in as Amir.
  std::string connect_ticket(const std::string& link) {
    const auto r = t.client().post_json(
        "/api/v1/connect/sign-in",
        nlohmann::json{{"link", link}, {"email", kAmir}, {"password", kPassword}}.dump());
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json().value("ticket", "");
  }

  HttpResult decision(const Variant* school, const Variant* app) {
    return t.client().get("/internal/v1/decisions?app=" + (app ? app->in_url : "parentpay") +
                              "&school=" + (school ? school->in_url : "oakfield-primary") +
                              "&data_type=Payment&operation=write",
                          bearer(kServiceToken));
  }
};

const std::string kSchool = "oakfield-primary";
const std::string kTrust = "oakfield-trust";

TEST_F(IdVariants, NoRouteAnswersOrChangesAnythingForAVariantOfAnId) {
  const std::map<std::string, std::string> school_app = {{"school", kSchool}, {"app", "wonde"}};
  const std::vector<Route> routes = {
      {"GET", "/api/v1/schools/{school}/apps", "", Caller::school_admin, {{"school", kSchool}}},
      {"GET", "/api/v1/schools/{school}/apps/{app}", "", Caller::school_admin, school_app},
      {"GET", "/api/v1/schools/{school}/apps/{app}/data.csv", "", Caller::school_admin, school_app},
      {"POST",
       "/api/v1/schools/{school}/apps/{app}/cancel",
       "",
       Caller::school_admin,
       {{"school", kSchool}, {"app", "parentpay"}}},
      {"POST",
       "/api/v1/schools/{school}/apps/{app}/approve",
       "",
       Caller::school_admin,
       {{"school", kSchool}, {"app", "parentpay"}},
       true},
      {"POST",
       "/api/v1/schools/{school}/apps/{app}/reject",
       "",
       Caller::school_admin,
       {{"school", kSchool}, {"app", "hodder"}},
       true},
      {"GET",
       "/api/v1/schools/{school}/audit?app={app}",
       "",
       Caller::school_admin,
       {{"school", kSchool}, {"app", "parentpay"}}},
      {"GET", "/api/v1/sites/{site}/users", "", Caller::school_admin, {{"site", kSchool}}},
      {"GET",
       "/api/v1/sites/{site}/users/{user}/logins",
       "",
       Caller::school_admin,
       {{"site", kSchool}, {"user", kAmir}}},
      {"POST",
       "/partner/v1/connection-requests",
       R"({"school": {school}})",
       Caller::partner,
       {{"school", kSchool}},
       true},
      {"POST",
       "/partner/v1/connect-links",
       R"({"school": {school}})",
       Caller::connect_partner,
       {{"school", kSchool}},
       true},
      {"GET",
       "/partner/v1/connection-requests/{school}",
       "",
       Caller::partner,
       {{"school", kSchool}}},
      {"GET", "/api/v1/trusts/{trust}/schools", "", Caller::trust_admin, {{"trust", kTrust}}},
      {"GET",
       "/api/v1/trusts/{trust}/apps?app={app}&school={school}",
       "",
       Caller::trust_admin,
       {{"trust", kTrust}, {"app", "wonde"}, {"school", kSchool}}},
      {"GET", "/api/v1/trusts/{trust}/export.csv", "", Caller::trust_admin, {{"trust", kTrust}}},
      {"GET", "/api/v1/trusts/{trust}/audit", "", Caller::trust_admin, {{"trust", kTrust}}},
      {"POST",
       "/api/v1/trusts/{trust}/schools/{school}/terms-acceptance",
       R"({"version": 1})",
       Caller::trust_admin,
       {{"trust", kTrust}, {"school", "hazelwood-primary"}},
       true},
      {"POST",
       "/api/v1/trusts/{trust}/decisions",
       R"({"items": [{"school": {school}, "app": {app}, "action": "approve"}]})",
       Caller::trust_admin,
       {{"trust", kTrust}, {"school", "hazelwood-primary"}, {"app", "evolve"}},
       true,
       {{"Idempotency-Key", "{unique}"}}},
      {"GET", "/internal/v1/decisions?app={app}&school={school}&data_type=Student&operation=read",
       "", Caller::gateway, school_app},
  };
  for (const auto& r : routes) {
    SCOPED_TRACE(r.method + " " + r.target);
    check_route(r);
  }
  // The alternative connection's page: the link's token and the ticket are ids too, and an
  // email is one in any case.
  const std::string link = connect_link();
  check_route(
      {"POST", "/api/v1/connect/link", R"({"link": {link}})", Caller::anyone, {{"link", link}}});
  check_route(
      {"POST",
       "/api/v1/connect/sign-in",
       R"({"link": {link}, "email": {user}, "password": ")" + std::string(kPassword) + R"("})",
       Caller::anyone,
       {{"link", link}, {"user", kAmir}}});
  check_route({"POST",
               "/api/v1/connect/approve",
               R"({"link": {link}, "ticket": {ticket}})",
               Caller::anyone,
               {{"link", link}, {"ticket", connect_ticket(link)}},
               true});
  // Numbers have a grammar too: a notification's id.
  check_route({"POST",
               "/api/v1/notifications/{notification}/read",
               "",
               Caller::school_admin,
               {{"notification", first_notification_id()}},
               true});
}

TEST_F(IdVariants, NoSpellingOfASchoolOrAppIsAllowedAfterAReject) {
  ASSERT_EQ(
      t.client()
          .request("POST", "/api/v1/schools/oakfield-primary/apps/parentpay/approve", "", amir)
          .status,
      200u);
  ASSERT_EQ(decision(nullptr, nullptr).body, R"({"allow":true,"reason":"approved"})");
  const auto schools = variants_of(kSchool, In::query);
  const auto apps = variants_of("parentpay", In::query);
  // Every spelling asked once while approved, so a cache that keyed on spellings would hold them.
  for (const auto& v : schools) {
    const auto res = decision(&v, nullptr);
    EXPECT_TRUE(v.value == kSchool ? res.status == 200 : res.status == 400)
        << "school " << v.what << ": " << res.status << " " << res.body;
  }
  for (const auto& v : apps) {
    const auto res = decision(nullptr, &v);
    EXPECT_TRUE(v.value == "parentpay" ? res.status == 200 : res.status == 400)
        << "app " << v.what << ": " << res.status << " " << res.body;
  }
  ASSERT_EQ(t.client()
                .request("POST", "/api/v1/schools/oakfield-primary/apps/parentpay/reject", "", amir)
                .status,
            200u);
  for (const auto* list : {&schools, &apps}) {
    for (const auto& v : *list) {
      const auto res = list == &schools ? decision(&v, nullptr) : decision(nullptr, &v);
      EXPECT_EQ(res.body.find(R"("allow":true)"), std::string::npos)
          << v.what << " allowed after the reject: " << res.body;
    }
  }
  EXPECT_EQ(decision(nullptr, nullptr).body, R"({"allow":false,"reason":"rejected"})");
}

}  // namespace
}  // namespace canopy::testing
