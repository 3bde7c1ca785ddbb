# Builds the browser UI (web/: npm ci, type check, esbuild) and embeds its files in a target, the
# way the migrations are: one binary serves API and UI. With CANOPY_WEB=OFF, nothing runs npm,
# and the binary serves a plain page saying the UI was not built.
option(CANOPY_WEB "Build the browser UI with Node.js and npm, and embed it in canopy" ON)

function(canopy_embed_web target)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/web_assets.cpp")
  set(writer "${PROJECT_SOURCE_DIR}/cmake/WriteWebAssets.cmake")
  if(CANOPY_WEB)
    find_program(CANOPY_NODE node)
    find_program(CANOPY_NPM npm)
    if(NOT CANOPY_NODE OR NOT CANOPY_NPM)
      message(FATAL_ERROR "The UI needs Node.js and npm (Debian: apt-get install nodejs npm); "
                          "or configure with -DCANOPY_WEB=OFF to build canopy without its UI")
    endif()
    set(web "${PROJECT_SOURCE_DIR}/web")
    file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${web}/src/*")
    set(stamp "${CMAKE_CURRENT_BINARY_DIR}/web-npm-ci.stamp")
    add_custom_command(
      OUTPUT "${stamp}"
      COMMAND "${CANOPY_NPM}" ci --no-audit --no-fund --loglevel=error
      COMMAND "${CMAKE_COMMAND}" -E touch "${stamp}"
      WORKING_DIRECTORY "${web}"
      DEPENDS "${web}/package.json" "${web}/package-lock.json"
      COMMENT "Installing the UI's npm packages (npm ci, from package-lock.json)"
      VERBATIM)
    set(dist "${CMAKE_CURRENT_BINARY_DIR}/web-dist")
    add_custom_command(
      OUTPUT "${out}"
      COMMAND "${CANOPY_NODE}" node_modules/typescript/bin/tsc --noEmit -p .
      COMMAND "${CANOPY_NODE}" build.mjs --out "${dist}"
      COMMAND "${CMAKE_COMMAND}" -DOUT=${out} -DDIR=${dist} -P "${writer}"
      WORKING_DIRECTORY "${web}"
      DEPENDS "${stamp}" ${sources} "${web}/build.mjs" "${web}/tsconfig.json" "${writer}"
      COMMENT "Building the UI (type check, esbuild) and embedding it"
      VERBATIM)
  else()
    message(STATUS "CANOPY_WEB=OFF: canopy is built without its UI and serves a page saying so")
    add_custom_command(
      OUTPUT "${out}"
      COMMAND "${CMAKE_COMMAND}" -DOUT=${out} -DDIR= -P "${writer}"
      DEPENDS "${writer}"
      COMMENT "Embedding the page that says the UI was not built"
      VERBATIM)
  endif()
  target_sources(${target} PRIVATE "${out}")
endfunction()
