// Keyed MACs over what replicas read from Redis (level-2 entries and channel messages), so that
// write access to Redis alone cannot make a replica allow. Two keys: the current one signs, and
// the previous one still verifies while a rotation rolls through the replicas.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace canopy::cache {

class MacKeys {
 public:
  // At least this many characters of secret (it is hashed into the 32-byte key).
  static constexpr std::size_t kMinSecret = 32;
  // The keys derived from the secrets' text; nullopt when `current` is shorter than kMinSecret
  // or `previous` is given and is.
  static std::optional<MacKeys> from_secrets(std::string_view current,
                                             std::string_view previous = {});

  // The tag of `data` under the current key: 22 characters of URL-safe base64 (128 bits of
  // keyed BLAKE2b), never a space, so it ends a space-separated value or message.
  std::string sign(std::string_view data) const;
  // Whether `tag` is `data`'s tag under the current or the previous key (constant time).
  bool verify(std::string_view data, std::string_view tag) const;

 private:
  using Key = std::array<std::uint8_t, 32>;
  static std::string tag_of(const Key& key, std::string_view data);
  Key current_{};
  std::optional<Key> previous_;
};

}  // namespace canopy::cache
