// An HTTP/1.1 request parser on Beast's basic_parser that copies what a handler needs (method,
// target, header fields, body) into storage the connection reuses, so a kept-alive connection
// parses request after request without allocating.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http/basic_parser.hpp>

#include "http/request.hpp"
#include "http/router.hpp"

namespace canopy::http {

// What one connection keeps between requests: cleared, never shrunk.
struct RequestStorage {
  std::string text;  // target, then each field's name and value, back to back
  std::vector<std::uint32_t> offsets;
  std::string body;

  void clear() {
    text.clear();
    offsets.clear();
    body.clear();
  }
};

class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  using error_code = boost::beast::error_code;

  // `routes`, when given, may raise or lower `body_limit` for the route the request line names
  // (among those `filter` lets through, when given). The body's memory grows as its bytes
  // arrive, never from the Content-Length a client declares.
  RequestParser(RequestStorage& storage, std::uint32_t header_limit, std::uint64_t body_limit,
                const Router* routes = nullptr, const RouteFilter* filter = nullptr);

  Method method() const { return method_; }
  int version() const { return version_; }
  // The body limit this request was held to (its route's, or the default).
  std::uint64_t body_limit_in_force() const { return body_limit_; }
  std::string_view target() const;
  // Fills `out` with views into the storage; valid until the storage is cleared.
  void fields(std::vector<std::pair<std::string_view, std::string_view>>& out) const;

 private:
  void on_request_impl(boost::beast::http::verb method, std::string_view method_str,
                       std::string_view target, int version, error_code& ec) override;
  void on_response_impl(int, std::string_view, int, error_code& ec) override;
  void on_field_impl(boost::beast::http::field, std::string_view name, std::string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         error_code& ec) override;
  std::size_t on_body_impl(std::string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size, std::string_view extensions,
                            error_code& ec) override;
  std::size_t on_chunk_body_impl(std::uint64_t remain, std::string_view body,
                                 error_code& ec) override;
  void on_finish_impl(error_code& ec) override;

  RequestStorage& storage_;
  const Router* routes_;
  const RouteFilter* filter_;
  std::uint64_t body_limit_;
  Method method_ = Method::other;
  int version_ = 11;
};

}  // namespace canopy::http
