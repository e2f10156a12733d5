# Flags for sandlog's own programs (tests, benchmarks, fuzzers, tools). They
# are never put on the sandlog target itself, so users get none of them.
function(sandlog_target_flags target)
  target_compile_features(${target} PRIVATE cxx_std_17)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wconversion -Wshadow)
  if(SANDLOG_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  # GCC 12 at -O3 in C++20 warns about std::string concatenation inside
  # libstdc++ itself (GCC bug 105651): not our code, and no way around it.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
     AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(SANDLOG_SANITIZE)
    set(_san -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_compile_options(${target} PRIVATE ${_san})
    target_link_options(${target} PRIVATE ${_san})
  endif()
  if(SANDLOG_NO_EXCEPTIONS)
    target_compile_options(${target} PRIVATE -fno-exceptions)
    target_compile_definitions(${target} PRIVATE CATCH_CONFIG_DISABLE_EXCEPTIONS)
  endif()
endfunction()
