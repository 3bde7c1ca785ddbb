// The list of all data an app uses or requests, as CSV for handing to a parent.
#pragma once

#include <string>
#include <string_view>

#include "policy/snapshot.hpp"

namespace canopy::consent {

// One row per data type and field, "yes"/"no" per operation. "All fields" is spelled out
// field by field from the catalogue, because a parent asks "is my child's X shared?".
std::string data_csv(const policy::App& app);

// RFC 4180 quoting, plus a leading apostrophe for cells a spreadsheet would run as a formula
// (those starting with = + - @, tab or carriage return).
std::string csv_cell(std::string_view value);

}  // namespace canopy::consent
