// Hand-off to a blocking pool and back.
#include "exec/blocking_pool.hpp"

#include <exception>

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

namespace canopy::exec {

asio::awaitable<void> BlockingPool::run(std::function<void()> work) {
  auto caller = co_await asio::this_coro::executor;
  std::exception_ptr failure;
  co_await asio::async_initiate<const asio::use_awaitable_t<>&, void()>(
      [&](auto handler) {
        // The guard keeps the caller's io_context running while it has nothing else to do.
        asio::post(pool_, [&work, &failure, guard = asio::make_work_guard(caller),
                           handler = std::move(handler)]() mutable {
          try {
            work();
          } catch (...) {
            failure = std::current_exception();
          }
          asio::post(guard.get_executor(), std::move(handler));
        });
      },
      asio::use_awaitable);
  if (failure) std::rethrow_exception(failure);
}

asio::awaitable<bool> BlockingPool::try_run(std::function<void()> work) {
  if (bounded_in_.fetch_add(1) >= capacity_) {
    bounded_in_.fetch_sub(1);
    co_return false;
  }
  struct Leave {
    std::atomic<std::size_t>& in;
    ~Leave() { in.fetch_sub(1); }
  } leave{bounded_in_};
  co_await run(std::move(work));
  co_return true;
}

}  // namespace canopy::exec
