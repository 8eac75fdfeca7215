# The runners for other architectures, built beside the host's into ${ESPALIER_RUNNERS_DIR}/<arch>/
# when their cross compiler is installed (scripts/setup-debian.sh installs g++-aarch64-linux-gnu):
# a runtime-only build of this same source tree with the toolchain file, no tests, no benchmarks.
include(ExternalProject)
option(ESPALIER_CROSS_RUNNERS "Also build espalier-run for aarch64 when its cross compiler is installed" ON)
find_program(ESPALIER_AARCH64_CXX aarch64-linux-gnu-g++)
set(ESPALIER_HAVE_AARCH64_RUNNER OFF)
if(ESPALIER_CROSS_RUNNERS AND ESPALIER_AARCH64_CXX AND NOT CMAKE_CROSSCOMPILING
   AND NOT CMAKE_SYSTEM_PROCESSOR STREQUAL "aarch64")
  ExternalProject_Add(espalier_run_aarch64
    SOURCE_DIR ${PROJECT_SOURCE_DIR}
    BINARY_DIR ${PROJECT_BINARY_DIR}/cross-aarch64
    CMAKE_GENERATOR ${CMAKE_GENERATOR}
    CMAKE_ARGS
      -DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/toolchains/aarch64-linux-gnu.cmake
      -DCMAKE_BUILD_TYPE=Release
      -DESPALIER_RUNTIME_ONLY=ON -DESPALIER_BUILD_TESTS=OFF -DESPALIER_BUILD_BENCH=OFF
      -DESPALIER_RUNNERS_DIR=${ESPALIER_RUNNERS_DIR}
    BUILD_ALWAYS ON
    INSTALL_COMMAND ""
    BUILD_BYPRODUCTS ${ESPALIER_RUNNERS_DIR}/aarch64/espalier-run)
  set(ESPALIER_HAVE_AARCH64_RUNNER ON)
  message(STATUS "espalier-run for aarch64: cross-built with ${ESPALIER_AARCH64_CXX}")
endif()
