// The Lua the shared level runs in Redis, and the argument vector each script is sent with.
#include "cache/redis_scripts.hpp"

namespace canopy::cache::scripts {
namespace {

// Level-2 values are entries, holds or floors (see Level2Record). An entry ends with its MAC,
// which Lua cannot check (Redis never has the key) and does not need to: a forged value can
// only make level 2 refuse writes, and replicas check the MAC before they trust an entry.
// `accepts` says whether an
// entry of revision `rev` may replace the value `cur`: an entry only over a lower revision, a
// hold only from above its revision (a hold at R outranks an entry at R), a floor from its
// revision up. Every value expires, so one that outlived a change (Redis restored from a
// snapshot) cannot be served for long.
constexpr const char* kAcceptsLua = R"lua(
local function accepts(cur, rev)
  if not cur then return true end
  local f, tokens = string.match(cur, '^h (%S+)(.*)$')
  if f then
    if tokens ~= '' then return rev > tonumber(f) end
    return rev >= tonumber(f)
  end
  local r = tonumber(string.match(cur, '^%d+ %d+ (%d+)'))
  return (not r) or rev > r
end
)lua";

// Stores a level-2 entry read from the store, unless the value there is newer or a hold. An
// entry at the same revision is rewritten: a revision names one state of the row, so only the
// tag can differ, and one that no replica can verify (an old key after a rotation, a forgery)
// would otherwise make the pair a miss until it next changes.
// KEYS[1] entry key; ARGV[1] encoded entry; ARGV[2] its revision; ARGV[3] time to live, ms.
constexpr const char* kRememberLua = R"lua(
local cur = redis.call('GET', KEYS[1])
local rev = tonumber(ARGV[2])
local same = cur and tonumber(string.match(cur, '^%d+ %d+ (%d+)')) == rev
if same or accepts(cur, rev) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
  return 1
end
return 0
)lua";

// After commits: the same for each pair, and only when the entry was taken, its invalidation
// (an entry that level 2 refuses is older than what replicas can already learn, so it is not
// announced). One message per pair, in the one-pair form every version reads, however many
// pairs one script carries. Returns how many were taken.
// KEYS[1] channel, KEYS[2..] entry keys; ARGV[1] time to live of the entries, ms; then per key
// ARGV[3k-1] entry, ARGV[3k] revision, ARGV[3k+1] message (k = 1 for KEYS[2]).
constexpr const char* kPublishLua = R"lua(
local taken = 0
for i = 2, #KEYS do
  local j = 3 * (i - 1) - 1
  if accepts(redis.call('GET', KEYS[i]), tonumber(ARGV[j + 1])) then
    redis.call('SET', KEYS[i], ARGV[j], 'PX', ARGV[1])
    redis.call('PUBLISH', KEYS[1], ARGV[j + 2])
    taken = taken + 1
  end
end
return taken
)lua";

// Before changes at revisions R: holds each pair at its R in level 2 (joining holds at R,
// replacing lower ones; moot, so left alone, when level 2 already has something newer than R:
// the store is past R and that change cannot commit). A batch takes one script per chunk of
// pairs, all with the batch's token; the last one also announces every pair of the batch in one
// message and returns the replicas alive at that instant (the others return an empty list).
// A batch of more than one pair first checks that every live replica reads batch messages (its
// id starts with kBatchReaderMark); if one does not (a replica of an older version, during a
// rolling upgrade), the script changes nothing and returns 'legacy'.
// KEYS[1] replica set, KEYS[2] channel, KEYS[3..] entry keys; ARGV[1] token, ARGV[2] time to
// live, ms, ARGV[3] the message ('' but in the last chunk), ARGV[4] 'batch' or '', ARGV[5..]
// each key's R.
constexpr const char* kHoldLua = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if ARGV[4] == 'batch' then
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')) do
    if string.sub(id, 1, 2) ~= 'b-' then return 'legacy' end
  end
end
local function hold(key, r, token, ttl)
  local cur = redis.call('GET', key)
  local rev = tonumber(r)
  local value = 'h ' .. r .. ' ' .. token
  if cur then
    local f = string.match(cur, '^h (%S+)')
    if f then
      if tonumber(f) == rev then value = cur .. ' ' .. token
      elseif tonumber(f) > rev then value = nil end
    else
      local v = tonumber(string.match(cur, '^%d+ %d+ (%d+)'))
      if v and v > rev then value = nil end
    end
  end
  if value then redis.call('SET', key, value, 'PX', ttl) end
end
for i = 3, #KEYS do hold(KEYS[i], ARGV[i + 2], ARGV[1], ARGV[2]) end
if ARGV[3] == '' then return {} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('PUBLISH', KEYS[2], ARGV[3])
return redis.call('ZRANGE', KEYS[1], 0, -1)
)lua";

// The changes did not happen: removes the token from each pair only when level 2 holds it at
// exactly its R. The value left with no token is a floor at R, so an entry read before the hold
// still cannot come back. Then announces the releases in one message. KEYS[1] channel,
// KEYS[2..] entry keys; ARGV[1] token, ARGV[2] message, ARGV[3] time to live, ms, ARGV[4..] each
// key's R.
constexpr const char* kReleaseLua = R"lua(
local function release(key, r, token, ttl)
  local cur = redis.call('GET', key)
  if cur then
    local f, tokens = string.match(cur, '^h (%S+)(.*)$')
    if f == r then
      local kept = 'h ' .. f
      for t in string.gmatch(tokens, '%S+') do
        if t ~= token then kept = kept .. ' ' .. t end
      end
      redis.call('SET', key, kept, 'PX', ttl)
    end
  end
end
for i = 2, #KEYS do release(KEYS[i], ARGV[i + 2], ARGV[1], ARGV[3]) end
redis.call('PUBLISH', KEYS[1], ARGV[2])
return 1
)lua";

const std::string kRememberScript = std::string(kAcceptsLua) + kRememberLua;
const std::string kPublishScript = std::string(kAcceptsLua) + kPublishLua;

// Registers the replica until now + lease (Redis's clock), publishes its heartbeat, and
// returns the replicas registered now.
// KEYS[1] replica set, KEYS[2] channel; ARGV[1] replica id, ARGV[2] lease ms, ARGV[3] message.
constexpr const char* kHeartbeatScript = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PUBLISH', KEYS[2], ARGV[3])
return redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')
)lua";

}  // namespace

RedisCommand remember(std::string key, std::string value, std::int64_t revision,
                      std::chrono::milliseconds ttl) {
  return {"EVAL",
          kRememberScript,
          "1",
          std::move(key),
          std::move(value),
          std::to_string(revision),
          std::to_string(ttl.count())};
}

RedisCommand publish(const RedisKeys& keys, std::chrono::milliseconds ttl,
                     std::vector<Publication> pairs) {
  RedisCommand args{"EVAL", kPublishScript, std::to_string(1 + pairs.size()), keys.channel()};
  args.reserve(4 + pairs.size() * 4 + 1);
  for (auto& p : pairs)
    args.push_back(std::move(p.key));
  args.push_back(std::to_string(ttl.count()));
  for (auto& p : pairs) {
    args.push_back(std::move(p.value));
    args.push_back(std::to_string(p.revision));
    args.emplace_back(p.message);
  }
  return args;
}

RedisCommand hold(const RedisKeys& keys, std::span<const HoldRequest> pairs,
                  const std::string& token, std::chrono::milliseconds ttl, std::string message,
                  bool batch) {
  RedisCommand args{"EVAL", kHoldLua, std::to_string(2 + pairs.size()), keys.replicas(),
                    keys.channel()};
  args.reserve(5 + 2 * pairs.size() + 3);
  for (const auto& p : pairs)
    args.push_back(keys.entry(p.school, p.app));
  args.push_back(token);
  args.push_back(std::to_string(ttl.count()));
  args.push_back(std::move(message));
  args.push_back(batch ? "batch" : "");
  for (const auto& p : pairs)
    args.push_back(std::to_string(p.revision));
  return args;
}

RedisCommand release(const RedisKeys& keys, std::span<const HeldPair> held, std::string message,
                     std::chrono::milliseconds ttl) {
  RedisCommand args{"EVAL", kReleaseLua, std::to_string(1 + held.size()), keys.channel()};
  args.reserve(4 + 2 * held.size() + 3);
  for (const auto& h : held)
    args.push_back(keys.entry(h.school, h.app));
  args.push_back(held.front().hold.token);
  args.push_back(std::move(message));
  args.push_back(std::to_string(ttl.count()));
  for (const auto& h : held)
    args.push_back(std::to_string(h.hold.revision));
  return args;
}

RedisCommand heartbeat(const RedisKeys& keys, const std::string& id,
                       std::chrono::milliseconds lease, std::string message) {
  return {"EVAL",
          kHeartbeatScript,
          "2",
          keys.replicas(),
          keys.channel(),
          id,
          std::to_string(lease.count()),
          std::move(message)};
}

}  // namespace canopy::cache::scripts
