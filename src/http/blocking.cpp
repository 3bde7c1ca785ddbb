// Hand-off to the blocking pool and back.
#include "http/blocking.hpp"

#include <exception>

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

namespace canopy::http {

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

}  // namespace canopy::http
