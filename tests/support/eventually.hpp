// Waiting for a condition another thread or process makes true, with a deadline: tests never
// sleep a fixed time. The condition is polled because it lives where no signal reaches the test.
#pragma once

#include <chrono>
#include <thread>

namespace canopy::testing {

// True as soon as `done()` is; false when it still is not at the deadline.
template <class Pred>
bool eventually(Pred&& done, std::chrono::milliseconds within = std::chrono::seconds(10),
                std::chrono::milliseconds poll = std::chrono::milliseconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(poll);
  }
  return true;
}

// Until `server` counts `n` open connections (an http::Server, or anything that counts them).
template <class Server>
bool wait_for_connections(const Server& server, std::size_t n,
                          std::chrono::milliseconds within = std::chrono::seconds(5)) {
  return eventually([&] { return server.active_connections() == n; }, within,
                    std::chrono::milliseconds(2));
}

}  // namespace canopy::testing
