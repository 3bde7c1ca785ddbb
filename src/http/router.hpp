// A route table of {method, pattern} -> handler. Patterns are literal segments and {name}
// parameters. A path that matches no pattern is 404; one that matches with another method, 405.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"

namespace canopy::http {

class Router {
 public:
  void add(Method method, std::string_view pattern, Handler handler);

  struct Match {
    const Handler* handler = nullptr;  // set when found
    std::vector<Method> allowed;       // set when the path exists with other methods
  };
  // On a match, fills ctx.params with the pattern's parameters.
  Match match(RequestContext& ctx) const;

 private:
  struct Segment {
    std::string text;
    bool is_param = false;
  };
  struct Route {
    Method method;
    std::vector<Segment> segments;
    Handler handler;
  };
  static bool matches(const Route& route, std::span<const std::string> parts,
                      std::vector<std::pair<std::string_view, std::string>>* params);

  std::vector<Route> routes_;
};

}  // namespace canopy::http
