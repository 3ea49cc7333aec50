# approval_warnings(target): the project's own code builds clean with these; CI makes them
# errors (APPROVAL_WERROR). Generated ANTLR sources do not use this.
function(approval_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  # GCC 12 reports -Wrestrict for `"literal" + std::string&&` at -O2/-O3 (GCC bug 105651);
  # it is a false positive inside libstdc++, so it stays off until the compiler is fixed.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(APPROVAL_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
