// AuditStore: reading the audit trail and its chain links (records are only ever added, by
// ConnectionStore::apply, in connections.cpp and audit_links.cpp).
#include "store/db/statements.hpp"
#include "store/row_mapping.hpp"
#include "store/sql/sql_store.hpp"

namespace canopy::store {

std::vector<AuditRecord> SqlStore::audit_for_school(std::string_view school, std::size_t limit) {
  return db_->read("audit_for_school", [&](db::Session& s) {
    auto q = s.prepare(rows::select_audit() + " WHERE a.school_id = ? ORDER BY a.id LIMIT ?");
    q->bind(school).bind(db::limit_value(limit));
    return db::all_rows(*q, [](const db::Statement& r) { return rows::audit(r); });
  });
}

std::int64_t SqlStore::audit_count() {
  return db_->read("audit_count", [&](db::Session& s) {
    return db::scalar(s, "SELECT COUNT(*) FROM audit_log", dialect_.name());
  });
}

AuditPage SqlStore::find_audit(const AuditQuery& query) {
  if (query.schools.empty()) return {};
  return db_->read("find_audit", [&](db::Session& s) {
    auto q = s.prepare(rows::select_audit() + rows::audit_filter(query) +
                       " ORDER BY a.at_ms DESC, a.school_id DESC, a.id DESC LIMIT ?");
    rows::bind_audit_filter(query, [&](const auto& v) { q->bind(v); });
    q->bind(db::limit_with_one_more(query.limit));
    AuditPage page;
    page.items = db::all_rows(*q, [](const db::Statement& r) { return rows::audit(r); });
    if (page.items.size() > query.limit) {
      page.items.resize(query.limit);
      page.more = true;
    }
    return page;
  });
}

std::optional<AuditRecord> SqlStore::find_audit_record(std::int64_t id) {
  return db_->read("find_audit_record", [&](db::Session& s) -> std::optional<AuditRecord> {
    auto q = s.prepare(rows::select_audit() + " WHERE a.id = ?");
    q->bind(id);
    if (!q->next()) return std::nullopt;
    return rows::audit(*q);
  });
}

std::vector<std::string> SqlStore::audited_schools() {
  return db_->read("audited_schools", [&](db::Session& s) {
    auto q = s.prepare(
        "SELECT school_id FROM audit_heads UNION SELECT school_id FROM audit_chain"
        " UNION SELECT school_id FROM audit_log ORDER BY 1");
    return db::all_rows(*q, [](const db::Statement& r) { return r.text(0); });
  });
}

std::optional<AuditHead> SqlStore::audit_head(std::string_view school) {
  return db_->read("audit_head", [&](db::Session& s) -> std::optional<AuditHead> {
    auto q = s.prepare("SELECT " + std::string(rows::kAuditHeadColumns) +
                       " FROM audit_heads WHERE school_id = ?");
    q->bind(school);
    if (!q->next()) return std::nullopt;
    return rows::audit_head(*q);
  });
}

std::vector<AuditLink> SqlStore::audit_links(std::string_view school, std::int64_t after_seq,
                                             std::size_t limit) {
  return db_->read("audit_links", [&](db::Session& s) {
    auto q = s.prepare(rows::select_audit_links() +
                       " WHERE c.school_id = ? AND c.seq > ? ORDER BY c.seq LIMIT ?");
    q->bind(school).bind(after_seq).bind(db::limit_value(limit));
    return db::all_rows(*q, [](const db::Statement& r) { return rows::audit_link(r); });
  });
}

std::vector<std::int64_t> SqlStore::unchained_audit_ids(std::string_view school,
                                                        std::size_t limit) {
  return db_->read("unchained_audit_ids", [&](db::Session& s) {
    auto q = s.prepare(
        "SELECT a.id FROM audit_log a"
        " LEFT JOIN audit_chain c ON c.audit_id = a.id AND c.school_id = a.school_id"
        " WHERE a.school_id = ? AND c.audit_id IS NULL ORDER BY a.id LIMIT ?");
    q->bind(school).bind(db::limit_value(limit));
    return db::all_rows(*q, [](const db::Statement& r) { return r.integer(0); });
  });
}

}  // namespace canopy::store
