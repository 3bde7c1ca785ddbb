// The text form of level-2 values and channel messages, and their MACs: what a replica signs
// it reads back, and what was changed, moved or signed with another key it refuses.
#include <gtest/gtest.h>

#include "cache/wire_codec.hpp"

namespace canopy::cache {
namespace {

constexpr char kKey[] = "cache-conformance-test-mac-key-0123456789";
constexpr char kOtherKey[] = "wire-codec-test-other-key-9876543210fedcba";

WireSigner signer(std::string prefix, std::string_view current, std::string_view previous = {}) {
  return WireSigner(std::move(prefix), *MacKeys::from_secrets(current, previous));
}

TEST(EntryEncoding, RoundTripsAndRefusesGarbage) {
  const Entry e{Presence::rejected, 12, 345};
  auto back = decode_entry(encode_entry(e));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->presence, e.presence);
  EXPECT_EQ(back->permission_set_version, 12);
  EXPECT_EQ(back->revision, 345);
  for (const char* bad : {"", "1 2", "9 1 1", "x 1 1", "1 1 1 1", "-1 1 1", "1 1 z", "h 5 t.1"})
    EXPECT_FALSE(decode_entry(bad)) << bad;
}

TEST(EntryEncoding, Level2RecordsAreEntriesHoldsOrFloors) {
  EXPECT_EQ(decode_record("3 1 5").entry->revision, 5);
  const auto held = decode_record("h 5 a.1 b.2");
  EXPECT_FALSE(held.entry);
  EXPECT_EQ(held.held, 5);
  EXPECT_FALSE(held.floor);
  const auto floor = decode_record("h 5");
  EXPECT_FALSE(floor.held);
  EXPECT_EQ(floor.floor, 5);
}

TEST(MacKeysTest, ShortSecretsAreRefused) {
  EXPECT_FALSE(MacKeys::from_secrets("too short"));
  EXPECT_FALSE(MacKeys::from_secrets(kKey, "too short"));
  const auto keys = MacKeys::from_secrets(kKey);
  ASSERT_TRUE(keys);
  const auto tag = keys->sign("data");
  EXPECT_EQ(tag.size(), 22u);
  EXPECT_TRUE(keys->verify("data", tag));
  EXPECT_FALSE(keys->verify("datA", tag));
  EXPECT_FALSE(keys->verify("data", ""));
}

TEST(SignedEntry, RoundTripsWithItsEpochAndTag) {
  const auto s = signer("canopy", kKey);
  const std::string value = s.signed_entry("oak", "wonde", {Presence::approved, 4, 12}, 7);
  const auto record = decode_record(value);
  ASSERT_TRUE(record.entry);
  EXPECT_EQ(record.entry->presence, Presence::approved);
  EXPECT_EQ(record.entry->permission_set_version, 4);
  EXPECT_EQ(record.entry->revision, 12);
  EXPECT_EQ(record.epoch, 7);
  EXPECT_EQ(record.entry_text, "3 4 12 7");
  EXPECT_EQ(record.tag.size(), 22u);
  EXPECT_EQ(value, record.entry_text + " " + record.tag);
  EXPECT_TRUE(s.verifies("oak", "wonde", record));
}

TEST(SignedEntry, ForgedMovedOrForeignEntriesAreRefused) {
  const auto s = signer("canopy", kKey);
  const auto record = decode_record(s.signed_entry("oak", "wonde", {Presence::rejected, 1, 5}, 2));
  EXPECT_FALSE(s.verifies("oak", "other", record)) << "copied to another pair";
  EXPECT_FALSE(s.verifies("elm", "wonde", record)) << "copied to another school";
  EXPECT_FALSE(signer("other-deployment", kKey).verifies("oak", "wonde", record));
  EXPECT_FALSE(signer("canopy", kOtherKey).verifies("oak", "wonde", record)) << "another key";
  auto changed = record;
  changed.entry_text = "3 1 5 2";  // rejected turned into approved, tag kept
  EXPECT_FALSE(s.verifies("oak", "wonde", changed));
  EXPECT_FALSE(s.verifies("oak", "wonde", decode_record("2 1 5 2"))) << "unsigned";
  EXPECT_FALSE(s.verifies("oak", "wonde", decode_record("2 1 5 2 AAAAAAAAAAAAAAAAAAAAAA")));
}

TEST(SignedEntry, ThePreviousKeyStillVerifiesDuringARotation) {
  const auto old_key = signer("canopy", kKey);
  const auto rotated = signer("canopy", kOtherKey, kKey);
  const auto record = decode_record(old_key.signed_entry("oak", "wonde", {}, 1));
  EXPECT_TRUE(rotated.verifies("oak", "wonde", record));
  EXPECT_FALSE(
      old_key.verifies("oak", "wonde", decode_record(rotated.signed_entry("oak", "wonde", {}, 1))))
      << "the old key alone does not know the new one";
}

TEST(SignedMessage, TheTagFollowsTheSecondWordAndUnwrapsBack) {
  const auto s = signer("canopy", kKey);
  const std::string body = "inv b-0123 7 oak wonde 4 1 9 2";
  const std::string message = s.signed_message(body);
  const auto slash = message.find('/');
  ASSERT_NE(slash, std::string::npos);
  EXPECT_EQ(message.substr(0, slash), "inv b-0123");
  EXPECT_EQ(message.substr(slash + 23), " 7 oak wonde 4 1 9 2");
  const auto received = unwrap_message(message);
  EXPECT_EQ(received.body, body);
  EXPECT_EQ(received.tag.size(), 22u);
  EXPECT_TRUE(s.verifies(received));
  // A message of two words carries its tag at the end.
  const auto two = unwrap_message(s.signed_message("hb b-0123"));
  EXPECT_EQ(two.body, "hb b-0123");
  EXPECT_TRUE(s.verifies(two));
}

TEST(SignedMessage, ForgedOrUnsignedMessagesAreRefused) {
  const auto s = signer("canopy", kKey);
  auto tampered = unwrap_message(s.signed_message("hold b-0123.4 oak wonde 5"));
  tampered.body = "hold b-0123.4 oak wonde 6";
  EXPECT_FALSE(s.verifies(tampered));
  const auto unsigned_message = unwrap_message("rel b-0123.4 oak wonde 5");
  EXPECT_EQ(unsigned_message.body, "rel b-0123.4 oak wonde 5");
  EXPECT_TRUE(unsigned_message.tag.empty());
  EXPECT_FALSE(s.verifies(unsigned_message));
  EXPECT_FALSE(s.verifies(unwrap_message("hb b-0123/AAAAAAAAAAAAAAAAAAAAAA 2")));
  EXPECT_FALSE(signer("other-deployment", kKey)
                   .verifies(unwrap_message(s.signed_message("ack b-0123 4 b-4567"))));
  const auto one_word = unwrap_message("hb");
  EXPECT_EQ(one_word.body, "hb");
  EXPECT_FALSE(s.verifies(one_word));
}

}  // namespace
}  // namespace canopy::cache
