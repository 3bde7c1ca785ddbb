// Hand-off to the blocking pool and back.
#include "http/blocking.hpp"

#include <exception>

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>

namespace canopy::http {

asio::awaitable<void> BlockingPool::run(std::function<void()> work) {
  auto caller = co_await asio::this_coro::executor;
  std::exception_ptr failure;
  co_await asio::async_initiate<const asio::use_awaitable_t<>&, void()>(
      [&](auto handler) {
        asio::post(pool_, [&work, &failure, caller, handler = std::move(handler)]() mutable {
          try {
            work();
          } catch (...) {
            failure = std::current_exception();
          }
          asio::post(caller, std::move(handler));
        });
      },
      asio::use_awaitable);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace canopy::http
