# Installs the build tree into a fresh prefix, then builds and runs a tiny
# program against it twice: through find_package(sandlog) and through pkg-config.
file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}")
  endif()
endfunction()

run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/install_consumer" -B "${WORK_DIR}/build"
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX})
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
run("${WORK_DIR}/build/consumer")

find_program(PKG_CONFIG pkg-config)
if(PKG_CONFIG)
  set(ENV{PKG_CONFIG_PATH} "${prefix}/share/pkgconfig")
  execute_process(COMMAND ${PKG_CONFIG} --cflags sandlog OUTPUT_VARIABLE cflags
                  RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "pkg-config does not know the installed sandlog")
  endif()
  separate_arguments(cflags UNIX_COMMAND "${cflags}")
  run(${CXX} -std=c++17 ${cflags} "${SOURCE_DIR}/tests/install_consumer/consumer.cpp"
      -o "${WORK_DIR}/consumer_pc")
  run("${WORK_DIR}/consumer_pc")
endif()
message(STATUS "installed package works through find_package and pkg-config")
