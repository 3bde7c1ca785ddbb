// Cryptographic primitives Canopy uses, all from libsodium: argon2id password hashes for
// people, random tokens, and fast keyed-free BLAKE2b digests for high-entropy secrets.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace canopy::auth {

// argon2id cost. `minimum` exists for tests only; people's passwords use interactive or more.
enum class PasswordCost { minimum, interactive, moderate };
std::optional<PasswordCost> parse_password_cost(std::string_view text);

std::string hash_password(std::string_view password, PasswordCost cost);
bool verify_password(const std::string& hash, std::string_view password);

// 32 random bytes, base64url without padding: session tokens, partner secrets.
std::string random_token();
// Hex BLAKE2b-256. Stored instead of tokens and secrets: they have full entropy, so a slow
// hash buys nothing, and a leaked table does not reveal usable credentials.
std::string digest_hex(std::string_view data);
// The same digest as bytes, for checks on the hot path (no allocation).
using Digest = std::array<unsigned char, 32>;
Digest digest(std::string_view data);
bool constant_time_equal(std::string_view a, std::string_view b);
bool constant_time_equal(const Digest& a, const Digest& b);
// Standard base64 (with padding), as in HTTP Basic credentials; nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text);
std::string base64_encode(std::string_view bytes);

}  // namespace canopy::auth
