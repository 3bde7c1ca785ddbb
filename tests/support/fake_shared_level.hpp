// An in-memory cache::SharedLevel for use-case tests: level 2 as a map, holds that can be
// refused (Redis unreachable), and a log of every call in order, so a test can tell which level
// was asked, what was held, released and published, and under which epoch.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cache/shared_level.hpp"
#include "core/error.hpp"

namespace canopy::testing {

class FakeSharedLevel final : public cache::SharedLevel {
 public:
  using Pair = std::pair<std::string, std::string>;

  std::map<Pair, cache::Entry> entries;  // level 2
  std::int64_t current_epoch = 1;
  bool refuse_holds = false;  // hold_all throws UnavailableError, as with Redis unreachable
  int withdrawn = 0;          // withdraw() calls not yet rejoined
  // Every call, e.g. "fetch s/a", "hold s/a@3", "release s/a", "publish s/a=approved@4 e1".
  std::vector<std::string> calls;
  // Run inside the named call, after it is logged: what happens meanwhile elsewhere.
  std::function<void()> on_fetch;
  std::function<void()> on_hold;

  asio::awaitable<std::optional<cache::Entry>> fetch(std::string school, std::string app) override {
    calls.push_back("fetch " + school + "/" + app);
    if (on_fetch) on_fetch();
    const auto it = entries.find({school, app});
    if (it == entries.end()) co_return std::nullopt;
    co_return it->second;
  }
  asio::awaitable<void> remember(std::string school, std::string app, cache::Entry entry,
                                 std::int64_t epoch) override {
    calls.push_back("remember " + school + "/" + app + "=" + describe(entry) + " e" +
                    std::to_string(epoch));
    entries[{school, app}] = entry;
    co_return;
  }
  std::int64_t epoch() const override { return current_epoch; }
  std::chrono::steady_clock::time_point unheld_commit_settled(
      std::chrono::steady_clock::time_point committed) const override {
    return committed;  // every replica has read the new epoch at once
  }
  const std::string& id() const override { return id_; }
  void withdraw() override {
    calls.push_back("withdraw");
    ++withdrawn;
  }
  void rejoin() override {
    calls.push_back("rejoin");
    --withdrawn;
  }
  asio::awaitable<std::vector<cache::Hold>> hold_all(
      std::vector<cache::HoldRequest> pairs) override {
    if (refuse_holds) {
      calls.push_back("hold refused");
      throw UnavailableError("redis: unreachable");
    }
    std::vector<cache::Hold> out;
    for (const auto& p : pairs) {
      calls.push_back("hold " + p.school + "/" + p.app + "@" + std::to_string(p.revision));
      out.push_back({p.revision, "token-" + std::to_string(++holds_)});
    }
    if (on_hold) on_hold();
    co_return out;
  }
  asio::awaitable<void> release_all(std::vector<cache::HeldPair> held) override {
    for (const auto& h : held)
      calls.push_back("release " + h.school + "/" + h.app + "@" + std::to_string(h.hold.revision));
    co_return;
  }
  asio::awaitable<void> publish_all(std::vector<cache::Published> changes) override {
    for (const auto& c : changes) {
      calls.push_back("publish " + c.school + "/" + c.app + "=" + describe(c.entry) + " e" +
                      std::to_string(c.epoch));
      entries[{c.school, c.app}] = c.entry;
    }
    co_return;
  }

  static std::string describe(const cache::Entry& e) {
    static constexpr const char* kNames[] = {"unknown_school", "not_requested", "pending",
                                             "approved", "rejected"};
    return std::string(kNames[static_cast<int>(e.presence)]) + "@" + std::to_string(e.revision);
  }

 private:
  std::string id_ = "replica-a";
  int holds_ = 0;
};

// Runs `work` on `io` until it is done (the blocking pool's hand-offs included) and returns
// what it returned, or throws what it threw.
template <class T>
T run_on(asio::io_context& io, asio::awaitable<T> work) {
  std::optional<T> out;
  std::exception_ptr failed;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { out.emplace(co_await std::move(work)); },
      [&](std::exception_ptr e) { failed = e; });
  io.restart();
  io.run();
  if (failed) std::rethrow_exception(failed);
  return std::move(*out);
}

}  // namespace canopy::testing
