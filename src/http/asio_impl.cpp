// The one translation unit that compiles Asio and Beast (BOOST_*_SEPARATE_COMPILATION).
#include <utility>  // Boost 1.74's asio/awaitable.hpp misses it under g++ 12.

#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
