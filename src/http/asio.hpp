// The Asio names Canopy's coroutine code uses, with the include-order fix Boost 1.74 needs.
#pragma once

#include <utility>  // must precede asio/awaitable.hpp with Boost 1.74 under g++ 12

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace canopy {
namespace asio = boost::asio;
}
