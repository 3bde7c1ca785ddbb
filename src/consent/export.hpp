// The list of all data an app uses or requests, as CSV for handing to a parent.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/site.hpp"
#include "policy/snapshot.hpp"
#include "store/store.hpp"

namespace canopy::consent {

// One row per data type and field, "yes"/"no" per operation. "All fields" is spelled out
// field by field from the catalogue, because a parent asks "is my child's X shared?".
std::string data_csv(const policy::App& app);

// One connection of a trust's export: its school, its app, and who decided last (a name and
// email when the decider is a known user; empty while undecided).
struct TrustExportRow {
  const Site* school = nullptr;
  const policy::App* app = nullptr;
  const store::Connection* connection = nullptr;
  std::string decided_by;
};

// The trust-wide export: one row per connection and data type of the app's permission set,
// with that type's fields and operations ("; "-separated) and the connection's status and
// last decision. Rows are written in the order given.
std::string trust_csv(std::span<const TrustExportRow> rows);

// RFC 4180 quoting, plus a leading apostrophe for cells a spreadsheet would run as a formula
// (those starting with = + - @, tab or carriage return).
std::string csv_cell(std::string_view value);

}  // namespace canopy::consent
