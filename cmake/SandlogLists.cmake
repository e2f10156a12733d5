# Reads the test and fuzzer lists (tests/tests.txt, fuzz/fuzzers.txt) that
# CMake and Meson share.

# sandlog_read_list(<file> <out>): the list's rows, comments and blank lines
# left out, as a list of strings with their words separated by "|".
function(sandlog_read_list file out)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${file}")
  file(STRINGS "${file}" rows REGEX "^[^#]")
  set(result "")
  foreach(row IN LISTS rows)
    string(STRIP "${row}" row)
    if(row STREQUAL "")
      continue()
    endif()
    string(REGEX REPLACE "[ \t]+" "|" row "${row}")
    list(APPEND result "${row}")
  endforeach()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

# sandlog_missing_needs(<needs> <out>): the libraries in <needs> ("-" or
# "simdjson,fast_float") that were not found, and the link targets of those
# that were, in <out>_MISSING and <out>_LIBS.
function(sandlog_missing_needs needs out)
  set(missing "")
  set(libs "")
  if(NOT needs STREQUAL "-")
    string(REPLACE "," ";" needs "${needs}")
    foreach(need IN LISTS needs)
      if(need STREQUAL "simdjson")
        if(simdjson_FOUND)
          list(APPEND libs simdjson::simdjson)
        else()
          list(APPEND missing simdjson)
        endif()
      elseif(need STREQUAL "fast_float")
        if(FastFloat_FOUND)
          list(APPEND libs FastFloat::fast_float)
        else()
          list(APPEND missing fast_float)
        endif()
      else()
        message(FATAL_ERROR "unknown need '${need}' in a test or fuzzer list")
      endif()
    endforeach()
  endif()
  set(${out}_MISSING "${missing}" PARENT_SCOPE)
  set(${out}_LIBS "${libs}" PARENT_SCOPE)
endfunction()

# sandlog_add_missing_test(<name> <missing>): a test that fails, naming the
# library it needed, so that a test never drops out in silence.
function(sandlog_add_missing_test name missing)
  add_test(NAME ${name} COMMAND ${CMAKE_COMMAND} "-DMESSAGE=${name} needs ${missing}, not found"
                                -P "${PROJECT_SOURCE_DIR}/cmake/SandlogFail.cmake")
endfunction()
