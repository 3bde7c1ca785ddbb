// Placing, waiting for and releasing holds, and the other replicas' side of them.
#include "cache/holds.hpp"

#include <chrono>
#include <exception>
#include <iterator>

#include <boost/asio/post.hpp>

#include "core/error.hpp"

namespace canopy::cache {

// One published hold waiting for acknowledgements. Acks may arrive before Redis has answered
// with the list of live replicas, so they are collected until the list is known.
struct Holds::Waiter {
  bool live_known = false;
  std::set<std::string> acked;    // before live_known
  std::set<std::string> pending;  // after live_known
  std::shared_ptr<asio::steady_timer> timer;
};

asio::awaitable<std::vector<Hold>> Holds::hold_all(std::vector<HoldRequest> pairs) {
  std::vector<Hold> holds;
  if (pairs.empty()) co_return holds;
  const auto started = std::chrono::steady_clock::now();
  const std::uint64_t seq = replica_.sequence.fetch_add(1);
  const std::string token = replica_.id + "." + std::to_string(seq);
  // The one announcement: "hold TOKEN SCHOOL APP REV [SCHOOL APP REV ...]".
  std::string message = "hold " + token;
  holds.reserve(pairs.size());
  for (const auto& p : pairs) {
    replica_.level1.hold(p.school, p.app, p.revision, token);
    holds.push_back({p.revision, token});
    message += " " + p.school + " " + p.app + " " + std::to_string(p.revision);
  }
  auto waiter = std::make_shared<Waiter>();
  waiter->timer = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor);
  waiter->timer->expires_at(started + replica_.config.lease + replica_.config.margin);
  if (replica_.config.invalidation_enabled) {
    std::lock_guard lock(mutex_);
    waiters_[seq] = waiter;
  }
  message = replica_.signer.signed_message(message);
  std::size_t sent = 0;  // pairs whose script was sent (it may have run with its reply lost)
  std::optional<RedisReply> live;
  bool legacy = false;
  while (sent < pairs.size()) {
    const std::size_t begin = sent;
    const std::size_t end = std::min(pairs.size(), begin + replica_.chunk());
    sent = end;
    // Built apart from the co_await: g++ 12 mishandles some temporaries in a co_await's full
    // expression (a conditional's string here was freed twice).
    std::string announcement;
    if (end == pairs.size()) announcement = std::move(message);
    auto command = scripts::hold(
        replica_.keys, std::span<const HoldRequest>(pairs.data() + begin, end - begin), token,
        replica_.config.hold_ttl, std::move(announcement), pairs.size() > 1);
    auto reply = co_await replica_.commands.command(std::move(command));
    if (reply && reply->type == RedisReply::Type::string && reply->str == kLegacyReplicaLive) {
      legacy = true;
      break;
    }
    if (!reply || reply->type != RedisReply::Type::array) break;
    if (sent == pairs.size()) live = std::move(reply);
  }
  if (legacy || !live) {
    {
      std::lock_guard lock(mutex_);
      waiters_.erase(seq);
    }
    co_await take_back(pairs, holds, sent);
    if (legacy) co_return co_await hold_one_by_one(std::move(pairs));
    replica_.warnings.degraded("holds could not be placed, so a change was refused");
    throw UnavailableError("redis did not confirm " +
                           (pairs.size() == 1
                                ? "the hold on " + pairs[0].school + "/" + pairs[0].app
                                : "the holds on " + std::to_string(pairs.size()) + " pairs"));
  }
  if (!replica_.config.invalidation_enabled) co_return holds;
  bool done = false;
  {
    std::lock_guard lock(mutex_);
    for (const auto& r : live->elements) {
      if (r.str != replica_.id && !waiter->acked.contains(r.str)) waiter->pending.insert(r.str);
    }
    waiter->live_known = true;
    done = waiter->pending.empty();
    if (done) waiters_.erase(seq);
  }
  if (done) co_return holds;
  // A live replica that does not acknowledge is waited out: after a full lease it cannot still
  // be fresh on a heartbeat older than the holds.
  boost::system::error_code ec;
  co_await waiter->timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  std::lock_guard lock(mutex_);
  waiters_.erase(seq);
  co_return holds;
}

// Takes back a batch's holds wherever they got to: level 1 for the pairs whose script was not
// sent, release_all (level 1 and Redis) for those whose script was (it may have run with its
// reply lost).
asio::awaitable<void> Holds::take_back(const std::vector<HoldRequest>& pairs,
                                       const std::vector<Hold>& holds, std::size_t sent) {
  for (std::size_t i = sent; i < pairs.size(); ++i)
    replica_.level1.release(pairs[i].school, pairs[i].app, pairs[i].revision, holds[i].token);
  std::vector<HeldPair> placed;
  placed.reserve(sent);
  for (std::size_t i = 0; i < sent; ++i)
    placed.push_back({pairs[i].school, pairs[i].app, holds[i]});
  co_await release_all(std::move(placed));
}

// A replica of an older version is live and reads one pair per message: every pair is held on
// its own, announced as that replica understands, and acknowledged by it, at the old speed.
asio::awaitable<std::vector<Hold>> Holds::hold_one_by_one(std::vector<HoldRequest> pairs) {
  std::vector<Hold> holds;
  std::vector<HeldPair> held;
  std::exception_ptr failed;
  try {
    for (auto& pair : pairs) {
      std::vector<HoldRequest> one{pair};
      auto placed_one = co_await hold_all(std::move(one));
      auto hold = std::move(placed_one.front());
      held.push_back({pair.school, pair.app, hold});
      holds.push_back(std::move(hold));
    }
  } catch (...) {
    failed = std::current_exception();
  }
  if (failed) {
    co_await release_all(std::move(held));  // all or none, as for a batch
    std::rethrow_exception(failed);
  }
  co_return holds;
}

std::size_t Holds::release_chunk_end(const std::vector<HeldPair>& held, std::size_t begin) const {
  const std::size_t limit = std::min(held.size(), begin + replica_.chunk());
  std::size_t end = begin + 1;
  while (end < limit && held[end].hold.token == held[begin].hold.token)
    ++end;
  return end;
}

RedisCommand Holds::release_command(const std::vector<HeldPair>& held, std::size_t begin,
                                    std::size_t end) const {
  // "rel TOKEN SCHOOL APP REV [SCHOOL APP REV ...]"
  std::string message = "rel " + held[begin].hold.token;
  for (std::size_t i = begin; i < end; ++i) {
    const auto& h = held[i];
    message += " " + h.school + " " + h.app + " " + std::to_string(h.hold.revision);
  }
  return scripts::release(replica_.keys,
                          std::span<const HeldPair>(held.data() + begin, end - begin),
                          replica_.signer.signed_message(message), replica_.config.hold_ttl);
}

asio::awaitable<std::size_t> Holds::send_releases(std::vector<HeldPair> held) {
  std::size_t begin = 0;
  while (begin < held.size()) {
    const std::size_t end = release_chunk_end(held, begin);
    auto command = release_command(held, begin, end);
    auto reply = co_await replica_.commands.command(std::move(command));
    if (!reply || reply->type == RedisReply::Type::error) {
      // Kept and sent again when Redis answers; until then the pairs are only read more often.
      std::lock_guard lock(mutex_);
      unreleased_.insert(unreleased_.end(), std::make_move_iterator(held.begin() + begin),
                         std::make_move_iterator(held.end()));
      co_return begin;
    }
    begin = end;
  }
  co_return begin;
}

asio::awaitable<void> Holds::release_all(std::vector<HeldPair> held) {
  for (const auto& h : held)
    replica_.level1.release(h.school, h.app, h.hold.revision, h.hold.token);
  co_await send_releases(std::move(held));
}

asio::awaitable<std::optional<std::size_t>> Holds::resend_releases() {
  std::vector<HeldPair> releases;
  {
    std::lock_guard lock(mutex_);
    releases.swap(unreleased_);
  }
  const std::size_t to_release = releases.size();
  const std::size_t sent = co_await send_releases(std::move(releases));
  if (sent < to_release) co_return std::nullopt;
  co_return sent;
}

// A forged hold only makes level 1 miss, so it is applied (a real hold from a replica whose key
// this one lacks must not be lost) but not acknowledged; a forged release could make this
// replica trust something, so it is dropped.
void Holds::announced(const std::vector<std::string_view>& parts, const ReceivedMessage& message) {
  if (!replica_.config.invalidation_enabled) return;
  const auto dot = parts[1].find('.');
  if (dot == std::string_view::npos) return;
  const bool authentic = replica_.signer.verifies(message);
  if (!authentic) {
    replica_.warnings.forged(parts[0] == "rel" ? "a release" : "a hold");
    if (parts[0] == "rel") return;
  }
  std::vector<std::int64_t> revisions((parts.size() - 2) / 3);
  for (std::size_t i = 0; i < revisions.size(); ++i) {
    if (!parse_number(parts[4 + 3 * i], revisions[i])) return;
  }
  for (std::size_t i = 0; i < revisions.size(); ++i) {
    if (parts[0] == "rel") {
      replica_.level1.release(parts[2 + 3 * i], parts[3 + 3 * i], revisions[i], parts[1]);
    } else {
      replica_.level1.hold(parts[2 + 3 * i], parts[3 + 3 * i], revisions[i], parts[1]);
    }
  }
  if (parts[0] == "rel" || !authentic) return;
  const auto origin = parts[1].substr(0, dot);
  if (origin != replica_.id) {
    replica_.commands.send(
        {"PUBLISH", replica_.keys.channel(),
         replica_.signer.signed_message("ack " + std::string(origin) + " " +
                                        std::string(parts[1].substr(dot + 1)) + " " + replica_.id)},
        [](RedisConnection::Reply) {});
  }
}

// A forged acknowledgement could make a hold return before the replica it names applied it.
void Holds::acknowledged(const std::vector<std::string_view>& parts,
                         const ReceivedMessage& message) {
  if (!replica_.signer.verifies(message)) {
    replica_.warnings.forged("an acknowledgement");
    return;
  }
  std::uint64_t seq = 0;
  if (!parse_number(parts[2], seq)) return;
  std::lock_guard lock(mutex_);
  auto it = waiters_.find(seq);
  if (it == waiters_.end()) return;
  Waiter& w = *it->second;
  if (!w.live_known) {
    w.acked.insert(std::string(parts[3]));
  } else if (w.pending.erase(std::string(parts[3])) > 0 && w.pending.empty()) {
    auto timer = w.timer;
    asio::post(timer->get_executor(), [timer] { timer->cancel(); });
  }
}

}  // namespace canopy::cache
