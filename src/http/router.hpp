// A route table of {method, pattern} -> handler. Patterns are literal segments and {name}
// parameters. A path that matches no pattern is 404; one that matches with another method, 405.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"

namespace canopy::http {

// What a route asks of the server beyond the defaults.
struct RouteOptions {
  // Its largest request body, in place of ServerLimits::body_limit (for routes that take
  // batches; every other route keeps the small default).
  std::optional<std::uint64_t> body_limit;
};

// What one path parameter may be. `canonical` gets the decoded segment and either rewrites it
// into the one spelling handlers see and returns true, or returns false; then `refusal` is the
// answer, and the handler never runs.
struct ParamRule {
  std::string name;
  std::function<bool(std::string&)> canonical;
  std::function<Response()> refusal;
};

// Which routes one listener serves, by the route's pattern as added (e.g.
// "/internal/v1/decisions"): a route it refuses is answered as if it did not exist (404).
// Deciding on the pattern, not on the path as sent, means no escape (%69nternal) gets around it.
using RouteFilter = std::function<bool(std::string_view pattern)>;

class Router {
 public:
  // Once rules are set, every parameter of every pattern added after must have one (add throws
  // std::logic_error otherwise), so no handler can receive a segment nobody checked.
  void set_param_rules(std::vector<ParamRule> rules);

  void add(Method method, std::string_view pattern, Handler handler, RouteOptions options = {});

  struct Match {
    const Handler* handler = nullptr;  // set when found
    std::vector<Method> allowed;       // set when the path exists with other methods
  };
  // On a match, fills ctx.params with the pattern's parameters and ctx.route with the route's
  // place in the table. Routes `filter` refuses (when given) are left out, as if they had not
  // been added.
  Match match(RequestContext& ctx, const RouteFilter* filter = nullptr) const;

  // The body limit of the route `method` and the raw (undecoded) `path` would reach, when that
  // route has its own; nullopt otherwise. Answers at once when no route has one.
  std::optional<std::uint64_t> body_limit(Method method, std::string_view path,
                                          const RouteFilter* filter = nullptr) const;

  // Every route, as added: its method and pattern ("/api/v1/schools/{school}/apps").
  struct RouteInfo {
    Method method;
    std::string_view pattern;
  };
  std::vector<RouteInfo> routes() const;
  std::size_t size() const { return routes_.size(); }
  // Route `index` (RequestContext::route) and its pattern.
  RouteInfo route(std::size_t index) const {
    return {routes_.at(index).method, routes_.at(index).pattern};
  }
  std::string_view pattern(std::size_t index) const { return routes_.at(index).pattern; }

 private:
  struct Segment {
    std::string text;
    bool is_param = false;
  };
  struct Route {
    Method method;
    std::string pattern;
    std::vector<Segment> segments;
    Handler handler;
    RouteOptions options;
  };
  static bool matches(const Route& route, std::span<const std::string> parts,
                      std::vector<std::pair<std::string_view, std::string>>* params);

  Handler guarded(const Route& route, Handler handler) const;

  std::vector<Route> routes_;
  std::vector<ParamRule> rules_;
  bool any_body_limit_ = false;
};

}  // namespace canopy::http
