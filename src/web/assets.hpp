// The browser UI's files, embedded at build time (cmake/EmbedWeb.cmake): index.html, and the
// bundles under /assets/ whose names carry a hash of their content.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace canopy::web {

struct Asset {
  std::string_view path;          // "/index.html", "/assets/main-3Q3HZRQA.js"
  std::string_view content_type;  // with its charset where it has one
  std::string_view body;
  bool immutable;  // its name changes whenever its content does: cache it for good
};

std::span<const Asset> assets();

// The asset at `path`, if any.
inline std::optional<Asset> find(std::string_view path) {
  for (const auto& a : assets()) {
    if (a.path == path) return a;
  }
  return std::nullopt;
}

}  // namespace canopy::web
