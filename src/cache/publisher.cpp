// Sending changes to level 2 and the channel, keeping what Redis missed, and receiving them.
#include "cache/publisher.hpp"

namespace canopy::cache {

void UnpublishedChanges::keep(std::span<const Unpublished> changes) {
  std::lock_guard lock(mutex_);
  for (const auto& u : changes) {
    auto [slot, added] = changes_.try_emplace(u.school + " " + u.app, u);
    if (!added && slot->second.entry.revision <= u.entry.revision) slot->second = u;
  }
}

std::vector<Unpublished> UnpublishedChanges::pending() const {
  std::lock_guard lock(mutex_);
  std::vector<Unpublished> out;
  out.reserve(changes_.size());
  for (const auto& [pair, u] : changes_)
    out.push_back(u);
  return out;
}

void UnpublishedChanges::published(std::span<const Unpublished> changes) {
  std::lock_guard lock(mutex_);
  for (const auto& u : changes) {
    auto it = changes_.find(u.school + " " + u.app);
    if (it != changes_.end() && it->second.entry.revision == u.entry.revision) changes_.erase(it);
  }
}

asio::awaitable<void> Publisher::publish_all(std::vector<Published> changes) {
  std::vector<Unpublished> items;
  items.reserve(changes.size());
  for (auto& c : changes) {
    std::string message = replica_.signer.signed_message(
        "inv " + replica_.id + " " + std::to_string(replica_.sequence.fetch_add(1)) + " " +
        c.school + " " + c.app + " " + encode_entry(c.entry) + " " + std::to_string(c.epoch));
    items.push_back({std::move(c.school), std::move(c.app), c.entry, c.epoch, std::move(message)});
  }
  // Nothing waits for acknowledgements here: a change that takes an allow away was held before
  // it committed, and the holds keep every replica off the old entries until this arrives.
  for (std::size_t begin = 0; begin < items.size(); begin += replica_.chunk()) {
    const std::span<const Unpublished> part(items.data() + begin,
                                            std::min(replica_.chunk(), items.size() - begin));
    auto command = publish_command(part);
    auto reply = co_await replica_.commands.command(std::move(command));
    if (reply && reply->type == RedisReply::Type::integer) continue;
    // Not published: keep them, and publish them as soon as Redis answers again (after a
    // heartbeat), so that replicas trust the pairs again without a store read for every
    // decision.
    replica_.warnings.degraded("a change was not published");
    unpublished_.keep(part);
  }
}

RedisCommand Publisher::publish_command(std::span<const Unpublished> changes) const {
  std::vector<scripts::Publication> pairs;
  pairs.reserve(changes.size());
  for (const auto& u : changes) {
    pairs.push_back({replica_.keys.entry(u.school, u.app),
                     replica_.signer.signed_entry(u.school, u.app, u.entry, u.epoch),
                     u.entry.revision, u.message});
  }
  return scripts::publish(replica_.keys, replica_.config.level2_ttl, std::move(pairs));
}

asio::awaitable<std::optional<std::size_t>> Publisher::republish() {
  const std::vector<Unpublished> todo = unpublished_.pending();
  std::size_t done = 0;
  for (std::size_t begin = 0; begin < todo.size(); begin += replica_.chunk()) {
    const std::span<const Unpublished> part(todo.data() + begin,
                                            std::min(replica_.chunk(), todo.size() - begin));
    auto command = publish_command(part);
    auto reply = co_await replica_.commands.command(std::move(command));
    if (!reply || reply->type != RedisReply::Type::integer) co_return std::nullopt;
    done += part.size();
    unpublished_.published(part);
  }
  co_return done;
}

// A forged invalidation is dropped, and level 1 starts afresh: the change it names may be real
// (from a replica with a key this one lacks), and level 1 may hold what it replaced.
void Publisher::invalidated(const std::vector<std::string_view>& parts,
                            const ReceivedMessage& message) {
  if (!replica_.config.invalidation_enabled) return;
  if (!replica_.signer.verifies(message)) {
    replica_.warnings.forged("an invalidation");
    replica_.level1.clear();  // holds and floors stay
    return;
  }
  const auto entry = decode_entry(std::string(parts[5]) + " " + std::string(parts[6]) + " " +
                                  std::string(parts[7]));
  if (!entry) return;
  std::int64_t epoch = 0;
  if (parts.size() == 9 && !parse_number(parts[8], epoch)) return;
  const Generation since =
      replica_.level1.generation();  // before the epoch: see SharedLevel::epoch
  if (epoch < presence_.epoch()) {
    // Read before a reject that could not be held (a change published late, or by an older
    // version): not trusted, but what it replaced is not either.
    replica_.level1.raise_floor(parts[3], parts[4], entry->revision);
    return;
  }
  // Messages arrive in publish order, and clears on this strand happen only between them.
  (void)replica_.level1.put(parts[3], parts[4], *entry, since);
}

}  // namespace canopy::cache
