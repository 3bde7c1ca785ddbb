// GET /internal/v1/decisions: the gateway's question, answered from the cache when it can.
// Kept free of JSON libraries: the answer is one of a few fixed shapes.
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

asio::awaitable<http::Response> decide(http::RequestContext& ctx, Services& s) {
  if (auto refused = refuse_without_service_token(ctx, s)) co_return std::move(*refused);
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
  auto* const m = s.metrics;
  // Every answer is counted by outcome and reason; each level looked at, as a hit or a miss.
  const auto answer = [m](const decision::Decision& d) {
    if (m != nullptr) m->decision(d.allow, d.reason);
    return decision_response(d);
  };
  const auto lookup = [m](metrics::CacheLevel level, bool hit) {
    if (m != nullptr) m->cache_lookup(level, hit);
  };
  if (auto hit = s.checker.check_cached(query)) {
    lookup(metrics::CacheLevel::local, true);
    co_return answer(*hit);
  }
  lookup(metrics::CacheLevel::local, false);
  const auto since = s.checker.generation();  // before level 2 and the store are read
  const auto epoch = epoch_now(s);            // after the generation: see store_polled
  if (s.shared != nullptr) {
    if (auto entry = co_await s.shared->fetch(std::string(query.school), std::string(query.app))) {
      // An entry level 1 refuses (a hold stands against it) is a miss: the store answers.
      if (auto d = s.checker.check_entry(query, *entry, since)) {
        lookup(metrics::CacheLevel::shared, true);
        co_return answer(*d);
      }
    }
    lookup(metrics::CacheLevel::shared, false);
  }
  decision::Decision d;
  std::optional<cache::Entry> found;
  co_await s.blocking.run([&] { d = s.checker.check_store(query, &found, since); });
  if (s.shared != nullptr && found) {
    co_await s.shared->remember(std::string(query.school), std::string(query.app), *found, epoch);
  }
  co_return answer(d);
}

}  // namespace

void add_decision_routes(http::Router& router, Services& s) {
  router.add(http::Method::get, "/internal/v1/decisions",
             [&s](auto& ctx) { return decide(ctx, s); });
}

}  // namespace canopy::api
