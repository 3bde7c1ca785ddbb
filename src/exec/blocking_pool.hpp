// Thread pools for blocking work, so io threads never block: one for the store's drivers, and
// a small bounded one for password hashing (argon2id), so that sign-ins, however many, never
// make a store call or a decision wait.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>

#include <boost/asio/thread_pool.hpp>

#include "http/asio.hpp"

namespace canopy::exec {

class BlockingPool {
 public:
  // `max_waiting`: how many try_run jobs may wait for a thread (run() never refuses).
  explicit BlockingPool(std::size_t threads, std::size_t max_waiting = 0)
      : pool_(threads), capacity_(threads + max_waiting) {}

  // Runs `work` on the pool and resumes the caller on its own executor; rethrows what `work`
  // threw. Type-erased on purpose: one instantiation serves every caller.
  asio::awaitable<void> run(std::function<void()> work);
  // As run(), unless the pool already holds threads + max_waiting try_run jobs: then false at
  // once, and `work` does not run. Bounds the queue, so a flood is refused rather than queued.
  asio::awaitable<bool> try_run(std::function<void()> work);

  void join() { pool_.join(); }
  void stop() { pool_.stop(); }

 private:
  asio::thread_pool pool_;
  std::size_t capacity_;
  std::atomic<std::size_t> bounded_in_{0};  // try_run jobs queued or running
};

}  // namespace canopy::exec
