# Helper functions shared by every CMakeLists.txt of the project.

# Use ccache for every compile when it is installed.
function(espalier_enable_ccache)
  find_program(ESPALIER_CCACHE ccache)
  if(ESPALIER_CCACHE)
    # With precompiled headers ccache needs this sloppiness, or it refuses to cache.
    set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env
        CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
        ${ESPALIER_CCACHE} PARENT_SCOPE)
  endif()
endfunction()

# Warnings we hold our own code to.
function(espalier_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter)
endfunction()

# A static library of the engine or the views: one folder, included from the repository root
# ("core/prune/recipe.h"), held to our warnings.
#   espalier_library(espalier_data data/manifest.h data/manifest.cpp ...)
function(espalier_library target)
  add_library(${target} STATIC ${ARGN})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
  espalier_warnings(${target})
endfunction()

# Gives a target that includes LibTorch the shared torch precompiled header, so torch's headers
# are parsed once per build instead of once per source file.
function(espalier_use_torch_pch target)
  if(TARGET espalier_torch_pch)
    target_precompile_headers(${target} REUSE_FROM espalier_torch_pch)
  endif()
endfunction()

# Links LibTorch into a target that uses it on purpose (PUBLIC when its headers expose torch types,
# PRIVATE otherwise) and gives it the torch precompiled header. The layer check lets only targets
# linked through here reach LibTorch: every other engine target must stay torch-free.
#   espalier_link_torch(espalier_model PUBLIC)
function(espalier_link_torch target scope)
  target_link_libraries(${target} ${scope} ${TORCH_LIBRARIES})
  set_target_properties(${target} PROPERTIES ESPALIER_USES_TORCH ON POSITION_INDEPENDENT_CODE ON)
  espalier_use_torch_pch(${target})
endfunction()

# One Qt Test executable per unit, registered with CTest.
#   espalier_add_test(NAME test_fbank SOURCES a.cpp LIBS espalier_core [LABELS core] [ENV K=V ...])
function(espalier_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS;ENV" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE Qt6::Test ${T_LIBS})
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_definitions(${T_NAME} PRIVATE
    ESPALIER_FIXTURES_DIR="${PROJECT_SOURCE_DIR}/tests/fixtures"
    ESPALIER_BINARY_DIR="${PROJECT_BINARY_DIR}")
  espalier_warnings(${T_NAME})
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES
    TIMEOUT ${T_TIMEOUT}
    LABELS "${T_LABELS}"
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;${T_ENV}")
endfunction()
