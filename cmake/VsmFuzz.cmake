# libFuzzer builds (scripts/fuzz.sh). -DVSM_LIBFUZZER=ON, with clang only, instruments every
# vsmfabric target for coverage (-fsanitize=fuzzer-no-link) with ASan and UBSan (UB
# aborts), and tests/fuzz adds a <name>_libfuzzer executable beside each <name>_fuzz
# driver. Use a build dir of its own; third-party libraries (libzmq, spdlog) stay
# uninstrumented. Included by VsmCompileOptions.cmake, before any target is defined.
option(VSM_LIBFUZZER "Build libFuzzer targets (clang only)" OFF)

if(VSM_LIBFUZZER)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "VSM_LIBFUZZER needs clang (CMAKE_CXX_COMPILER=clang++)")
  endif()
  if(VSM_SANITIZE)
    message(FATAL_ERROR "VSM_LIBFUZZER brings its own sanitizers; leave VSM_SANITIZE empty")
  endif()
  add_compile_options(
    "$<$<COMPILE_LANGUAGE:CXX>:-fsanitize=fuzzer-no-link,address,undefined>"
    "$<$<COMPILE_LANGUAGE:CXX>:-fno-sanitize-recover=undefined>"
    "$<$<COMPILE_LANGUAGE:CXX>:-fno-omit-frame-pointer>")
  add_link_options(-fsanitize=address,undefined)
  message(STATUS "vsmfabric: libFuzzer targets, coverage + address,undefined everywhere")
endif()
