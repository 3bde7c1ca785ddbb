// The text replicas write to Redis and read back: level-2 values and channel messages, and the
// MACs that make them trustworthy (mac.hpp), so write access to Redis alone cannot make a
// replica allow.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cache/decision_cache.hpp"
#include "cache/mac.hpp"

namespace canopy::cache {

std::string encode_entry(const Entry& entry);  // "presence version revision"
std::optional<Entry> decode_entry(std::string_view text);

// A level-2 value: an entry ("presence version revision EPOCH TAG"), a hold ("h REVISION
// TOKEN...": no entry at or below REVISION is trustworthy) or, once its holds are released, a
// floor ("h REVISION": entries below REVISION are stale).
struct Level2Record {
  std::optional<Entry> entry;
  std::int64_t epoch = 0;  // the revocation epoch the entry was read under (0: none given)
  std::string entry_text;  // "presence version revision EPOCH", what the tag covers
  std::string tag;
  std::optional<std::int64_t> held;
  std::optional<std::int64_t> floor;
};
Level2Record decode_record(std::string_view text);

// The space-separated words of a value or message (empty words kept).
std::vector<std::string_view> split_words(std::string_view text);

// Whether `text` is exactly a number of T, stored in `out`.
template <class T>
bool parse_number(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// A channel message as received: its body with the tag taken out, and the tag ('' when the
// message carried none).
struct ReceivedMessage {
  std::string body;
  std::string tag;
};
ReceivedMessage unwrap_message(std::string_view message);

// Signs what this replica writes and verifies what it reads, under one deployment's prefix: a
// tag covers a kind, the prefix and, for an entry, its pair, so a value copied to another key
// or another deployment does not verify.
class WireSigner {
 public:
  WireSigner(std::string prefix, MacKeys keys) : prefix_(std::move(prefix)), keys_(keys) {}

  // "ENTRY EPOCH TAG": what level 2 stores for the pair.
  std::string signed_entry(std::string_view school, std::string_view app, const Entry& entry,
                           std::int64_t epoch) const;
  // Whether the record's entry carries the pair's tag under the current or the previous key.
  bool verifies(std::string_view school, std::string_view app, const Level2Record& record) const;
  // BODY with "/TAG" appended to its second word (why there: docs/design/cache-integrity.md).
  std::string signed_message(std::string_view body) const;
  bool verifies(const ReceivedMessage& message) const;

 private:
  std::string prefix_;
  MacKeys keys_;
};

}  // namespace canopy::cache
