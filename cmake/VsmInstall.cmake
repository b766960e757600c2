# `cmake --install` exports the package so embedders can:
#   find_package(vsmfabric REQUIRED)
#   target_link_libraries(app PRIVATE vsm::node)
# The draft libzmq is installed alongside, because the system one lacks the draft API.
include(CMakePackageConfigHelpers)

get_property(_vsm_targets GLOBAL PROPERTY VSM_INSTALL_TARGETS)
install(TARGETS ${_vsm_targets} EXPORT vsmfabricTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT vsmfabricTargets NAMESPACE vsm::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/vsmfabric)

file(GLOB _vsm_zmq_libs "${VSM_ZMQ_LIBDIR}/libzmq.so*")
install(FILES ${_vsm_zmq_libs} DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES "${VSM_ZMQ_INCLUDE_DIR}/zmq.h" "${VSM_ZMQ_INCLUDE_DIR}/zmq_utils.h"
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

configure_package_config_file(cmake/vsmfabricConfig.cmake.in
  "${CMAKE_CURRENT_BINARY_DIR}/vsmfabricConfig.cmake"
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/vsmfabric)
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/vsmfabricConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/vsmfabricConfig.cmake"
              "${CMAKE_CURRENT_BINARY_DIR}/vsmfabricConfigVersion.cmake"
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/vsmfabric)
