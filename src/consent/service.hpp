// Consent use cases: partners ask, school admins approve, reject (revoke) or defer.
// Each change is one store transaction (connection row + audit record); the decision cache is
// updated only after it commits, so no check can see a state that was never stored.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cache/decision_cache.hpp"
#include "core/connection.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "policy/live.hpp"
#include "store/store.hpp"
#include "tenancy/actor.hpp"
#include "tenancy/importer.hpp"

namespace canopy::consent {

// Why `app` can never be connected, when it is a competitor or not live: the one refusal
// (competitor_not_connectable or application_not_live) every way of connecting gives.
Error not_connectable(const policy::App& app);

// The help article's warning, as the refusal of an unconfirmed approve on a dummy site
// (dummy_site_not_confirmed): the same for every way of approving.
Error dummy_site_warning(const Site& school);

// Why a school rejects, when it says: a reason from the short list and, optionally, a note
// (plain text, checked at the edge: api::plain_note).
struct RejectWhy {
  RejectReason reason = RejectReason::other;
  std::string note;
};

// What a school admin's decision says beyond its action.
struct DecisionInput {
  std::optional<RejectWhy> why;  // a reject's reason, when it gives one
  // An approve on a dummy (migration) site: the admin was shown the warning that the MIS's ids
  // change when the site is wiped and remigrated, and approves anyway.
  bool dummy_site_confirmed = false;
};

// A dummy school's site gone live (Service::go_live): the approved connections whose partners
// were told that the school's ids changed.
struct WentLive {
  Site school;
  std::vector<store::Connection> told;
};

// An approval through an alternative connection's link (Service::approve_through_link): the
// connection as it is now, and whether the approval wrote it (false: it was approved at the
// app's current permission set already, and nothing was written).
struct LinkApproval {
  store::Connection connection;
  bool changed = false;
};

struct RequestOutcome {
  store::Connection connection;
  bool created = false;
};

// A school admin's decision as committed (for a cancel, the connection as it stays), and the
// app of the catalogue it was checked against: never null.
struct Decided {
  store::Connection connection;
  const policy::App* app = nullptr;
};

// One item of a bulk decision, as the client sent it.
struct BulkItem {
  std::string school;
  std::string app;
  std::string action;  // approve or reject
  // The status the client saw, when it says (pending, approved or rejected): the item is
  // refused if the connection is in another one, so a batch never makes a change its sender
  // did not see (a revoke of an app approved since, say). Empty: any status the action allows.
  std::string from;
  bool dummy_site_confirmed = false;  // DecisionInput::dummy_site_confirmed, for an approve
};

struct BulkItemError {
  std::size_t index = 0;  // in the request's items
  std::string school;
  std::string app;
  Error error;
};

// A validated bulk decision: what to write, and what each change starts from.
struct BulkPlan {
  std::vector<store::AuditedChange> changes;  // in item order
  std::vector<store::Connection> current;     // the connection each change replaces
  cache::Generation since = 0;                // taken before anything was read
};

// Either a plan or, when any item is refused, every item's refusal (nothing is applied then).
struct BulkValidation {
  std::optional<BulkPlan> plan;
  std::vector<BulkItemError> errors;
};

// A school of a trust, and the acceptance of its current terms by the user asking, if any.
struct SchoolTerms {
  Site school;
  std::optional<store::TermsAcceptance> accepted;
};

struct TermsOutcome {
  store::TermsAcceptance acceptance;  // the one on record (the first, when accepted before)
  bool created = false;
};

cache::Entry cache_entry_for(const store::Connection& connection);

// The ids of the request a change comes from, for its audit record: the server's own (always
// set; the record's request_id) and what the client sent as X-Request-Id (empty when none),
// kept beside it. A bare id converts: a request with no client id (system tasks, tests).
struct RequestIds {
  RequestIds(std::string_view server_id) : server(server_id) {}
  RequestIds(const std::string& server_id) : server(server_id) {}
  RequestIds(const char* server_id) : server(server_id) {}
  RequestIds(std::string_view server_id, std::string_view client_id)
      : server(server_id), client(client_id) {}
  std::string_view server;
  std::string_view client;
};

class Service : public tenancy::ConnectionSeeds {
 public:
  // `deletion_deadline`: how long a partner whose approval is revoked has to attest that it
  // deleted the school's data (consent/deletions.hpp).
  Service(const policy::LivePolicies& policy, store::ConnectionStore& connections,
          store::DirectoryStore& directory, store::TrustStore& trusts, cache::DecisionCache& cache,
          const Clock& clock, std::chrono::days deletion_deadline = std::chrono::days(30))
      : policy_(policy),
        connections_(connections),
        directory_(directory),
        trusts_(trusts),
        cache_(cache),
        clock_(clock),
        deletion_deadline_(deletion_deadline) {}

  Result<Site> school(std::string_view school_id);
  Result<const policy::App*> app(std::string_view app_id) const;

  std::vector<store::Connection> list(std::string_view school_id,
                                      std::optional<ConnectionStatus> status);
  // A partner's own connections, by school, a page at a time (`query.after`, `query.limit`):
  // in a status, or, with `for_review`, approved at a version before the app's current set.
  std::vector<store::Connection> app_connections(const policy::App& app, bool for_review,
                                                 store::ConnectionStore::AppConnectionsQuery query);
  Result<store::Connection> connection(std::string_view school_id, std::string_view app_id);

  // The connection a school admin's decision would change, once it is known to be valid now
  // (the errors decide() would return otherwise). Changes nothing.
  Result<store::Connection> check_decision(const tenancy::Actor& actor, std::string_view app_id,
                                           AdminAction action);

  // A school admin's decision. Cancel is valid only while pending and changes nothing. With
  // `at_revision`, the decision is applied only to the connection at that revision, once; if
  // the connection is at another revision, or changes meanwhile, it is concurrent_change.
  // An actor acting via a trust must have accepted the school's current terms first
  // (terms_not_accepted, listing them), for every action, cancel included.
  // `guard`: what the transaction must also do (revocation/ sets it for rejects).
  // `input.why`: a reject's reason, kept on the connection while it stays rejected, in its
  // audit record and in the partner's event; refused (invalid_value) with any other action.
  // An approve on a dummy site without `input.dummy_site_confirmed` is refused
  // (dummy_site_not_confirmed, with the warning to show).
  Result<Decided> decide_with_app(const tenancy::Actor& actor, std::string_view app_id,
                                  AdminAction action, RequestIds ids,
                                  std::optional<std::int64_t> at_revision = std::nullopt,
                                  const store::CommitGuard& guard = {},
                                  const DecisionInput& input = {});
  // decide_with_app(), for a caller that needs only the connection.
  Result<store::Connection> decide(const tenancy::Actor& actor, std::string_view app_id,
                                   AdminAction action, RequestIds ids,
                                   std::optional<std::int64_t> at_revision = std::nullopt,
                                   const store::CommitGuard& guard = {},
                                   const DecisionInput& input = {});

  // Makes the dummy (migration) site of `school_id` live, keeping every connection as it is:
  // each approved one gets an audit record (action go_live, by the operator) and its partner a
  // school.ids_changed event, in the same transaction. unknown_school; site_already_live when
  // the school is not a dummy site.
  // `actor`: the system actor the audit names ("operator", or "tenants-import").
  Result<WentLive> go_live(std::string_view school_id, RequestIds ids,
                           std::string_view actor = "operator");

  // `actor` opened their school's Partner Apps: a trust user's first time there is recorded,
  // which the alternative connection asks of trust users (tenancy::resolve_link_approver).
  void opened_school(const tenancy::Actor& actor);

  // Status::ok when `actor` may change things in their school now: always for the school's
  // own admins; via a trust, once the school's current terms are accepted.
  Status terms_accepted(const tenancy::Actor& actor);

  // Records that `actor` (acting via a trust) accepts `version` of the school's terms, which
  // must be the current one (terms_changed otherwise). Accepting again changes nothing.
  Result<TermsOutcome> accept_terms(const tenancy::Actor& actor, int version,
                                    std::string_view request_id);

  // A trust central user's decisions over many schools of `trust` at once. Every item is
  // checked first against one read of the trust's schools, connections and the user's terms
  // acceptances: the school is in the trust, the app is known, the action is approve or
  // reject and valid from the current status, the pair is not named twice, and the school's
  // terms are accepted. Changes nothing.
  BulkValidation plan_bulk(const User& user, const Site& trust, std::span<const BulkItem> items,
                           RequestIds ids);
  // Applies a plan in one transaction (all or nothing, one audit record per change), with
  // `guard` for the whole of it, then updates this process's cache. concurrent_change when any
  // connection changed since the plan was made; then nothing is written.
  // With an `answer`, the batch's idempotency answer is stored in the same transaction.
  Result<std::vector<store::Connection>> apply_bulk(BulkPlan plan,
                                                    const store::CommitGuard& guard = {},
                                                    const store::BatchAnswer* answer = nullptr);

  // The schools of `trust`, by id, each with whether `user` accepted its current terms.
  std::vector<SchoolTerms> trust_schools(const User& user, const Site& trust);

  // Every connection of the trust's schools, by school and app.
  std::vector<store::Connection> trust_connections(std::string_view trust_id);

  // The trust-wide export for a data-protection officer: per connection and data type of the
  // app's permission set, its fields and operations, and who decided last and when.
  std::string trust_export_csv(const Site& trust);

  // A partner app asks a school for a connection. Asking again while pending (or once
  // approved) returns the existing connection unchanged; asking again after the request
  // expired renews it (pending again, requested now, at the current permission set). A new or
  // renewed request notifies the people who may act in the school, in the same transaction.
  Result<RequestOutcome> request(const policy::App& app, std::string_view school_id,
                                 RequestIds ids);

  // A demo connection of the tenant files (`canopy tenants import`), created at its status with
  // an "import" audit record by the system actor when the school has none for the app; an
  // existing one is kept as it is (an admin's decision wins). A new connection takes no allow
  // away, so it needs no revocation protocol. The tenant files were checked against the
  // policies in force: an unknown app is a logic_error.
  store::Upsert seed(const tenancy::SeedConnection& seed) override;
  // go_live() for the tenants import (request id "import"); false when live already.
  bool go_live(std::string_view school_id) override;

  // `actor` approves `app` through an alternative connection's link (consent/connect_approvals):
  // from no connection or any status to approved at the app's current permission set, with
  // its audit record and the partner's event like any approval, spending the link
  // (`spend`) in the same transaction. Nothing is written when it was approved at that set
  // already (changed: false; the caller spends the link by itself). nullopt, with nothing
  // written, when the connection moved or the link could not be spent: the caller looks again.
  // The caller has checked the actor, the app and the dummy-site confirmation.
  std::optional<LinkApproval> approve_through_link(const tenancy::Actor& actor,
                                                   const policy::App& app,
                                                   const store::LinkSpend& spend, RequestIds ids);

  // Pending requests made before `cutoff` (the oldest `limit`): what expire_request expires.
  std::vector<store::Connection> stale_requests(TimePoint cutoff, std::size_t limit);
  // `request`, still pending at its revision, expires (by the system, audited as "expire",
  // the partner told): the partner may ask again. The connection as written, or nullopt when
  // it changed meanwhile (decided, say): then nothing is written.
  std::optional<store::Connection> expire_request(const store::Connection& request, RequestIds ids);

 private:
  Result<ConnectionStatus> next(const policy::App& app, const store::Connection& current,
                                AdminAction action) const;
  // Level 1 of this process takes a committed connection, unless it was cleared since `since`
  // (taken before the connection was read). The other replicas hear of it from the use case
  // (consent/changes.hpp).
  void remember(const store::Connection& connection, cache::Generation since);
  // The change and audit record of `actor`'s decision on `current` (null: no connection yet).
  store::AuditedChange decision_change(const tenancy::Actor& actor, const policy::App& app,
                                       const store::Connection* current, ConnectionStatus next,
                                       AdminAction action, RequestIds ids,
                                       const RejectWhy* why = nullptr) const;

  const policy::LivePolicies& policy_;
  store::ConnectionStore& connections_;
  store::DirectoryStore& directory_;
  store::TrustStore& trusts_;
  cache::DecisionCache& cache_;
  const Clock& clock_;
  std::chrono::days deletion_deadline_;
};

}  // namespace canopy::consent
