# Finds libzmq built with the draft API (RADIO/DISH, zmq_join) and defines the
# imported target vsm::zmq. Looks in VSM_ZMQ_PREFIX first (default: .deps/zmq from
# scripts/setup.sh); Debian's libzmq3-dev has no draft API and is rejected.
set(VSM_ZMQ_PREFIX "${PROJECT_SOURCE_DIR}/.deps/zmq" CACHE PATH "Prefix of the draft libzmq")

find_path(VSM_ZMQ_INCLUDE_DIR zmq.h PATHS "${VSM_ZMQ_PREFIX}/include" NO_DEFAULT_PATH)
find_library(VSM_ZMQ_LIBRARY NAMES zmq PATHS "${VSM_ZMQ_PREFIX}/lib" NO_DEFAULT_PATH)
if(NOT VSM_ZMQ_INCLUDE_DIR OR NOT VSM_ZMQ_LIBRARY)
  message(FATAL_ERROR
    "vsmfabric: no libzmq found in ${VSM_ZMQ_PREFIX}.\n"
    "Run scripts/setup.sh (it builds Debian's libzmq 4.3.4 with -DENABLE_DRAFTS=ON), "
    "or pass -DVSM_ZMQ_PREFIX=<prefix of a draft-enabled libzmq>.")
endif()

include(CheckCXXSourceCompiles)
set(CMAKE_REQUIRED_INCLUDES "${VSM_ZMQ_INCLUDE_DIR}")
set(CMAKE_REQUIRED_LIBRARIES "${VSM_ZMQ_LIBRARY}")
set(CMAKE_REQUIRED_DEFINITIONS -DZMQ_BUILD_DRAFT_API)
unset(VSM_ZMQ_HAS_DRAFT CACHE)
check_cxx_source_compiles("
  #include <zmq.h>
  int main() { void* c = zmq_ctx_new(); void* s = zmq_socket(c, ZMQ_DISH);
               int r = zmq_join(s, \"alg\"); return r + ZMQ_RADIO; }" VSM_ZMQ_HAS_DRAFT)
unset(CMAKE_REQUIRED_INCLUDES)
unset(CMAKE_REQUIRED_LIBRARIES)
unset(CMAKE_REQUIRED_DEFINITIONS)
if(NOT VSM_ZMQ_HAS_DRAFT)
  message(FATAL_ERROR
    "vsmfabric: libzmq at ${VSM_ZMQ_LIBRARY} lacks the draft API (zmq_join, ZMQ_RADIO/ZMQ_DISH).\n"
    "Debian's libzmq3-dev is built without drafts; run scripts/setup.sh to build one with "
    "-DENABLE_DRAFTS=ON into .deps/zmq.")
endif()

get_filename_component(VSM_ZMQ_LIBDIR "${VSM_ZMQ_LIBRARY}" DIRECTORY)
add_library(vsm_zmq INTERFACE)
add_library(vsm::zmq ALIAS vsm_zmq)
set_target_properties(vsm_zmq PROPERTIES EXPORT_NAME zmq)
target_include_directories(vsm_zmq SYSTEM INTERFACE
  $<BUILD_INTERFACE:${VSM_ZMQ_INCLUDE_DIR}> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_link_libraries(vsm_zmq INTERFACE
  $<BUILD_INTERFACE:${VSM_ZMQ_LIBRARY}>
  $<INSTALL_INTERFACE:$<INSTALL_PREFIX>/${CMAKE_INSTALL_LIBDIR}/libzmq.so>)
target_compile_definitions(vsm_zmq INTERFACE ZMQ_BUILD_DRAFT_API)
set_property(GLOBAL APPEND PROPERTY VSM_INSTALL_TARGETS vsm_zmq)
message(STATUS "vsmfabric: draft libzmq ${VSM_ZMQ_LIBRARY}")
