// A thread pool for blocking work (database drivers, argon2id) so io threads never block.
#pragma once

#include <cstddef>
#include <functional>

#include <boost/asio/thread_pool.hpp>

#include "http/asio.hpp"

namespace canopy::http {

class BlockingPool {
 public:
  explicit BlockingPool(std::size_t threads) : pool_(threads) {}

  // Runs `work` on the pool and resumes the caller on its own executor; rethrows what `work`
  // threw. Type-erased on purpose: one instantiation serves every caller.
  asio::awaitable<void> run(std::function<void()> work);

  void join() { pool_.join(); }
  void stop() { pool_.stop(); }

 private:
  asio::thread_pool pool_;
};

}  // namespace canopy::http
