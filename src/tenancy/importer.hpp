// Writes a TenantSet: sites and users into the directory, demo connections through the consent
// use case. Idempotent: a second run with the same files changes nothing. Demo connections are
// only created, never overwritten: an admin's later decision wins.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "store/store.hpp"
#include "tenancy/tenants.hpp"

namespace canopy::tenancy {

struct Counts {
  int created = 0;
  int changed = 0;
  int unchanged = 0;
  void add(store::Upsert u) {
    (u == store::Upsert::created   ? created
     : u == store::Upsert::changed ? changed
                                   : unchanged) += 1;
  }
};

struct ImportReport {
  Counts sites;
  Counts users;
  Counts connections;  // changed stays 0: existing connections are kept as they are
  // Dummy (migration) schools the files now list as live: each went live as `canopy schools
  // go-live` makes it, its approved partners told that its ids changed.
  std::vector<std::string> went_live;
};

// Called after each item with (done, total); for progress on a terminal.
using Progress = std::function<void(std::size_t done, std::size_t total)>;

// Where the import's demo connections and go-lives go: consent::Service, which owns every
// change to a connection and what partners are told. seed: `created` when the school had no
// connection for the app, else `unchanged`. go_live: false when the school was live already.
class ConnectionSeeds {
 public:
  virtual ~ConnectionSeeds() = default;
  virtual store::Upsert seed(const SeedConnection& connection) = 0;
  virtual bool go_live(std::string_view school_id) = 0;
};

ImportReport import_tenants(const TenantSet& tenants, store::DirectoryStore& directory,
                            ConnectionSeeds& connections, const Progress& progress = {});

// Users the store knows, not disabled, whom the tenant files no longer list: leavers.
struct PruneReport {
  std::vector<std::string> emails;  // by email
  bool disabled = false;            // they were disabled now (or only reported)
  std::size_t sessions_ended = 0;
};

// Finds the leavers; with `disable`, disables each one, which ends their sessions at once
// (store::AccountStore::disable_user). Disabling rather than deleting keeps the audit trail
// that names them whole. Users already disabled are left alone, and a later import that lists
// a user again does not enable them: `canopy users enable` does.
PruneReport prune_users(const TenantSet& tenants, store::AccountStore& accounts, const Clock& clock,
                        bool disable);

}  // namespace canopy::tenancy
