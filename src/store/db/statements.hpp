// Helpers the store's files share for building and running statements over the seam: limits,
// multi-row INSERTs and IN lists in chunks, and single values.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/db/database.hpp"
#include "store/row_mapping.hpp"

namespace canopy::store::db {

// LIMIT takes a signed 64-bit value; "everything" must not wrap to a negative one.
inline std::int64_t limit_value(std::size_t limit) {
  return static_cast<std::int64_t>(std::min<std::size_t>(
      limit, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())));
}

// One more than a page of `limit`: the extra row tells whether another page follows.
inline std::int64_t limit_with_one_more(std::size_t limit) {
  constexpr std::size_t kMaxLimit = std::numeric_limits<std::int64_t>::max() - 1;
  return limit_value(limit) + (limit < kMaxLimit ? 1 : 0);
}

// Rows per multi-row statement: few round trips, and far below the 65,535 placeholders a
// MySQL prepared statement may have and the 32,766 of SQLite (14 columns x 1000 rows).
inline constexpr std::size_t kRowsPerStatement = 1000;

// "(?, ?), (?, ?)" for `rows` rows of `columns` values.
inline std::string row_placeholders(std::size_t rows, std::size_t columns) {
  const std::string row = "(" + rows::placeholders(columns) + ")";
  std::string out;
  out.reserve(rows * (row.size() + 2));
  for (std::size_t i = 0; i < rows; ++i)
    out.append(i == 0 ? "" : ", ").append(row);
  return out;
}

// The single integer a query returns.
inline std::int64_t scalar(Session& s, std::string_view query, std::string_view engine) {
  auto q = s.prepare(query);
  if (!q->next()) throw StoreError(std::string(engine) + ": no row from: " + std::string(query));
  return q->integer(0);
}

// Runs "<head><rows of placeholders><tail>" over `count` items, kRowsPerStatement at a time,
// preparing once per chunk size; `bind(statement, i)` binds item i's row. Returns rows changed.
template <class Bind>
std::int64_t run_rows(Session& s, std::string_view head, std::size_t columns, std::string_view tail,
                      std::size_t count, Bind bind) {
  std::int64_t affected = 0;
  std::unique_ptr<Statement> q;
  std::size_t prepared_rows = 0;
  for (std::size_t start = 0; start < count; start += kRowsPerStatement) {
    const std::size_t n = std::min(kRowsPerStatement, count - start);
    if (n != prepared_rows) {
      q = s.prepare(std::string(head) + row_placeholders(n, columns) + std::string(tail));
      prepared_rows = n;
    } else {
      q->again();
    }
    for (std::size_t i = start; i < start + n; ++i)
      bind(*q, i);
    affected += q->execute();
  }
  return affected;
}

// Runs "<head> IN (?, ...)<tail>" over `values`, kRowsPerStatement at a time, handing each row
// to `each`.
template <class Each>
void select_in(Session& s, const std::string& head, std::span<const std::string_view> values,
               std::string_view tail, Each each) {
  for (std::size_t start = 0; start < values.size(); start += kRowsPerStatement) {
    const std::size_t n = std::min(kRowsPerStatement, values.size() - start);
    auto q = s.prepare(head + " IN (" + row_placeholders(n, 1) + ")" + std::string(tail));
    for (std::size_t i = start; i < start + n; ++i)
      q->bind(values[i]);
    while (q->next())
      each(*q);
  }
}

// The distinct values of `key(item)` over `items`, sorted: for schools, the order in which
// their rows are locked. Views into `items`: `key` must return a view of the item, not a copy.
template <class Items, class Key>
std::vector<std::string_view> distinct_sorted(const Items& items, Key key) {
  std::vector<std::string_view> out;
  for (const auto& item : items)
    out.push_back(key(item));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Every row of a query mapped by `map`, in order.
template <class Map>
auto all_rows(Statement& q, Map map) {
  std::vector<decltype(map(q))> out;
  while (q.next())
    out.push_back(map(q));
  return out;
}

}  // namespace canopy::store::db
