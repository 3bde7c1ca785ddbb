#include "events/endpoints.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "policy/yaml_reader.hpp"

namespace canopy::events {
namespace {

// The value a secret reference names: `env:NAME` or `file:PATH` (one trailing newline dropped).
Result<std::string> resolve(std::string_view reference) {
  if (reference.starts_with("env:")) {
    const std::string name(reference.substr(4));
    const char* value = name.empty() ? nullptr : std::getenv(name.c_str());
    if (value == nullptr || *value == '\0')
      return make_error(Errc::invalid_value, "the environment variable " + name + " is not set");
    return std::string(value);
  }
  if (reference.starts_with("file:")) {
    const std::string path(reference.substr(5));
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(Errc::invalid_value, "cannot read the secret file " + path);
    std::stringstream text;
    text << in.rdbuf();
    std::string value = text.str();
    if (value.ends_with('\n')) value.pop_back();
    if (value.ends_with('\r')) value.pop_back();
    return value;
  }
  return make_error(Errc::invalid_value,
                    "a secret is given by reference: env:NAME or file:PATH, never inline");
}

}  // namespace

Result<WebhookUrl> WebhookUrl::parse(std::string_view text) {
  WebhookUrl url;
  url.text = std::string(text);
  std::string_view rest = text;
  if (rest.starts_with("https://")) {
    url.tls = true;
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return make_error(Errc::invalid_value, "a webhook URL starts with https:// or http://");
  }
  for (const char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return make_error(Errc::invalid_value, "a webhook URL has no spaces or control characters");
  }
  if (text.find('#') != std::string_view::npos)
    return make_error(Errc::invalid_value, "a webhook URL has no fragment (#)");
  const auto slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  url.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (url.target.front() == '?') url.target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos)
    return make_error(Errc::invalid_value, "a webhook URL carries no credentials (user@)");
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos)
      return make_error(Errc::invalid_value, "a webhook URL's IPv6 address lacks its ]");
    url.host = std::string(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return make_error(Errc::invalid_value, "a webhook URL's host is malformed");
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (url.host.empty()) return make_error(Errc::invalid_value, "a webhook URL names a host");
  url.port = url.tls ? 443 : 80;
  if (!port.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
      return make_error(Errc::invalid_value, "a webhook URL's port is 1 to 65535");
    url.port = static_cast<std::uint16_t>(value);
  }
  return url;
}

std::vector<std::string> Endpoints::apps() const {
  std::vector<std::string> out;
  out.reserve(by_app.size());
  for (const auto& [app, endpoint] : by_app)
    out.push_back(app);
  return out;
}

Result<Endpoints> load_endpoints(const std::filesystem::path& file,
                                 const std::function<bool(std::string_view)>& known_app) {
  std::vector<std::string> errors;
  policy::YamlReader reader(file, errors);
  Endpoints out;
  if (auto root = reader.load()) {
    if (reader.check_map(*root, "the webhooks file", {"endpoints"}, {"ca_file"})) {
      if (auto ca = reader.string(*root, "ca_file")) out.ca_file = *ca;
      const YAML::Node endpoints = (*root)["endpoints"];
      if (!endpoints.IsMap() && !endpoints.IsNull()) {
        reader.error(endpoints, "endpoints: a map from app id to its endpoint");
      } else if (endpoints.IsMap()) {
        for (const auto& item : endpoints) {
          const auto app = item.first.as<std::string>();
          const YAML::Node& node = item.second;
          if (!known_app(app)) {
            reader.error(item.first, "no app '" + app + "' in the policies");
            continue;
          }
          if (!reader.check_map(node, "endpoints." + app, {"url", "secret"}, {"previous_secret"})) {
            continue;
          }
          Endpoint endpoint{.app_id = app};
          if (auto text = reader.string(node, "url")) {
            auto url = WebhookUrl::parse(*text);
            if (!url) {
              reader.error(node["url"], "endpoints." + app + ".url: " + url.error().message);
              continue;
            }
            endpoint.url = std::move(*url);
          }
          bool secrets_ok = true;
          for (const std::string_view key : {"secret", "previous_secret"}) {
            auto reference = reader.string(node, key);
            if (!reference) continue;
            auto value = resolve(*reference);
            auto secret =
                value ? WebhookSecret::parse(*value) : Result<WebhookSecret>(value.error());
            if (!secret) {
              // The reference is echoed only when it is one: an inline secret never is.
              const bool is_reference =
                  reference->starts_with("env:") || reference->starts_with("file:");
              reader.error(node[std::string(key)],
                           "endpoints." + app + "." + std::string(key) +
                               (is_reference ? " (" + *reference + ")" : "") + ": " +
                               secret.error().message);
              secrets_ok = false;
              continue;
            }
            endpoint.secrets.push_back(std::move(*secret));
          }
          if (secrets_ok) out.by_app.emplace(app, std::move(endpoint));
        }
      }
    }
  }
  if (!errors.empty()) {
    std::string message;
    for (const auto& e : errors)
      message += (message.empty() ? "" : "\n") + e;
    return make_error(Errc::invalid_value, message);
  }
  return out;
}

}  // namespace canopy::events
