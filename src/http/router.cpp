// Route matching by path segments.
#include "http/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace canopy::http {
namespace {

// Splits before decoding, so an escaped '/' (%2F) stays inside its segment. Fills `parts`
// reusing its strings; false on a malformed escape.
bool split_path(std::string_view path, std::vector<std::string>& parts, std::size_t& count) {
  count = 0;
  std::size_t start = 1;  // paths start with '/'
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    if (count == parts.size()) parts.emplace_back();
    if (!percent_decode(path.substr(start, end - start), parts[count], false)) return false;
    ++count;
    start = end + 1;
  }
  return true;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t count = 0;
  if (!split_path(path, parts, count)) return {};
  parts.resize(count);
  return parts;
}

}  // namespace

void Router::set_param_rules(std::vector<ParamRule> rules) {
  rules_ = std::move(rules);
}

void Router::add(Method method, std::string_view pattern, Handler handler, RouteOptions options) {
  if (pattern.empty() || pattern.front() != '/')
    throw std::invalid_argument("route must start with /");
  any_body_limit_ = any_body_limit_ || options.body_limit.has_value();
  Route route{method, std::string(pattern), {}, {}, options};
  for (auto part : split_path(pattern)) {
    const bool param = part.size() > 2 && part.front() == '{' && part.back() == '}';
    route.segments.push_back({std::string(param ? part.substr(1, part.size() - 2) : part), param});
  }
  route.handler = guarded(route, std::move(handler));
  routes_.push_back(std::move(route));
}

Handler Router::guarded(const Route& route, Handler handler) const {
  if (rules_.empty()) return handler;
  // The rules of the route's parameters, in the order match() fills ctx.params.
  std::vector<ParamRule> rules;
  for (const auto& seg : route.segments) {
    if (!seg.is_param) continue;
    const auto rule = std::find_if(rules_.begin(), rules_.end(),
                                   [&](const ParamRule& r) { return r.name == seg.text; });
    if (rule == rules_.end())
      throw std::logic_error("route parameter {" + seg.text + "} has no rule");
    rules.push_back(*rule);
  }
  if (rules.empty()) return handler;
  return [rules = std::move(rules),
          inner = std::move(handler)](RequestContext& ctx) -> asio::awaitable<Response> {
    for (std::size_t i = 0; i < rules.size(); ++i) {
      if (!rules[i].canonical(ctx.params[i].second)) co_return rules[i].refusal();
    }
    // Every parameter is in its one spelling now: the school, if the route names one, is fit
    // for the access log.
    if (const auto school = ctx.param("school"); !school.empty()) ctx.school = school;
    co_return co_await inner(ctx);
  };
}

bool Router::matches(const Route& route, std::span<const std::string> parts,
                     std::vector<std::pair<std::string_view, std::string>>* params) {
  if (route.segments.size() != parts.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& seg = route.segments[i];
    if (seg.is_param) {
      if (parts[i].empty()) return false;
    } else if (seg.text != parts[i]) {
      return false;
    }
  }
  if (params) {
    params->clear();
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (route.segments[i].is_param) params->emplace_back(route.segments[i].text, parts[i]);
    }
  }
  return true;
}

namespace {

// The segments of `path`, in strings one per thread reused: matching allocates nothing in the
// end. Valid until the thread's next call.
std::span<const std::string> segments_of(std::string_view path) {
  thread_local std::vector<std::string> storage;
  std::size_t count = 0;
  if (!split_path(path, storage, count)) count = 0;
  return {storage.data(), count};
}

}  // namespace

std::optional<std::uint64_t> Router::body_limit(Method method, std::string_view path,
                                                const RouteFilter* filter) const {
  if (!any_body_limit_ || path.empty() || path.front() != '/') return std::nullopt;
  const auto parts = segments_of(path);
  for (const auto& route : routes_) {
    if (route.method != method || !matches(route, parts, nullptr)) continue;
    if (filter == nullptr || (*filter)(route.pattern)) return route.options.body_limit;
  }
  return std::nullopt;
}

Router::Match Router::match(RequestContext& ctx, const RouteFilter* filter) const {
  Match result;
  if (ctx.path.empty() || ctx.path.front() != '/') return result;
  const auto parts = segments_of(ctx.path);
  const Method wanted = ctx.method == Method::head ? Method::get : ctx.method;
  for (std::size_t index = 0; index < routes_.size(); ++index) {
    const Route& route = routes_[index];
    if (!matches(route, parts, nullptr)) continue;
    if (filter != nullptr && !(*filter)(route.pattern)) continue;
    if (route.method == wanted) {
      matches(route, parts, &ctx.params);
      ctx.route = index;
      result.handler = &route.handler;
      return result;
    }
    if (std::find(result.allowed.begin(), result.allowed.end(), route.method) ==
        result.allowed.end()) {
      result.allowed.push_back(route.method);
    }
  }
  return result;
}

std::vector<Router::RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_)
    out.push_back({r.method, r.pattern});
  return out;
}

}  // namespace canopy::http
