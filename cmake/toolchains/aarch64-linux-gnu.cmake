# Cross build for 64-bit ARM Linux with Debian's g++-aarch64-linux-gnu (the runtime and espalier-run:
# cmake -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake -DESPALIER_RUNTIME_ONLY=ON).
# espalier-run links statically, so the binary runs on any aarch64 Linux or Android as it is.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
# Eigen's package is headers only, the same for every architecture: the host's serves.
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
find_program(ESPALIER_QEMU_AARCH64 NAMES qemu-aarch64 qemu-aarch64-static)
if(ESPALIER_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${ESPALIER_QEMU_AARCH64})
endif()
