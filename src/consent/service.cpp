// Consent transitions with optimistic concurrency: read, decide with the pure state machine,
// then write only if nobody changed the row in between; otherwise decide again on fresh data.
#include "consent/service.hpp"

#include "consent/events.hpp"
#include "consent/export.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

namespace canopy::consent {
namespace {

constexpr int kMaxAttempts = 5;

}  // namespace

Error not_connectable(const policy::App& app) {
  if (app.competitor) {
    return make_error(Errc::competitor_not_connectable,
                      app.name + " competes with the MIS and cannot be connected");
  }
  return make_error(Errc::application_not_live,
                    "Application Not Live: " + app.name + " is not available for connections yet");
}

Error dummy_site_warning(const Site& school) {
  return make_error(
      Errc::dummy_site_not_confirmed,
      school.name +
          " is a dummy (migration) site. An approval made here is kept when the site is wiped "
          "and remigrated, but its ids (students, staff) change then, so we recommend approving "
          "on the live site. To approve here anyway, confirm that you have read this "
          "(confirm_dummy_site: true); at go-live the app is told to use the new ids.");
}

cache::Entry cache_entry_for(const store::Connection& c) {
  return cache::entry_for_connection(c.status, c.permission_set_version, c.revision);
}

void Service::remember(const store::Connection& c, cache::Generation since) {
  (void)cache_.put(c.school_id, c.app_id, cache_entry_for(c), since);
}

Result<Site> Service::school(std::string_view school_id) {
  auto site = directory_.find_site(school_id);
  if (!site || site->kind != SiteKind::school) {
    return make_error(Errc::unknown_school, "no school '" + std::string(school_id) + "'");
  }
  return std::move(*site);
}

Result<const policy::App*> Service::app(std::string_view app_id) const {
  const auto* app = policy_.find_app(app_id);
  if (app == nullptr) return make_error(Errc::unknown_app, "no app '" + std::string(app_id) + "'");
  return app;
}

std::vector<store::Connection> Service::list(std::string_view school_id,
                                             std::optional<ConnectionStatus> status) {
  return connections_.list_connections(school_id, status);
}

Result<store::Connection> Service::connection(std::string_view school_id, std::string_view app_id) {
  auto c = connections_.find_connection(school_id, app_id);
  if (!c) {
    return make_error(Errc::connection_not_found,
                      "'" + std::string(app_id) + "' has not asked to connect to this school");
  }
  return std::move(*c);
}

std::vector<store::Connection> Service::app_connections(
    const policy::App& app, bool for_review, store::ConnectionStore::AppConnectionsQuery query) {
  if (for_review) query.approved_below = app.permissions.version();
  return connections_.app_connections(app.id, query);
}

void Service::opened_school(const tenancy::Actor& actor) {
  // A read first: after the first visit, opening the school writes nothing.
  if (actor.via_trust && !trusts_.first_school_visit(actor.user_id, actor.school_id))
    trusts_.record_school_visit(actor.user_id, actor.school_id, clock_.now());
}

Status Service::terms_accepted(const tenancy::Actor& actor) {
  if (!actor.required_terms) return {};
  const SiteTerms& terms = *actor.required_terms;
  if (trusts_.find_terms_acceptance(actor.user_id, actor.school_id, terms.version)) return {};
  // The API adds where to accept them (api/school_apps.cpp).
  Error e = make_error(Errc::terms_not_accepted,
                       "accept the terms and conditions of this school site (version " +
                           std::to_string(terms.version) + ") before acting in it");
  e.terms.push_back({actor.school_id, terms.version, terms.title});
  return e;
}

Result<TermsOutcome> Service::accept_terms(const tenancy::Actor& actor, int version,
                                           std::string_view request_id) {
  if (!actor.required_terms) {
    return make_error(Errc::forbidden,
                      "only users acting via their trust accept a school's terms here");
  }
  const SiteTerms& terms = *actor.required_terms;
  if (version != terms.version) {
    return make_error(Errc::terms_changed, "the terms of this school site are at version " +
                                               std::to_string(terms.version) + ", not " +
                                               std::to_string(version) +
                                               "; read them and accept that version");
  }
  store::TermsAcceptance acceptance{.user_id = actor.user_id,
                                    .site_id = actor.school_id,
                                    .version = terms.version,
                                    .title = terms.title,
                                    .acting_site = actor.acting_site,
                                    .accepted_at = clock_.now(),
                                    .request_id = std::string(request_id)};
  if (trusts_.accept_terms(acceptance)) return TermsOutcome{std::move(acceptance), true};
  auto existing = trusts_.find_terms_acceptance(actor.user_id, actor.school_id, terms.version);
  if (!existing) throw store::StoreError("an accepted version of terms vanished");
  return TermsOutcome{std::move(*existing), false};
}

Result<ConnectionStatus> Service::next(const policy::App& app, const store::Connection& current,
                                       AdminAction action) const {
  // Re-consent: an approved app whose permission set changed is approved again as it is now.
  const bool reconsent = action == AdminAction::approve &&
                         current.status == ConnectionStatus::approved &&
                         current.permission_set_version != app.permissions.version();
  auto next = reconsent ? Result<ConnectionStatus>(ConnectionStatus::approved)
                        : next_status(current.status, action);
  if (!next) return next.error();
  if (action == AdminAction::approve && (app.competitor || !app.live)) return not_connectable(app);
  return next;
}

Result<store::Connection> Service::check_decision(const tenancy::Actor& actor,
                                                  std::string_view app_id, AdminAction action) {
  // First: until the terms are accepted, nothing here is the actor's business to change.
  if (auto accepted = terms_accepted(actor); !accepted) return accepted.error();
  auto app = this->app(app_id);
  if (!app) return app.error();
  auto current = connection(actor.school_id, (*app)->id);
  if (!current) return current.error();
  if (auto next = this->next(**app, *current, action); !next) return next.error();
  return current;
}

Result<store::Connection> Service::decide(const tenancy::Actor& actor, std::string_view app_id,
                                          AdminAction action, RequestIds ids,
                                          std::optional<std::int64_t> at_revision,
                                          const store::CommitGuard& guard,
                                          const DecisionInput& input) {
  auto decided = decide_with_app(actor, app_id, action, ids, at_revision, guard, input);
  if (!decided) return decided.error();
  return std::move(decided->connection);
}

Result<Decided> Service::decide_with_app(const tenancy::Actor& actor, std::string_view app_id,
                                         AdminAction action, RequestIds ids,
                                         std::optional<std::int64_t> at_revision,
                                         const store::CommitGuard& guard,
                                         const DecisionInput& input) {
  const auto& why = input.why;
  if (why && action != AdminAction::reject)
    return make_error(Errc::invalid_value, "only a reject takes a reason");
  if (auto accepted = terms_accepted(actor); !accepted) return accepted.error();
  auto app = this->app(app_id);
  if (!app) return app.error();
  if (action == AdminAction::approve && !input.dummy_site_confirmed) {
    auto site = school(actor.school_id);
    if (!site) return site.error();
    if (site->dummy) return dummy_site_warning(*site);
  }
  const auto moved = [] {
    return make_error(Errc::concurrent_change, "the connection kept changing; try again");
  };
  for (int attempt = 0; attempt < (at_revision ? 1 : kMaxAttempts); ++attempt) {
    const auto since = cache_.generation();
    auto current = connection(actor.school_id, (*app)->id);
    if (!current) return current.error();
    if (at_revision && current->revision != *at_revision) return moved();
    auto next = this->next(**app, *current, action);
    if (!next) return next.error();
    if (action == AdminAction::cancel) return Decided{std::move(*current), *app};
    auto [change, audit] =
        decision_change(actor, **app, &*current, *next, action, ids, why ? &*why : nullptr);
    change.guard = guard;
    if (auto applied = connections_.apply(change, audit)) {
      remember(*applied, since);
      return Decided{std::move(*applied), *app};
    }
  }
  return moved();
}

store::AuditedChange Service::decision_change(const tenancy::Actor& actor, const policy::App& app,
                                              const store::Connection* current,
                                              ConnectionStatus next, AdminAction action,
                                              RequestIds ids, const RejectWhy* why) const {
  // Approving consents to the permission set shown now; rejecting keeps the version on record.
  const int version = action == AdminAction::approve || current == nullptr
                          ? app.permissions.version()
                          : current->permission_set_version;
  const auto from = current ? std::optional(current->status) : std::nullopt;
  const TimePoint now = clock_.now();
  store::AuditedChange item{
      store::ConnectionChange{
          .school_id = actor.school_id,
          .app_id = app.id,
          .expected_revision = current ? std::optional(current->revision) : std::nullopt,
          .to = next,
          .permission_set_version = version,
          .at = now,
          .is_decision = true,
          .decided_by = actor.email},
      store::AuditRecord{.school_id = actor.school_id,
                         .app_id = app.id,
                         .actor_kind = store::ActorKind::user,
                         .actor = actor.email,
                         .actor_site = actor.acting_site,
                         .actor_role = actor.role,
                         .via_trust = actor.via_trust,
                         .action = std::string(to_string(action)),
                         .from_status = from,
                         .to_status = next,
                         .permission_set_version = version,
                         .at = now,
                         .request_id = std::string(ids.server),
                         .client_request_id = std::string(ids.client)}};
  // A revocation asks the partner to delete what it holds of the school, and to say so.
  if (from == ConnectionStatus::approved && next == ConnectionStatus::rejected)
    item.change.deletion_due = now + deletion_deadline_;
  if (why != nullptr) {
    item.change.reject_reason = why->reason;
    item.change.reject_note = why->note;
    item.audit.reason = std::string(to_string(why->reason));
    item.audit.reason_note = why->note;
  }
  item.change.event = connection_event(item.change, item.audit);
  return item;
}

Result<WentLive> Service::go_live(std::string_view school_id, RequestIds ids,
                                  std::string_view actor) {
  auto site = school(school_id);
  if (!site) return site.error();
  const TimePoint now = clock_.now();
  const auto told =
      connections_.go_live(site->id, [&](std::span<const store::Connection> approved) {
        std::vector<store::AuditedChange> records;
        for (const auto& c : approved) {
          store::AuditedChange r{
              store::ConnectionChange{.school_id = c.school_id,
                                      .app_id = c.app_id,
                                      .to = c.status,
                                      .permission_set_version = c.permission_set_version,
                                      .at = now},
              store::AuditRecord{.school_id = c.school_id,
                                 .app_id = c.app_id,
                                 .actor_kind = store::ActorKind::system,
                                 .actor = std::string(actor),
                                 .actor_site = c.school_id,
                                 .actor_role = "system",
                                 .action = "go_live",
                                 .from_status = c.status,
                                 .to_status = c.status,
                                 .permission_set_version = c.permission_set_version,
                                 .at = now,
                                 .request_id = std::string(ids.server),
                                 .client_request_id = std::string(ids.client)}};
          r.change.event = ids_changed_event(c, now);
          records.push_back(std::move(r));
        }
        return records;
      });
  if (!told) {
    return make_error(Errc::site_already_live,
                      site->name + " is not a dummy site: it is live already");
  }
  site->dummy = false;
  return WentLive{std::move(*site), std::move(*told)};
}

bool Service::go_live(std::string_view school_id) {
  return go_live(school_id, RequestIds{"tenants-import", ""}, "tenants-import").ok();
}

std::optional<LinkApproval> Service::approve_through_link(const tenancy::Actor& actor,
                                                          const policy::App& app,
                                                          const store::LinkSpend& spend,
                                                          RequestIds ids) {
  const auto since = cache_.generation();
  auto current = connections_.find_connection(actor.school_id, app.id);
  if (current && current->status == ConnectionStatus::approved &&
      current->permission_set_version == app.permissions.version()) {
    return LinkApproval{std::move(*current), false};
  }
  // From nothing or any status: the link stands for the partner's request, the user approves.
  auto [change, audit] = decision_change(actor, app, current ? &*current : nullptr,
                                         ConnectionStatus::approved, AdminAction::approve, ids);
  change.spends_link = spend;
  if (auto applied = connections_.apply(change, audit)) {
    remember(*applied, since);
    return LinkApproval{std::move(*applied), true};
  }
  return std::nullopt;
}

BulkValidation Service::plan_bulk(const User& user, const Site& trust,
                                  std::span<const BulkItem> items, RequestIds ids) {
  BulkValidation out;
  BulkPlan plan;
  plan.since = cache_.generation();
  // One read of everything the items can touch, instead of a few reads per item.
  std::map<std::string, Site, std::less<>> schools;
  for (auto& school : trusts_.schools_of_trust(trust.id))
    schools.emplace(school.id, std::move(school));
  std::map<std::pair<std::string, std::string>, store::Connection> connections;
  for (auto& c : connections_.trust_connections(trust.id))
    connections.emplace(std::pair(c.school_id, c.app_id), std::move(c));
  std::set<std::pair<std::string, int>> accepted;
  for (const auto& a : trusts_.terms_accepted_by(user.id))
    accepted.emplace(a.site_id, a.version);
  std::map<std::string, Result<tenancy::Actor>, std::less<>> actors;
  std::set<std::pair<std::string_view, std::string_view>> seen;

  for (std::size_t i = 0; i < items.size(); ++i) {
    const BulkItem& item = items[i];
    const auto refuse = [&](Error e) {
      out.errors.push_back({i, item.school, item.app, std::move(e)});
    };
    std::optional<AdminAction> action;
    if (item.action == "approve") action = AdminAction::approve;
    if (item.action == "reject") action = AdminAction::reject;
    if (!action) {
      refuse(make_error(Errc::invalid_value, "action must be approve or reject"));
      continue;
    }
    const auto school = schools.find(item.school);
    if (school == schools.end()) {
      refuse(make_error(Errc::unknown_school, "no school '" + item.school + "' in " + trust.name));
      continue;
    }
    const auto* app = policy_.find_app(item.app);
    if (app == nullptr) {
      refuse(make_error(Errc::unknown_app, "no app '" + item.app + "'"));
      continue;
    }
    if (!seen.emplace(item.school, item.app).second) {
      refuse(make_error(Errc::duplicate_item,
                        "an earlier item already decides on " + item.app + " at " + item.school));
      continue;
    }
    auto actor = actors.find(item.school);
    if (actor == actors.end())
      actor = actors
                  .emplace(item.school,
                           tenancy::resolve_school_admin(user, school->second, policy_.current()))
                  .first;
    if (!actor->second) {
      refuse(actor->second.error());
      continue;
    }
    const tenancy::Actor& who = *actor->second;
    if (who.required_terms && !accepted.contains({who.school_id, who.required_terms->version})) {
      Error e =
          make_error(Errc::terms_not_accepted,
                     "accept the terms and conditions of " + school->second.name + " (version " +
                         std::to_string(who.required_terms->version) + ") before acting in it");
      e.terms.push_back({who.school_id, who.required_terms->version, who.required_terms->title});
      refuse(std::move(e));
      continue;
    }
    const auto current = connections.find(std::pair(item.school, item.app));
    if (current == connections.end()) {
      refuse(make_error(Errc::connection_not_found,
                        "'" + item.app + "' has not asked to connect to " + item.school));
      continue;
    }
    if (!item.from.empty() && to_string(current->second.status) != item.from) {
      refuse(make_error(Errc::invalid_transition,
                        "the connection is " + std::string(to_string(current->second.status)) +
                            " now, not " + item.from + " as this item expects"));
      continue;
    }
    auto next = this->next(*app, current->second, *action);
    if (!next) {
      refuse(next.error());
      continue;
    }
    if (*action == AdminAction::approve && school->second.dummy && !item.dummy_site_confirmed) {
      refuse(dummy_site_warning(school->second));
      continue;
    }
    plan.changes.push_back(decision_change(who, *app, &current->second, *next, *action, ids));
    plan.current.push_back(current->second);
  }
  if (out.errors.empty()) out.plan = std::move(plan);
  return out;
}

Result<std::vector<store::Connection>> Service::apply_bulk(BulkPlan plan,
                                                           const store::CommitGuard& guard,
                                                           const store::BatchAnswer* answer) {
  for (auto& item : plan.changes)
    item.change.guard = guard;
  auto applied = connections_.apply_all(plan.changes, answer);
  if (!applied) {
    return make_error(Errc::concurrent_change,
                      "a connection of the batch changed while it was being applied; nothing "
                      "was applied; review and try again");
  }
  for (const auto& c : *applied)
    remember(c, plan.since);
  return std::move(*applied);
}

std::vector<SchoolTerms> Service::trust_schools(const User& user, const Site& trust) {
  const auto accepted = trusts_.terms_accepted_by(user.id);
  std::vector<SchoolTerms> out;
  for (auto& school : trusts_.schools_of_trust(trust.id)) {
    const auto it = std::find_if(accepted.begin(), accepted.end(), [&](const auto& a) {
      return a.site_id == school.id && a.version == school.terms.version;
    });
    std::optional<store::TermsAcceptance> current;
    if (it != accepted.end()) current = *it;
    out.push_back({std::move(school), std::move(current)});
  }
  return out;
}

std::vector<store::Connection> Service::trust_connections(std::string_view trust_id) {
  return connections_.trust_connections(trust_id);
}

std::string Service::trust_export_csv(const Site& trust) {
  const auto schools = trusts_.schools_of_trust(trust.id);
  const auto connections = connections_.trust_connections(trust.id);
  // decided_by is the email of the last decision's actor, written with its audit record.
  std::map<std::string, std::string, std::less<>> deciders;
  std::vector<TrustExportRow> rows;
  auto school = schools.begin();
  for (const auto& c : connections) {
    while (school != schools.end() && school->id < c.school_id)
      ++school;
    const auto* app = policy_.find_app(c.app_id);
    // A connection whose app left the catalogue has no permission set to list.
    if (school == schools.end() || school->id != c.school_id || app == nullptr) continue;
    std::string decided_by;
    if (!c.decided_by.empty()) {
      auto known = deciders.find(c.decided_by);
      if (known == deciders.end()) {
        const auto user = directory_.find_user_by_email(c.decided_by);
        known =
            deciders
                .emplace(c.decided_by, user ? user->name + " <" + user->email + ">" : c.decided_by)
                .first;
      }
      decided_by = known->second;
    }
    rows.push_back({&*school, app, &c, std::move(decided_by)});
  }
  return trust_csv(rows);
}

Result<RequestOutcome> Service::request(const policy::App& app, std::string_view school_id,
                                        RequestIds ids) {
  auto site = school(school_id);
  if (!site) return site.error();
  // From here on the stored id, never the caller's spelling of it.
  const std::string& id = site->id;
  if (app.competitor || !app.live) return not_connectable(app);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    const auto since = cache_.generation();
    auto existing = connections_.find_connection(id, app.id);
    if (existing && existing->status == ConnectionStatus::rejected) {
      return make_error(Errc::request_rejected, site->name + " has rejected " + app.name +
                                                    "; only the school can approve it again");
    }
    // Pending or approved: nothing to ask. Expired: asked again, as new.
    if (existing && existing->status != ConnectionStatus::expired)
      return RequestOutcome{std::move(*existing), false};
    const TimePoint now = clock_.now();
    store::ConnectionChange change{
        .school_id = id,
        .app_id = app.id,
        .expected_revision = existing ? std::optional(existing->revision) : std::nullopt,
        .to = ConnectionStatus::pending,
        .permission_set_version = app.permissions.version(),
        .at = now,
        .renews_request = existing.has_value(),
        .notify = store::NotificationKind::connection_requested};
    store::AuditRecord audit{
        .school_id = id,
        .app_id = app.id,
        .actor_kind = store::ActorKind::partner,
        .actor = app.id,
        .actor_site = id,
        .actor_role = "partner",
        .action = "request",
        .from_status = existing ? std::optional(existing->status) : std::nullopt,
        .to_status = ConnectionStatus::pending,
        .permission_set_version = app.permissions.version(),
        .at = now,
        .request_id = std::string(ids.server),
        .client_request_id = std::string(ids.client)};
    change.event = connection_event(change, audit);
    if (auto applied = connections_.apply(change, audit)) {
      remember(*applied, since);
      return RequestOutcome{std::move(*applied), true};
    }
  }
  return make_error(Errc::concurrent_change, "the connection kept changing; try again");
}

store::Upsert Service::seed(const tenancy::SeedConnection& seed) {
  const auto* app = policy_.find_app(seed.app_id);
  if (app == nullptr) throw std::logic_error("tenant files name an unknown app: " + seed.app_id);
  const auto since = cache_.generation();
  const TimePoint now = clock_.now();
  const bool decided = seed.status != ConnectionStatus::pending;
  constexpr std::string_view kImport = "tenants-import";
  store::ConnectionChange change{.school_id = seed.school_id,
                                 .app_id = seed.app_id,
                                 .expected_revision = std::nullopt,
                                 .to = seed.status,
                                 .permission_set_version = app->permissions.version(),
                                 .at = now,
                                 .is_decision = decided,
                                 .decided_by = decided ? std::string(kImport) : ""};
  const store::AuditRecord audit{.school_id = seed.school_id,
                                 .app_id = seed.app_id,
                                 .actor_kind = store::ActorKind::system,
                                 .actor = std::string(kImport),
                                 .actor_site = seed.school_id,
                                 .actor_role = "system",
                                 .action = "import",
                                 .to_status = seed.status,
                                 .permission_set_version = app->permissions.version(),
                                 .at = now,
                                 .request_id = std::string(kImport)};
  change.event = connection_event(change, audit);
  const auto applied = connections_.apply(change, audit);
  if (!applied) return store::Upsert::unchanged;
  remember(*applied, since);
  return store::Upsert::created;
}

std::vector<store::Connection> Service::stale_requests(TimePoint cutoff, std::size_t limit) {
  return connections_.pending_requests_before(cutoff, limit);
}

std::optional<store::Connection> Service::expire_request(const store::Connection& request,
                                                         RequestIds ids) {
  const auto since = cache_.generation();
  const TimePoint now = clock_.now();
  constexpr std::string_view kExpiry = "request-expiry";
  store::ConnectionChange change{.school_id = request.school_id,
                                 .app_id = request.app_id,
                                 .expected_revision = request.revision,
                                 .to = ConnectionStatus::expired,
                                 .permission_set_version = request.permission_set_version,
                                 .at = now};
  const store::AuditRecord audit{.school_id = request.school_id,
                                 .app_id = request.app_id,
                                 .actor_kind = store::ActorKind::system,
                                 .actor = std::string(kExpiry),
                                 .actor_site = request.school_id,
                                 .actor_role = "system",
                                 .action = "expire",
                                 .from_status = ConnectionStatus::pending,
                                 .to_status = ConnectionStatus::expired,
                                 .permission_set_version = request.permission_set_version,
                                 .at = now,
                                 .request_id = std::string(ids.server),
                                 .client_request_id = std::string(ids.client)};
  change.event = connection_event(change, audit);
  auto applied = connections_.apply(change, audit);
  if (applied) remember(*applied, since);
  return applied;
}

}  // namespace canopy::consent
