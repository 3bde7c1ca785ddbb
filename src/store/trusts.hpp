// Acting through a trust: its schools and the terms acceptances (TermsAcceptance, TrustStore).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/site.hpp"
#include "core/time.hpp"

namespace canopy::store {

// A user's acceptance of one version of a site's terms and conditions.
struct TermsAcceptance {
  std::int64_t user_id = 0;
  std::string site_id;
  int version = 0;
  std::string title;        // the title of that version, as accepted
  std::string acting_site;  // the trust the user acted from
  TimePoint accepted_at;
  std::string request_id;
  friend bool operator==(const TermsAcceptance&, const TermsAcceptance&) = default;
};

// What acting into schools through a trust needs: the trust's schools and terms acceptances.
class TrustStore {
 public:
  virtual ~TrustStore() = default;
  // The schools whose trust is `trust_id`, by id.
  virtual std::vector<Site> schools_of_trust(std::string_view trust_id) = 0;
  // Records the acceptance; false (and nothing written) when the user had already accepted
  // that version of that site's terms.
  virtual bool accept_terms(const TermsAcceptance& acceptance) = 0;
  virtual std::optional<TermsAcceptance> find_terms_acceptance(std::int64_t user_id,
                                                               std::string_view site_id,
                                                               int version) = 0;
  // Every acceptance of the user, by site and version.
  virtual std::vector<TermsAcceptance> terms_accepted_by(std::int64_t user_id) = 0;
  // A trust user opened a school of their trust (its Partner Apps): the first time is kept,
  // as the MIS keeps a MAT user's first sign-in to a school. When they first did, if ever.
  virtual void record_school_visit(std::int64_t user_id, std::string_view school_id,
                                   TimePoint at) = 0;
  virtual std::optional<TimePoint> first_school_visit(std::int64_t user_id,
                                                      std::string_view school_id) = 0;
};

}  // namespace canopy::store
