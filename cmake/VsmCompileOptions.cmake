# Warnings and sanitizers for every vsmfabric target (not for dependencies).
add_library(vsm_options INTERFACE)
target_compile_options(vsm_options INTERFACE -Wall -Wextra -Wpedantic)
target_compile_definitions(vsm_options INTERFACE MSGPACK_NO_BOOST)

if(VSM_SANITIZE)
  if(VSM_SANITIZE MATCHES "thread" AND VSM_SANITIZE MATCHES "address")
    message(FATAL_ERROR "VSM_SANITIZE: thread cannot be combined with address")
  endif()
  set(_vsm_san_flags -fsanitize=${VSM_SANITIZE} -fno-omit-frame-pointer -g)
  if(VSM_SANITIZE MATCHES "undefined")
    list(APPEND _vsm_san_flags -fno-sanitize-recover=undefined)
  endif()
  add_compile_options(${_vsm_san_flags})
  add_link_options(-fsanitize=${VSM_SANITIZE})
  message(STATUS "vsmfabric: sanitizers ${VSM_SANITIZE}")
endif()

# vsm_module(<target> <export-name> SOURCES ... PUBLIC_DEPS ... PRIVATE_DEPS ...)
# A static library with public headers in <dir>/include and sources in <dir>/src.
function(vsm_module target export_name)
  cmake_parse_arguments(M "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${target} STATIC ${M_SOURCES})
  add_library(vsm::${export_name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${export_name})
  target_include_directories(${target}
    PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
           $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(${target} PUBLIC ${M_PUBLIC_DEPS} PRIVATE ${M_PRIVATE_DEPS}
                        $<BUILD_INTERFACE:vsm_options>)
  set_property(GLOBAL APPEND PROPERTY VSM_INSTALL_TARGETS ${target})
  install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endfunction()
include(VsmFuzz)
