// Bulk decisions of a trust's central team: up to 5,000 approvals and rejections across the
// trust's schools, checked first and applied in one all-or-nothing transaction, made safe to
// retry by a required Idempotency-Key (docs/design/bulk-decisions.md, "Bulk decisions").
#include <set>

#include "api/edge.hpp"
#include "api/errors.hpp"
#include "api/guards.hpp"
#include "api/json_body.hpp"
#include "api/route_groups.hpp"
#include "core/connection.hpp"

namespace canopy::api {
namespace {

constexpr std::size_t kMaxItems = 5000;
// 5,000 items are about 350 KB, 850 KB with the longest ids: this route alone takes bodies up
// to 1 MiB (every other route keeps the server's 64 KiB).
constexpr std::uint64_t kBodyLimit = 1024 * 1024;
constexpr std::size_t kMaxKeyLength = 255;

// Idempotency keys are per user and per trust: the same key at another trust is another key.
std::string scope_of(const Site& trust) {
  return "bulk-decisions:" + trust.id;
}

Status check_key(std::string_view key) {
  if (key.empty()) {
    return make_error(Errc::missing_parameter,
                      "send an Idempotency-Key header (a unique value per batch, e.g. a UUID)");
  }
  const bool printable =
      std::all_of(key.begin(), key.end(), [](char c) { return c > ' ' && c < 0x7f; });
  if (key.size() > kMaxKeyLength || !printable) {
    return make_error(Errc::invalid_value,
                      "the Idempotency-Key must be 1 to 255 printable ASCII characters");
  }
  return {};
}

Result<std::vector<consent::BulkItem>> parse_items(const http::RequestContext& ctx) {
  auto body = parse_body(
      ctx, {{"items", JsonType::array}, {"confirm_dummy_sites", JsonType::boolean, false}});
  if (!body) return body.error();
  // The one confirmation covers every approve of the batch at a dummy (migration) site.
  const bool dummy_sites_confirmed = body->value("confirm_dummy_sites", false);
  const auto& items = (*body)["items"];
  if (items.empty() || items.size() > kMaxItems) {
    return make_error(Errc::invalid_value,
                      "items must hold 1 to " + std::to_string(kMaxItems) + " decisions");
  }
  std::vector<consent::BulkItem> out;
  out.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& item = items[i];
    const std::string where = "items[" + std::to_string(i) + "]";
    if (!item.is_object()) return make_error(Errc::wrong_type, where + " must be an object");
    for (const auto& [name, value] : item.items()) {
      if (name != "school" && name != "app" && name != "action" && name != "from") {
        return make_error(Errc::unknown_field,
                          "'" + where + "." + name + "' is not a field this request takes");
      }
      if (!value.is_string()) {
        return make_error(Errc::wrong_type, "'" + where + "." + name + "' must be a string");
      }
    }
    consent::BulkItem parsed;
    for (auto [name, field] : {std::pair{"school", &parsed.school}, std::pair{"app", &parsed.app},
                               std::pair{"action", &parsed.action}}) {
      if (!item.contains(name)) {
        return make_error(Errc::missing_field, "'" + where + "." + name + "' is required");
      }
      *field = item[name].get<std::string>();
    }
    for (auto [name, id] : {std::pair{"school", &parsed.school}, std::pair{"app", &parsed.app}}) {
      if (auto valid = check_id(where + "." + name, *id); !valid) return valid.error();
    }
    if (item.contains("from")) {
      parsed.from = item["from"].get<std::string>();
      if (!parse_connection_status(parsed.from)) {
        return make_error(Errc::invalid_value,
                          "'" + where + ".from' must be pending, approved, rejected or expired");
      }
    }
    parsed.dummy_site_confirmed = dummy_sites_confirmed;
    out.push_back(std::move(parsed));
  }
  return out;
}

// Nothing was applied: every refused item, with its index, and the terms to accept if any.
http::Response refusal(const std::vector<consent::BulkItemError>& errors, std::size_t items) {
  nlohmann::json list = nlohmann::json::array();
  nlohmann::json terms = nlohmann::json::array();
  std::set<std::string> terms_listed;
  for (const auto& e : errors) {
    list.push_back({{"index", e.index},
                    {"school", e.school},
                    {"app", e.app},
                    {"code", to_string(e.error.code)},
                    {"message", e.error.message}});
    for (const auto& t : e.error.terms) {
      if (terms_listed.insert(t.site).second)
        terms.push_back({{"site", t.site}, {"version", t.version}, {"title", t.title}});
    }
  }
  nlohmann::json body = {
      {"code", to_string(Errc::invalid_items)},
      {"message", std::to_string(errors.size()) + " of " + std::to_string(items) +
                      " items were refused; nothing was applied"},
      {"errors", std::move(list)}};
  if (!terms.empty()) body["terms"] = std::move(terms);
  return json_response(http_status(Errc::invalid_items), body);
}

http::Response applied_view(const Site& trust, const std::vector<store::Connection>& applied) {
  nlohmann::json items = nlohmann::json::array();
  for (std::size_t i = 0; i < applied.size(); ++i) {
    const auto& c = applied[i];
    items.push_back({{"index", i},
                     {"school", c.school_id},
                     {"app", c.app_id},
                     {"status", to_string(c.status)},
                     {"revision", c.revision},
                     {"decided_at", c.decided_at ? nlohmann::json(format_rfc3339(*c.decided_at))
                                                 : nlohmann::json(nullptr)}});
  }
  return json_response(
      200, {{"trust", trust.id}, {"applied", applied.size()}, {"items", std::move(items)}});
}

// One bulk request across its hops to the blocking pool.
struct Bulk {
  std::optional<store::IdempotencyRecord> claim;  // held from the claim until the answer is kept
  std::optional<Site> trust;
  std::optional<consent::BulkPlan> plan;  // set once every item passed its checks
};

// Keeps the answer for replays; the claim is spent then.
http::Response finish(BulkDecisionRoutes& g, Bulk& bulk, http::Response response) {
  g.keys.finish(*bulk.claim, static_cast<int>(response.status), response.body);
  bulk.claim.reset();
  return response;
}

// Gives the key back (consent::IdempotencyKeys::release) and forgets the claim.
void release_claim(BulkDecisionRoutes& g, Bulk& bulk) noexcept {
  if (!bulk.claim) return;
  g.keys.release(*bulk.claim);
  bulk.claim.reset();
}

http::Response replayed(const store::IdempotencyRecord& record) {
  http::Response r{
      static_cast<unsigned>(record.response_status), "application/json", record.response_body, {}};
  r.headers.emplace_back("Idempotent-Replayed", "true");
  return r;
}

// Runs `work` while the claim is held; an exception releases the claim on its way out.
Result<http::Response> claimed(BulkDecisionRoutes& g, Bulk& bulk,
                               const std::function<Result<http::Response>()>& work) {
  try {
    return work();
  } catch (...) {
    release_claim(g, bulk);
    throw;
  }
}

asio::awaitable<http::Response> decide_all(http::RequestContext& ctx, BulkDecisionRoutes& g) {
  if (auto q = check_query(ctx, {}); !q) co_return error_response(q.error());
  const std::string key(ctx.header("idempotency-key"));
  if (auto k = check_key(key); !k) co_return error_response(k.error());
  Bulk bulk;
  // First hop: who, what, the key's claim and the plan. The body is parsed here, not on the I/O
  // thread: it can be a megabyte.
  auto first = co_await on_pool(g.edge, [&]() -> Result<http::Response> {
    auto caller = authenticate_trust_admin(ctx, g.edge);
    if (!caller) return caller.error();
    auto items = parse_items(ctx);
    if (!items) return items.error();
    if (g.metrics != nullptr) g.metrics->bulk_batch(items->size());
    auto claim = g.keys.claim(caller->user.id, scope_of(caller->trust), key, ctx.body);
    switch (claim.claim) {
      case store::IdempotencyClaim::reused:
        return make_error(Errc::idempotency_key_reused,
                          "this Idempotency-Key was used with another request body; use a new "
                          "key for a new batch");
      case store::IdempotencyClaim::in_progress:
        return make_error(Errc::idempotency_key_in_progress,
                          "the first request with this Idempotency-Key is still running; retry "
                          "shortly for its answer");
      case store::IdempotencyClaim::replay:
        return replayed(claim.record);
      case store::IdempotencyClaim::claimed:
        break;
    }
    bulk.claim = std::move(claim.record);
    bulk.trust = caller->trust;
    return claimed(g, bulk, [&]() -> Result<http::Response> {
      auto checked = g.consent.plan_bulk(caller->user, caller->trust, *items,
                                         {ctx.request_id, ctx.client_request_id});
      if (!checked.plan) return finish(g, bulk, refusal(checked.errors, items->size()));
      bulk.plan = std::move(checked.plan);
      return http::Response{};
    });
  });
  if (!bulk.plan) co_return respond(std::move(first));

  // The changes and, in the same transaction, their answer for replays, through the
  // connection-change use case (consent/changes.hpp): approvals the batch takes away are held on
  // every replica first. A committed batch always has its answer, so the key is spent exactly
  // when the changes are; when nothing was committed the key is given back.
  std::optional<http::Response> answer;
  const consent::KeptAnswer keep{
      .claim = *bulk.claim,
      .encode =
          [&](const std::vector<store::Connection>& written) {
            answer = applied_view(*bulk.trust, written);
            return store::EncodedOutcome{static_cast<int>(answer->status), answer->body};
          },
      .give_back = [&] { release_claim(g, bulk); }};
  auto applied = co_await g.changes.apply_bulk(std::move(*bulk.plan), keep);
  if (!applied) co_return error_response(applied.error());
  bulk.claim.reset();  // spent by the commit
  co_return std::move(*answer);
}

}  // namespace

void add_bulk_decision_routes(http::Router& router, BulkDecisionRoutes& g) {
  router.add(http::Method::post, "/api/v1/trusts/{trust}/decisions",
             [&g](auto& ctx) { return decide_all(ctx, g); }, {.body_limit = kBodyLimit});
}

}  // namespace canopy::api
