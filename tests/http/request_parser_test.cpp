// The request parser on its own: what a declared body length costs before any of it arrives.
#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "http/request_parser.hpp"

namespace canopy::http {
namespace {

namespace bhttp = boost::beast::http;

constexpr std::uint64_t kMiB = 1024 * 1024;

std::string post_declaring(std::uint64_t length) {
  return "POST /batches HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(length) +
         "\r\n\r\n";
}

std::size_t put(RequestParser& parser, std::string_view bytes, boost::beast::error_code& ec) {
  return parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
}

// A client that declares a large body and sends none must not make the server set aside that
// much memory: many such connections would otherwise exhaust it for free.
TEST(RequestParser, ADeclaredContentLengthReservesNoMemory) {
  RequestStorage storage;
  RequestParser parser(storage, 8 * 1024, 2 * kMiB);
  const std::string head = post_declaring(kMiB);
  boost::beast::error_code ec;
  EXPECT_EQ(put(parser, head, ec), head.size());
  EXPECT_FALSE(ec) << ec.message();
  ASSERT_TRUE(parser.is_header_done());
  // Beast starts the body (on_body_init) with its first byte: send one, then nothing more.
  EXPECT_EQ(put(parser, "{", ec), 1u);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_FALSE(parser.is_done());
  EXPECT_EQ(storage.body, "{");
  EXPECT_LT(storage.body.capacity(), 64 * 1024u);
}

TEST(RequestParser, TheBodyGrowsAsItArrivesUpToTheDeclaredLength) {
  RequestStorage storage;
  RequestParser parser(storage, 8 * 1024, 2 * kMiB);
  const std::string head = post_declaring(kMiB);
  boost::beast::error_code ec;
  put(parser, head, ec);
  const std::string piece(64 * 1024, 'x');
  put(parser, piece, ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(storage.body.size(), piece.size());
  EXPECT_LT(storage.body.capacity(), 4 * piece.size()) << "grown for what came, not for 1 MiB";
  for (std::uint64_t sent = piece.size(); sent < kMiB; sent += piece.size()) {
    ec = {};
    put(parser, piece, ec);
  }
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_TRUE(parser.is_done());
  EXPECT_EQ(storage.body.size(), kMiB);
}

TEST(RequestParser, ADeclaredLengthOverTheLimitIsRefusedBeforeAnyBody) {
  RequestStorage storage;
  RequestParser parser(storage, 8 * 1024, 64 * 1024);
  const std::string head = post_declaring(kMiB);
  boost::beast::error_code ec;
  put(parser, head, ec);
  EXPECT_EQ(ec, bhttp::error::body_limit);
  EXPECT_EQ(storage.body.capacity(), std::string().capacity());
}

}  // namespace
}  // namespace canopy::http
