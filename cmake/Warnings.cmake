# One INTERFACE target carries warnings and sanitizers; every Canopy target links it.
add_library(canopy_warnings INTERFACE)
target_compile_options(canopy_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough
  # Designated initialisers leave members at their defaults on purpose.
  -Wno-missing-field-initializers
  # g++ 12 misreads the frame allocator of Boost 1.74 awaitables (a false positive).
  -Wno-mismatched-new-delete)
if(CANOPY_WERROR)
  target_compile_options(canopy_warnings INTERFACE -Werror)
endif()
if(CANOPY_SANITIZE)
  string(REPLACE ";" "," _canopy_san "${CANOPY_SANITIZE}")
  target_compile_options(canopy_warnings INTERFACE -fsanitize=${_canopy_san} -fno-omit-frame-pointer)
  target_link_options(canopy_warnings INTERFACE -fsanitize=${_canopy_san})
endif()
