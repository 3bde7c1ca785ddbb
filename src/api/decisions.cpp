// GET /internal/v1/decisions: the gateway's question, parsed here and answered by the decision
// service (decision/service.hpp). Kept free of JSON libraries: the answer is one of a few fixed
// shapes.
#include "api/edge.hpp"
#include "api/errors.hpp"
#include "api/guards.hpp"
#include "api/json_body.hpp"
#include "api/route_groups.hpp"

namespace canopy::api {
namespace {

http::Response decision_response(const decision::Decision& d) {
  std::string body;
  body.reserve(48);
  body += d.allow ? R"({"allow":true,"reason":")" : R"({"allow":false,"reason":")";
  body += d.reason;
  body += "\"}";
  return http::Response{200, "application/json", std::move(body), {}};
}

asio::awaitable<http::Response> answer_query(http::RequestContext& ctx, DecisionRoutes& g) {
  if (auto refused = refuse_without_service_token(ctx, g.service_token))
    co_return std::move(*refused);
  if (auto q = check_query(ctx, {"app", "school", "data_type", "operation"}, {"field"}); !q) {
    co_return error_response(q.error());
  }
  const auto op = parse_operation(*ctx.query_param("operation"));
  if (!op) {
    co_return error_response(
        make_error(Errc::invalid_value, "operation must be read, write, update or delete"));
  }
  decision::Query query{*ctx.query_param("app"), *ctx.query_param("school"),
                        *ctx.query_param("data_type"), *op, std::nullopt};
  // The pair is a cache key from here on: one spelling per id, or no answer at all.
  for (const auto& [name, id] : {std::pair{"app", query.app}, std::pair{"school", query.school}}) {
    if (auto valid = check_id(name, id); !valid) co_return error_response(valid.error());
  }
  if (const auto* field = ctx.query_param("field")) {
    if (field->empty())
      co_return error_response(make_error(Errc::invalid_value, "field must not be empty"));
    query.field = *field;
  }
  ctx.school = query.school;
  // Level 1 answers without a coroutine frame of its own; the levels behind it only on a miss.
  if (auto hit = g.decisions.answer_cached(query)) co_return decision_response(*hit);
  co_return decision_response(co_await g.decisions.answer_uncached(query));
}

}  // namespace

void add_decision_routes(http::Router& router, DecisionRoutes& g) {
  router.add(http::Method::get, "/internal/v1/decisions",
             [&g](auto& ctx) { return answer_query(ctx, g); });
}

}  // namespace canopy::api
