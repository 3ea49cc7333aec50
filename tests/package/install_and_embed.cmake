# cmake -P script behind the package.install_and_embed test (tests/package/CMakeLists.txt
# passes every variable below). Fails (FATAL_ERROR: non-zero exit) at the first step that
# does not work:
#   1. cmake --install APPROVAL_BINARY_DIR --prefix WORK_DIR/prefix (a fresh prefix)
#   2. the layout: bin/approvalc, include/approval/*.h, lib/libapproval_*.a, lib/cmake/approval/
#      and no path of the source or build tree in the installed CMake files
#   3. the installed approvalc checks the seed flow
#   4. configure examples/embed in a fresh WORK_DIR/embed-build with CMAKE_PREFIX_PATH=prefix:
#      approval_DIR must be the prefix's, and no include directory may be in the source or
#      build tree (only the installed headers)
#   5. build it; the headers it was compiled with (the compiler's dependency list) are the
#      installed ones
#   6. run it on examples/leave-approval.seed.dsl: exit status 0
cmake_minimum_required(VERSION 3.25)

foreach(var IN ITEMS APPROVAL_SOURCE_DIR APPROVAL_BINARY_DIR WORK_DIR INSTALL_BINDIR INSTALL_LIBDIR
                     INSTALL_INCLUDEDIR GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "install_and_embed.cmake: -D${var}=... is required")
  endif()
endforeach()

set(prefix "${WORK_DIR}/prefix")
set(embed_build "${WORK_DIR}/embed-build")
set(seed "${APPROVAL_SOURCE_DIR}/examples/leave-approval.seed.dsl")
string(TIMESTAMP started "%s")

# run(<step name> <command...>): runs the command, prints its output, fails on a non-zero exit.
function(run step)
  string(TIMESTAMP step_started "%s")
  execute_process(COMMAND ${ARGN}
    RESULT_VARIABLE result
    OUTPUT_VARIABLE output
    ERROR_VARIABLE output
    TIMEOUT 600)
  string(TIMESTAMP step_ended "%s")
  math(EXPR seconds "${step_ended} - ${step_started}")
  message(STATUS "---- ${step} (${seconds} s): exit ${result}")
  message("${output}")
  if(NOT result EQUAL 0)
    list(JOIN ARGN " " command_line)
    message(FATAL_ERROR "${step} failed (${result}): ${command_line}")
  endif()
endfunction()

# under(<out> <path> <dir>): whether path is dir or inside it (both made absolute and real).
function(under out path dir)
  file(REAL_PATH "${path}" real_path)
  file(REAL_PATH "${dir}" real_dir)
  string(LENGTH "${real_dir}/" dir_length)
  string(SUBSTRING "${real_path}/" 0 ${dir_length} head)
  if(head STREQUAL "${real_dir}/")
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()

# check_header_path(<what> <path>): a header or include directory the consumer used must be
# in the prefix, or outside both the source and the build tree (a system library).
function(check_header_path what path)
  under(in_prefix "${path}" "${prefix}")
  if(in_prefix)
    return()
  endif()
  under(in_source "${path}" "${APPROVAL_SOURCE_DIR}")
  under(in_build "${path}" "${APPROVAL_BINARY_DIR}")
  if(in_source OR in_build)
    message(FATAL_ERROR "the consumer build uses ${what} ${path} from the approval source or build "
                        "tree instead of the installed package in ${prefix}")
  endif()
endfunction()

# 1. Install into a fresh prefix.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
run("install" "${CMAKE_COMMAND}" --install "${APPROVAL_BINARY_DIR}" --prefix "${prefix}")

# 2. The layout.
set(expected
  "${INSTALL_BINDIR}/approvalc"
  "${INSTALL_INCLUDEDIR}/approval/engine.h"
  "${INSTALL_INCLUDEDIR}/approval/store.h"
  "${INSTALL_INCLUDEDIR}/approval/clock.h"
  "${INSTALL_INCLUDEDIR}/approval/result.h"
  "${INSTALL_INCLUDEDIR}/approval/value.h"
  "${INSTALL_INCLUDEDIR}/approval/diagnostic_codes.def"
  "${INSTALL_LIBDIR}/libapproval_runtime.a"
  "${INSTALL_LIBDIR}/libapproval_jit.a"
  "${INSTALL_LIBDIR}/libapproval_compiler.a"
  "${INSTALL_LIBDIR}/libapproval_stdlib.a"
  "${INSTALL_LIBDIR}/libapproval_grammar.a"
  "${INSTALL_LIBDIR}/cmake/approval/approvalConfig.cmake"
  "${INSTALL_LIBDIR}/cmake/approval/approvalConfigVersion.cmake"
  "${INSTALL_LIBDIR}/cmake/approval/approvalTargets.cmake")
foreach(file IN LISTS expected)
  if(NOT EXISTS "${prefix}/${file}")
    message(FATAL_ERROR "cmake --install did not install ${file} (prefix ${prefix})")
  endif()
endforeach()
file(GLOB installed_cmake_files "${prefix}/${INSTALL_LIBDIR}/cmake/approval/*.cmake")
foreach(file IN LISTS installed_cmake_files)
  file(READ "${file}" content)
  foreach(tree IN ITEMS "${APPROVAL_SOURCE_DIR}" "${APPROVAL_BINARY_DIR}")
    string(FIND "${content}" "${tree}" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "${file} names ${tree}: the installed package must not point into the "
                          "source or build tree")
    endif()
  endforeach()
endforeach()
message(STATUS "---- layout: ${prefix} has the expected files")

# 3. The installed compiler works.
run("installed approvalc" "${prefix}/${INSTALL_BINDIR}/approvalc" check "${seed}")

# 4. Configure the consumer: a fresh build directory, the package only through the prefix.
set(configure_args
  -S "${APPROVAL_SOURCE_DIR}/examples/embed"
  -B "${embed_build}"
  -G "${GENERATOR}"
  "-DCMAKE_PREFIX_PATH=${prefix}"
  "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF"
  "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"
  "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}"
  "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
  "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
  "-DCMAKE_C_FLAGS=${C_FLAGS}"
  "-DCMAKE_EXE_LINKER_FLAGS=${EXE_LINKER_FLAGS}"
  "-DEMBED_WERROR=ON")
if(C_COMPILER)
  list(APPEND configure_args "-DCMAKE_C_COMPILER=${C_COMPILER}")
endif()
if(MAKE_PROGRAM)
  list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(CXX_COMPILER_LAUNCHER)
  list(APPEND configure_args "-DCMAKE_CXX_COMPILER_LAUNCHER=${CXX_COMPILER_LAUNCHER}")
endif()
run("configure examples/embed" "${CMAKE_COMMAND}" ${configure_args})

file(STRINGS "${embed_build}/CMakeCache.txt" approval_dir_line REGEX "^approval_DIR:")
string(REGEX REPLACE "^approval_DIR:[A-Z]+=" "" approval_dir "${approval_dir_line}")
under(package_in_prefix "${approval_dir}" "${prefix}")
if(NOT package_in_prefix)
  message(FATAL_ERROR "the consumer found approval in '${approval_dir}', not in ${prefix}")
endif()

file(READ "${embed_build}/compile_commands.json" compile_commands)
string(JSON command_count LENGTH "${compile_commands}")
if(command_count EQUAL 0)
  message(FATAL_ERROR "${embed_build}/compile_commands.json lists no compilation")
endif()
math(EXPR last "${command_count} - 1")
set(prefix_includes 0)
foreach(index RANGE ${last})
  string(JSON command GET "${compile_commands}" ${index} command)
  separate_arguments(arguments UNIX_COMMAND "${command}")
  set(next_is_dir FALSE)
  foreach(argument IN LISTS arguments)
    set(dir "")
    if(next_is_dir)
      set(dir "${argument}")
      set(next_is_dir FALSE)
    elseif(argument MATCHES "^-(I|isystem|iquote|idirafter)$")
      set(next_is_dir TRUE)
    elseif(argument MATCHES "^-(I|isystem|iquote|idirafter)(.+)$")
      set(dir "${CMAKE_MATCH_2}")
    endif()
    if(NOT dir STREQUAL "")
      check_header_path("include directory" "${dir}")
      under(in_prefix "${dir}" "${prefix}")
      if(in_prefix)
        math(EXPR prefix_includes "${prefix_includes} + 1")
      endif()
    endif()
  endforeach()
endforeach()
if(prefix_includes EQUAL 0)
  message(FATAL_ERROR "the consumer's compile commands have no include directory in ${prefix}")
endif()
message(STATUS "---- include directories: the installed ones only")

# 5. Build it.
run("build examples/embed" "${CMAKE_COMMAND}" --build "${embed_build}" --parallel 2)

# The headers main.cpp was compiled with, as the compiler listed them (-MD dependency files
# for Makefiles, the deps log for Ninja).
set(dependencies "")
if(GENERATOR MATCHES "Ninja")
  execute_process(COMMAND "${MAKE_PROGRAM}" -C "${embed_build}" -t deps
    OUTPUT_VARIABLE dependencies RESULT_VARIABLE result)
else()
  file(GLOB_RECURSE depfiles "${embed_build}/CMakeFiles/*.d")
  foreach(depfile IN LISTS depfiles)
    file(READ "${depfile}" content)
    string(APPEND dependencies "${content}\n")
  endforeach()
endif()
string(REGEX MATCHALL "[^ \t\r\n\\\\:]*/approval/[A-Za-z_]+\\.(h|def)" approval_headers "${dependencies}")
list(REMOVE_DUPLICATES approval_headers)
if(approval_headers STREQUAL "")
  message(WARNING "no dependency list found in ${embed_build}: the headers used are not checked")
else()
  foreach(header IN LISTS approval_headers)
    check_header_path("header" "${header}")
    under(in_prefix "${header}" "${prefix}")
    if(NOT in_prefix)
      message(FATAL_ERROR "the consumer compiled with ${header}, not with the installed headers")
    endif()
  endforeach()
  list(LENGTH approval_headers header_count)
  message(STATUS "---- headers: ${header_count} approval headers, all from ${prefix}/${INSTALL_INCLUDEDIR}")
endif()

# 6. Run it.
run("run embed" "${embed_build}/embed" "${seed}")

string(TIMESTAMP ended "%s")
math(EXPR seconds "${ended} - ${started}")
message(STATUS "package.install_and_embed: ok in ${seconds} s")
