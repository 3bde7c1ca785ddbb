// TrustStore: a trust's schools, and the terms acceptances acting into them needs.
#include "store/db/statements.hpp"
#include "store/row_mapping.hpp"
#include "store/sql/sql_store.hpp"

namespace canopy::store {

std::vector<Site> SqlStore::schools_of_trust(std::string_view trust_id) {
  return db_->read("schools_of_trust", [&](db::Session& s) {
    auto q = s.prepare(std::string(rows::kSelectSites) +
                       " WHERE s.trust_id = ? AND s.kind = 'school' ORDER BY s.id");
    q->bind(trust_id);
    return db::all_rows(*q, [](const db::Statement& r) { return rows::site(r); });
  });
}

bool SqlStore::accept_terms(const TermsAcceptance& a) {
  return db_->transact("accept_terms", [&](db::Session& s) {
    auto q = s.prepare("INSERT INTO terms_acceptances (" + std::string(rows::kTermsColumns) +
                       ") VALUES (?, ?, ?, ?, ?, ?, ?)");
    q->bind(a.user_id)
        .bind(a.site_id)
        .bind(a.version)
        .bind(a.title)
        .bind(a.acting_site)
        .bind(to_unix_ms(a.accepted_at))
        .bind(a.request_id);
    // Accepted before: the first acceptance stays on record.
    return q->execute_unless_duplicate().has_value();
  });
}

std::optional<TermsAcceptance> SqlStore::find_terms_acceptance(std::int64_t user_id,
                                                               std::string_view site_id,
                                                               int version) {
  return db_->read("find_terms_acceptance", [&](db::Session& s) -> std::optional<TermsAcceptance> {
    auto q = s.prepare("SELECT " + std::string(rows::kTermsColumns) +
                       " FROM terms_acceptances WHERE user_id = ? AND site_id = ? AND version = ?");
    q->bind(user_id).bind(site_id).bind(version);
    if (!q->next()) return std::nullopt;
    return rows::terms_acceptance(*q);
  });
}

std::vector<TermsAcceptance> SqlStore::terms_accepted_by(std::int64_t user_id) {
  return db_->read("terms_accepted_by", [&](db::Session& s) {
    auto q = s.prepare("SELECT " + std::string(rows::kTermsColumns) +
                       " FROM terms_acceptances WHERE user_id = ? ORDER BY site_id, version");
    q->bind(user_id);
    return db::all_rows(*q, [](const db::Statement& r) { return rows::terms_acceptance(r); });
  });
}

void SqlStore::record_school_visit(std::int64_t user_id, std::string_view school_id, TimePoint at) {
  db_->transact("record_school_visit", [&](db::Session& s) {
    auto q =
        s.prepare("INSERT INTO school_visits (user_id, school_id, first_at_ms) VALUES (?, ?, ?)" +
                  dialect_.on_conflict_do_nothing("user_id, school_id", "school_visits.user_id"));
    q->bind(user_id).bind(school_id).bind(to_unix_ms(at)).execute();
  });
}

std::optional<TimePoint> SqlStore::first_school_visit(std::int64_t user_id,
                                                      std::string_view school_id) {
  return db_->read("first_school_visit", [&](db::Session& s) -> std::optional<TimePoint> {
    auto q = s.prepare("SELECT first_at_ms FROM school_visits WHERE user_id = ? AND school_id = ?");
    q->bind(user_id).bind(school_id);
    if (!q->next()) return std::nullopt;
    return from_unix_ms(q->integer(0));
  });
}

}  // namespace canopy::store
