// Asio's TLS support, compiled once (BOOST_ASIO_SEPARATE_COMPILATION: canopy_asio has the rest,
// and no OpenSSL).
#include <utility>  // Boost 1.74's asio/awaitable.hpp misses it under g++ 12.

#include <boost/asio/ssl/impl/src.hpp>
