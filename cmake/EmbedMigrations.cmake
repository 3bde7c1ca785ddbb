# Embeds migrations/<dialect>/NNNN_name.sql into the binary, so a deployed canopy knows
# exactly which schema versions it understands without reading files at run time.
function(canopy_embed_migrations target dialect)
  set(dir "${PROJECT_SOURCE_DIR}/migrations/${dialect}")
  file(GLOB sql_files CONFIGURE_DEPENDS "${dir}/*.sql")
  list(SORT sql_files)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/migrations_${dialect}.cpp")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DDIALECT=${dialect} "-DFILES=${sql_files}"
            -P "${PROJECT_SOURCE_DIR}/cmake/WriteMigrations.cmake"
    DEPENDS ${sql_files} "${PROJECT_SOURCE_DIR}/cmake/WriteMigrations.cmake"
    COMMENT "Embedding ${dialect} migrations"
    # VERBATIM: FILES is a ;-list, which the shell would otherwise split into commands.
    VERBATIM)
  target_sources(${target} PRIVATE "${out}")
endfunction()
