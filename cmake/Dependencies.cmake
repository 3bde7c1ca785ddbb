# Third-party libraries, all from Debian 12 packages (see scripts/install-deps).
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS system)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(spdlog REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
add_library(canopy_cli11 INTERFACE)
target_include_directories(canopy_cli11 SYSTEM INTERFACE ${CLI11_INCLUDE_DIR})

# yaml-cpp 0.7's config exports the target as "yaml-cpp" without a namespace.
if(TARGET yaml-cpp AND NOT TARGET yaml-cpp::yaml-cpp)
  add_library(yaml-cpp::yaml-cpp ALIAS yaml-cpp)
endif()
