// Level-2 values and channel messages as text, and their MAC inputs.
#include "cache/wire_codec.hpp"

namespace canopy::cache {
namespace {

std::string entry_mac_input(std::string_view prefix, std::string_view school, std::string_view app,
                            std::string_view entry) {
  std::string in = "e\n";
  in.append(prefix).append("\n").append(school).append("\n").append(app).append("\n").append(entry);
  return in;
}

std::string message_mac_input(std::string_view prefix, std::string_view body) {
  std::string in = "m\n";
  in.append(prefix).append("\n").append(body);
  return in;
}

}  // namespace

std::vector<std::string_view> split_words(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    const auto space = s.find(' ');
    out.push_back(s.substr(0, space));
    if (space == std::string_view::npos) break;
    s.remove_prefix(space + 1);
  }
  return out;
}

std::string encode_entry(const Entry& e) {
  return std::to_string(static_cast<int>(e.presence)) + " " +
         std::to_string(e.permission_set_version) + " " + std::to_string(e.revision);
}

std::optional<Entry> decode_entry(std::string_view text) {
  const auto parts = split_words(text);
  int presence = 0;
  Entry e;
  if (parts.size() != 3 || !parse_number(parts[0], presence) || presence < 0 ||
      presence > static_cast<int>(Presence::expired) ||
      !parse_number(parts[1], e.permission_set_version) || !parse_number(parts[2], e.revision)) {
    return std::nullopt;
  }
  e.presence = static_cast<Presence>(presence);
  return e;
}

Level2Record decode_record(std::string_view text) {
  Level2Record record;
  const auto parts = split_words(text);
  std::int64_t revision = 0;
  if (parts.size() >= 2 && parts[0] == "h" && parse_number(parts[1], revision)) {
    if (parts.size() > 2) {
      record.held = revision;
    } else {
      record.floor = revision;
    }
  } else if (parts.size() == 5) {
    record.entry_text = text.substr(0, text.size() - parts[4].size() - 1);
    record.tag = parts[4];
    if (parse_number(parts[3], record.epoch) && record.epoch >= 0) {
      record.entry =
          decode_entry(text.substr(0, text.size() - parts[4].size() - parts[3].size() - 2));
    }
  } else if (parts.size() == 4) {
    // An entry of a version before epochs: verifiable, but of no epoch, so never trusted.
    record.entry_text = text.substr(0, text.size() - parts[3].size() - 1);
    record.tag = parts[3];
    record.entry = decode_entry(record.entry_text);
  } else {
    record.entry_text = text;
    record.entry = decode_entry(text);  // unsigned: never trusted
  }
  return record;
}

ReceivedMessage unwrap_message(std::string_view message) {
  const auto first = message.find(' ');
  if (first == std::string_view::npos) return {std::string(message), {}};
  const auto second = message.find(' ', first + 1);
  const auto word_end = second == std::string_view::npos ? message.size() : second;
  const auto slash = message.find('/', first + 1);
  if (slash == std::string_view::npos || slash > word_end) return {std::string(message), {}};
  ReceivedMessage r;
  r.body = std::string(message.substr(0, slash)) + std::string(message.substr(word_end));
  r.tag = std::string(message.substr(slash + 1, word_end - slash - 1));
  return r;
}

std::string WireSigner::signed_entry(std::string_view school, std::string_view app, const Entry& e,
                                     std::int64_t epoch) const {
  const std::string text = encode_entry(e) + " " + std::to_string(epoch);
  return text + " " + keys_.sign(entry_mac_input(prefix_, school, app, text));
}

bool WireSigner::verifies(std::string_view school, std::string_view app,
                          const Level2Record& record) const {
  return keys_.verify(entry_mac_input(prefix_, school, app, record.entry_text), record.tag);
}

std::string WireSigner::signed_message(std::string_view body) const {
  const std::string tag = keys_.sign(message_mac_input(prefix_, body));
  const auto first = body.find(' ');
  const auto second =
      first == std::string_view::npos ? std::string_view::npos : body.find(' ', first + 1);
  const auto at = second == std::string_view::npos ? body.size() : second;
  return std::string(body.substr(0, at)) + "/" + tag + std::string(body.substr(at));
}

bool WireSigner::verifies(const ReceivedMessage& message) const {
  return !message.tag.empty() &&
         keys_.verify(message_mac_input(prefix_, message.body), message.tag);
}

}  // namespace canopy::cache
