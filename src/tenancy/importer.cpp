// Tenant import: sites, then users, then demo connections (consent::Service::seed).
#include "tenancy/importer.hpp"

#include <set>
#include <string_view>

namespace canopy::tenancy {

ImportReport import_tenants(const TenantSet& tenants, store::DirectoryStore& directory,
                            ConnectionSeeds& connections, const Progress& progress) {
  ImportReport report;
  const std::size_t total =
      tenants.sites.size() + tenants.users.size() + tenants.connections.size();
  std::size_t done = 0;
  const auto tick = [&] {
    ++done;
    if (progress) progress(done, total);
  };
  for (const auto& site : tenants.sites) {
    // A dummy site listed as live goes live through the use case, never by a silent flag
    // change: its partners must learn that the ids changed.
    const auto existing = directory.find_site(site.id);
    if (existing && existing->dummy && !site.dummy) {
      // Said live in so many words: it goes live. Silent on it: it stays as the store has it.
      Site kept = site;
      kept.dummy = true;
      if (!tenants.declared_live.contains(site.id)) {
        report.sites.add(directory.upsert_site(kept));
        tick();
        continue;
      }
      (void)directory.upsert_site(kept);
      if (connections.go_live(site.id)) report.went_live.push_back(site.id);
      report.sites.add(store::Upsert::changed);
    } else {
      report.sites.add(directory.upsert_site(site));
    }
    tick();
  }
  for (const auto& user : tenants.users) {
    report.users.add(directory.upsert_user(user));
    tick();
  }
  for (const auto& seed : tenants.connections) {
    report.connections.add(connections.seed(seed));
    tick();
  }
  return report;
}

PruneReport prune_users(const TenantSet& tenants, store::AccountStore& accounts, const Clock& clock,
                        bool disable) {
  std::set<std::string_view> listed;
  for (const auto& user : tenants.users)
    listed.insert(user.email);
  PruneReport report;
  report.disabled = disable;
  for (const auto& user : accounts.list_users()) {
    if (user.disabled || listed.contains(user.email)) continue;
    if (disable) {
      const auto done = accounts.disable_user(user.id, clock.now());
      // Gone since the list was read: nothing left to prune.
      if (!done) continue;
      report.sessions_ended += done->sessions_ended;
    }
    report.emails.push_back(user.email);
  }
  return report;
}

}  // namespace canopy::tenancy
