// Beast's callbacks, each copying its piece into the connection's storage.
#include "http/request_parser.hpp"

#include <boost/beast/http/error.hpp>

namespace canopy::http {

namespace bhttp = boost::beast::http;

namespace {

Method method_of(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get:
      return Method::get;
    case bhttp::verb::head:
      return Method::head;
    case bhttp::verb::post:
      return Method::post;
    case bhttp::verb::put:
      return Method::put;
    case bhttp::verb::patch:
      return Method::patch;
    case bhttp::verb::delete_:
      return Method::del;
    case bhttp::verb::options:
      return Method::options;
    default:
      return Method::other;
  }
}

}  // namespace

RequestParser::RequestParser(RequestStorage& storage, std::uint32_t header_limit,
                             std::uint64_t body_limit, const Router* routes,
                             const RouteFilter* filter)
    : storage_(storage), routes_(routes), filter_(filter), body_limit_(body_limit) {
  storage_.clear();
  this->header_limit(header_limit);
  this->body_limit(body_limit);
  eager(true);
}

std::string_view RequestParser::target() const {
  if (storage_.offsets.empty()) return {};
  return std::string_view(storage_.text).substr(0, storage_.offsets[0]);
}

void RequestParser::fields(std::vector<std::pair<std::string_view, std::string_view>>& out) const {
  out.clear();
  const std::string_view text = storage_.text;
  const auto& o = storage_.offsets;
  // offsets: end of target, then (end of name, end of value) per field
  for (std::size_t i = 1; i + 1 < o.size(); i += 2) {
    out.emplace_back(text.substr(o[i - 1], o[i] - o[i - 1]), text.substr(o[i], o[i + 1] - o[i]));
  }
}

void RequestParser::on_request_impl(bhttp::verb method, std::string_view, std::string_view target,
                                    int version, error_code&) {
  method_ = method_of(method);
  version_ = version;
  // The request line is all a route needs; basic_parser checks the limit once the header is
  // complete (Content-Length) or chunk by chunk, both later than this.
  // GET and HEAD are left out: the gateway's decisions are GETs, and they pay nothing for it.
  if (routes_ != nullptr && method_ != Method::get && method_ != Method::head) {
    if (auto limit = routes_->body_limit(method_, target.substr(0, target.find('?')), filter_)) {
      body_limit_ = *limit;
      this->body_limit(body_limit_);
    }
  }
  storage_.text.append(target);
  storage_.offsets.push_back(static_cast<std::uint32_t>(storage_.text.size()));
}

void RequestParser::on_response_impl(int, std::string_view, int, error_code& ec) {
  ec = bhttp::error::bad_version;  // never called for a request parser
}

void RequestParser::on_field_impl(bhttp::field, std::string_view name, std::string_view value,
                                  error_code&) {
  storage_.text.append(name);
  storage_.offsets.push_back(static_cast<std::uint32_t>(storage_.text.size()));
  storage_.text.append(value);
  storage_.offsets.push_back(static_cast<std::uint32_t>(storage_.text.size()));
}

void RequestParser::on_header_impl(error_code&) {}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) {
  // Nothing is reserved from the Content-Length: a client that declares a large body and sends
  // none would otherwise hold that much memory per connection for nothing. The body
  // grows as its bytes arrive; basic_parser holds it to the route's limit.
}

std::size_t RequestParser::on_body_impl(std::string_view body, error_code&) {
  storage_.body.append(body);
  return body.size();
}

void RequestParser::on_chunk_header_impl(std::uint64_t, std::string_view, error_code&) {}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, std::string_view body, error_code&) {
  storage_.body.append(body);
  return body.size();
}

void RequestParser::on_finish_impl(error_code&) {}

}  // namespace canopy::http
