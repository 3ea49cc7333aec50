# approval_warnings(target): the project's own code builds clean with these; CI makes them
# errors (APPROVAL_WERROR). Generated ANTLR sources do not use this.
function(approval_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(APPROVAL_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
