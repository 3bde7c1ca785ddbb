// The administrative subcommands: migrate, policies check, tenants import, users, partners,
// audit verify.
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "auth/crypto.hpp"
#include "auth/partners.hpp"
#include "cache/local_cache.hpp"
#include "consent/service.hpp"
#include "main/application.hpp"
#include "main/commands.hpp"
#include "main/progress.hpp"
#include "store/audit_chain.hpp"
#include "tenancy/importer.hpp"

namespace canopy::cli {

std::shared_ptr<const policy::PolicySnapshot> load_policies_or_report(
    const std::filesystem::path& dir) {
  auto loaded = policy::load_policies(dir);
  for (const auto& e : loaded.errors)
    std::cerr << e << '\n';
  if (!loaded.snapshot)
    std::cerr << dir.string() << ": " << loaded.errors.size() << " problem(s); nothing loaded\n";
  return loaded.snapshot;
}

std::unique_ptr<store::Store> open_migrated_store(const StoreConfig& config, const Clock& clock) {
  auto store = open_store(config);
  auto report = store->migrate(clock);
  if (!report) {
    std::cerr << config.describe() << ": " << report.error().message << '\n';
    return nullptr;
  }
  return store;
}

int migrate(const Common& common) {
  SystemClock clock;
  auto store = open_store(common.store);
  auto report = store->migrate(clock);
  const auto where = common.store.describe();
  if (!report) {
    std::cerr << where << ": " << report.error().message << '\n';
    return kFailure;
  }
  if (report->audit_chained > 0) {
    std::cout << where << ": chained " << report->audit_chained
              << " audit records written before the audit chain\n";
  }
  if (report->from_version == report->to_version) {
    std::cout << where << ": schema is up to date (version " << report->to_version << ")\n";
  } else {
    std::cout << where << ": migrated schema from version " << report->from_version << " to "
              << report->to_version << '\n';
  }
  return kOk;
}

int policies_check(const std::filesystem::path& dir) {
  auto loaded = policy::load_policies(dir);
  for (const auto& e : loaded.errors)
    std::cerr << e << '\n';
  if (!loaded.snapshot) {
    std::cerr << dir.string() << ": " << loaded.errors.size() << " problem(s); nothing loaded\n";
    return kInvalid;
  }
  const auto& snapshot = *loaded.snapshot;
  // The digest is what canopy_policy_info shows once a replica runs these files.
  std::cout << dir.string() << ": ok: " << snapshot.apps().size() << " apps, "
            << snapshot.data_types().size() << " data types, " << snapshot.roles().size()
            << " business roles, " << snapshot.permissions().size() << " permissions; digest "
            << loaded.digest << '\n';
  return kOk;
}

namespace {

// "1 session", "2 sessions".
std::string count_of(std::size_t n, std::string_view thing) {
  return std::to_string(n) + " " + std::string(thing) + (n == 1 ? "" : "s");
}

}  // namespace

int tenants_import(const Common& common, const std::filesystem::path& dir, bool prune) {
  auto policy = load_policies_or_report(common.policies);
  if (!policy) return kInvalid;
  auto loaded = tenancy::load_tenants(dir, *policy);
  for (const auto& e : loaded.errors)
    std::cerr << e << '\n';
  if (!loaded.errors.empty()) {
    std::cerr << dir.string() << ": " << loaded.errors.size() << " problem(s); nothing imported\n";
    return kInvalid;
  }
  // A wrong directory must not disable everyone.
  if (prune && loaded.tenants.users.empty()) {
    std::cerr << dir.string() << ": the tenant files list no users; refusing to prune them all\n";
    return kInvalid;
  }
  SystemClock clock;
  auto store = open_migrated_store(common.store, clock);
  if (!store) return kFailure;
  Progress progress(std::cerr, Progress::stderr_is_terminal(), "imported",
                    "sites, users and connections");
  // The connections go through the consent use case like every change; no server shares this
  // process's cache, and any running one reads them from the store when it next asks.
  const policy::LivePolicies policies(policy);
  cache::LocalCache cache;
  consent::Service consent(policies, *store, *store, *store, cache, clock);
  const auto report = tenancy::import_tenants(
      loaded.tenants, *store, consent, [&](std::size_t done, std::size_t total) {
        progress.update(static_cast<std::int64_t>(done), static_cast<std::int64_t>(total));
      });
  progress.finish();
  const auto line = [](const char* what, const tenancy::Counts& c) {
    std::cout << what << ": " << c.created << " created, " << c.changed << " changed, "
              << c.unchanged << " unchanged\n";
  };
  line("sites", report.sites);
  for (const auto& school : report.went_live)
    std::cout << "went live: " << school << " (its approved partners are told its ids changed)\n";
  line("users", report.users);
  std::cout << "connections: " << report.connections.created << " created, "
            << report.connections.unchanged << " already present (kept as they are)\n";
  const auto leavers = tenancy::prune_users(loaded.tenants, *store, clock, prune);
  const auto users = count_of(leavers.emails.size(), "user");
  if (prune) {
    std::cout << "pruned " << users << " no longer listed (disabled, "
              << count_of(leavers.sessions_ended, "session") << " ended)";
  } else if (!leavers.emails.empty()) {
    std::cout << users << " no longer listed (run with --prune to disable)";
  }
  if (prune || !leavers.emails.empty()) std::cout << (leavers.emails.empty() ? "\n" : ":\n");
  for (const auto& email : leavers.emails)
    std::cout << "  " << email << '\n';
  return kOk;
}

namespace {

// Reads one line from standard input; on a terminal, without echoing it.
std::string read_secret_line() {
  termios saved{};
  const bool tty = tcgetattr(STDIN_FILENO, &saved) == 0;
  if (tty) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << '\n';
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

int users_set_password(const Common& common, const std::string& email, const std::string& cost) {
  SystemClock clock;
  auto store = open_migrated_store(common.store, clock);
  if (!store) return kFailure;
  const auto user = store->find_user_by_email(lower(email));
  if (!user) {
    std::cerr << "no user with email " << email << " (import tenants first)\n";
    return kInvalid;
  }
  if (isatty(STDIN_FILENO)) std::cerr << "New password for " << email << ": " << std::flush;
  const std::string password = read_secret_line();
  if (password.size() < 8 || password.size() > 1024) {
    std::cerr << "a password must be 8 to 1024 characters\n";
    return kInvalid;
  }
  const auto ended = store->set_password_hash(
      user->id, auth::hash_password(password, *auth::parse_password_cost(cost)));
  std::cout << "password set for " << user->email << "; ended " << count_of(ended, "session")
            << '\n';
  return kOk;
}

int users_disable(const Common& common, const std::string& email) {
  SystemClock clock;
  auto store = open_migrated_store(common.store, clock);
  if (!store) return kFailure;
  const auto user = store->find_user_by_email(lower(email));
  const auto done = user ? store->disable_user(user->id, clock.now()) : std::nullopt;
  if (!done) {
    std::cerr << "no user with email " << email << '\n';
    return kInvalid;
  }
  if (done->already) {
    std::cout << user->email << " is already disabled; ended "
              << count_of(done->sessions_ended, "session") << '\n';
  } else {
    std::cout << "disabled " << user->email << "; ended "
              << count_of(done->sessions_ended, "session") << '\n';
  }
  return kOk;
}

int users_enable(const Common& common, const std::string& email) {
  SystemClock clock;
  auto store = open_migrated_store(common.store, clock);
  if (!store) return kFailure;
  const auto user = store->find_user_by_email(lower(email));
  if (!user) {
    std::cerr << "no user with email " << email << '\n';
    return kInvalid;
  }
  if (store->enable_user(user->id)) {
    std::cout << "enabled " << user->email << "; they sign in with the password they had\n";
  } else {
    std::cout << user->email << " was not disabled\n";
  }
  return kOk;
}

int schools_go_live(const Common& common, const std::string& school) {
  auto policy = load_policies_or_report(common.policies);
  if (!policy) return kInvalid;
  SystemClock clock;
  auto store = open_migrated_store(common.store, clock);
  if (!store) return kFailure;
  const policy::LivePolicies policies(policy);
  cache::LocalCache cache;  // go-live changes no connection: nothing for any cache to learn
  consent::Service consent(policies, *store, *store, *store, cache, clock);
  const auto live = consent.go_live(school, {"cli:go-live"});
  if (!live) {
    std::cerr << live.error().message << '\n';
    return kInvalid;
  }
  std::cout << live->school.name << " (" << live->school.id << ") is live; "
            << count_of(live->told.size(), "approved partner") << " told its ids changed";
  std::cout << (live->told.empty() ? "\n" : ":");
  for (std::size_t i = 0; i < live->told.size(); ++i)
    std::cout << (i == 0 ? " " : ", ") << live->told[i].app_id
              << (i + 1 == live->told.size() ? "\n" : "");
  return kOk;
}

int partners_set_secret(const Common& common, const std::string& app, bool generate) {
  auto policy = load_policies_or_report(common.policies);
  if (!policy) return kInvalid;
  SystemClock clock;
  auto store = open_migrated_store(common.store, clock);
  if (!store) return kFailure;
  const policy::LivePolicies policies(policy);
  auth::PartnerAuthenticator partners(policies, *store);
  auto set =
      partners.set_secret(app, generate ? auth::random_token() : read_secret_line(), clock.now());
  if (!set) {
    std::cerr << set.error().message << '\n';
    return kInvalid;
  }
  if (generate)
    std::cout << "client id: " << app << "\nclient secret: " << *set << '\n';
  else
    std::cout << "secret set for " << app << '\n';
  return kOk;
}

int audit_verify(const Common& common, const std::optional<std::string>& school) {
  SystemClock clock;
  auto store = open_migrated_store(common.store, clock);
  if (!store) return kFailure;
  if (school) {
    const auto site = store->find_site(*school);
    if (!site || site->kind != SiteKind::school) {
      std::cerr << "no school '" << *school << "'\n";
      return kInvalid;
    }
  }
  Progress progress(std::cerr, Progress::stderr_is_terminal(), "verified", "records");
  const auto report = store::verify_audit_chains(
      *store, school ? std::optional<std::string_view>(*school) : std::nullopt,
      [&](std::int64_t done, std::int64_t total) { progress.update(done, total); });
  progress.finish();
  for (const auto& b : report.breaks) {
    std::cout << "school " << b.school_id << ": record " << b.record_id;
    if (b.seq > 0) std::cout << " (seq " << b.seq << ")";
    std::cout << ": " << b.problem << '\n';
  }
  std::cout << "audit: " << with_separators(report.records) << " records in " << report.schools
            << (report.schools == 1 ? " school" : " schools") << "; ";
  if (report.breaks.empty()) {
    std::cout << "every chain intact\n";
    return kOk;
  }
  std::cout << report.breaks.size() << (report.breaks.size() == 1 ? " chain" : " chains")
            << " broken\n";
  return kBroken;
}

int housekeeping(const Common& common) {
  SystemClock clock;
  auto store = open_migrated_store(common.store, clock);
  if (!store) return kFailure;
  Progress progress(std::cerr, Progress::stderr_is_terminal(), "deleted", "rows");
  const auto report = store::apply_retention(
      *store, clock.now(), retention_of(common),
      [&](std::size_t deleted) { progress.update(static_cast<std::int64_t>(deleted)); });
  progress.finish();
  std::cout << "housekeeping: deleted "
            << with_separators(static_cast<std::int64_t>(report.sessions)) << " expired sessions, "
            << with_separators(static_cast<std::int64_t>(report.logins)) << " sign-in attempts ";
  if (common.login_history_days == 0) {
    std::cout << "(kept for good)";
  } else {
    std::cout << "older than " << common.login_history_days << " days";
  }
  std::cout << ", " << with_separators(static_cast<std::int64_t>(report.idempotency_keys))
            << " idempotency keys older than 24 hours, "
            << with_separators(static_cast<std::int64_t>(report.replica_records))
            << " replica records older than 7 days, "
            << with_separators(static_cast<std::int64_t>(report.partner_events))
            << " partner events and delivery records older than 90 days, "
            << with_separators(static_cast<std::int64_t>(report.connect_links))
            << " alternative-connection links expired over 7 days ago\n";
  return kOk;
}

store::Retention retention_of(const Common& common) {
  store::Retention r;
  r.login_history = std::chrono::days(common.login_history_days);
  return r;
}

}  // namespace canopy::cli
