# Reads rtl/abacus.f, the one ordered RTL file list, into
#   ABACUS_RTL_SOURCES  (absolute paths, in order)
#   ABACUS_RTL_INCDIRS  (absolute include directories)
# and defines abacus_verilate(), which builds one Verilator model.
set(ABACUS_RTL_DIR ${PROJECT_SOURCE_DIR}/rtl)
set(ABACUS_RTL_FILELIST ${ABACUS_RTL_DIR}/abacus.f)
set(ABACUS_RTL_VLT ${ABACUS_RTL_DIR}/lint.vlt)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${ABACUS_RTL_FILELIST})

file(STRINGS ${ABACUS_RTL_FILELIST} _abacus_f_lines)
set(ABACUS_RTL_SOURCES)
set(ABACUS_RTL_INCDIRS)
foreach(_line IN LISTS _abacus_f_lines)
  string(STRIP "${_line}" _line)
  if(_line STREQUAL "" OR _line MATCHES "^//")
    continue()
  elseif(_line MATCHES "^\\+incdir\\+(.*)$")
    list(APPEND ABACUS_RTL_INCDIRS ${ABACUS_RTL_DIR}/${CMAKE_MATCH_1})
  else()
    list(APPEND ABACUS_RTL_SOURCES ${ABACUS_RTL_DIR}/${_line})
  endif()
endforeach()

option(ABACUS_COVERAGE "Verilate abacus_top with --coverage (make coverage configures a build with it)" OFF)
# The geometry of the verilated abacus_top (the model abacus, SimDevice and
# the top-level tests run): 16 (16x16, 128-bit bus), or 32, the boards'
# configuration (32x32, 256-bit bus: fpga/common/abacus_pcie_shell.sv).
# Other parameters keep their defaults, as on the boards. make ... ARRAY=32.
set(ABACUS_ARRAY 16 CACHE STRING "rows = columns of the verilated abacus_top: 16, or 32 as on the boards")
if(NOT ABACUS_ARRAY MATCHES "^(16|32)$")
  message(FATAL_ERROR "ABACUS_ARRAY=${ABACUS_ARRAY}: the simulation model is built at 16 (16x16, 128-bit bus) "
                      "or 32 (32x32, 256-bit bus, the boards' configuration)")
endif()
math(EXPR ABACUS_BUS_BITS "${ABACUS_ARRAY} * 8")
set(ABACUS_MODEL_CFLAGS "-march=native" CACHE STRING "extra compiler flags for the verilated models' hot code")

# verilate() lists the C++ files it generates at configure time; a changed
# module can change that list (Verilator names files by content hash), so
# any RTL change re-runs the configuration. verilate() only re-runs
# Verilator at configure time when its command line changes, so a digest of
# the RTL is part of the command line (-DABACUS_RTL_DIGEST=...): otherwise
# the first build after an RTL change compiles the old file list and fails
# to link, and only the next one reconfigures.
file(GLOB_RECURSE ABACUS_RTL_HEADERS CONFIGURE_DEPENDS ${ABACUS_RTL_DIR}/*.svh)
set(ABACUS_RTL_DIGEST_FILES ${ABACUS_RTL_SOURCES} ${ABACUS_RTL_HEADERS} ${ABACUS_RTL_VLT}
    ${PROJECT_SOURCE_DIR}/tb/rtl/abacus_dma_tb.sv ${PROJECT_SOURCE_DIR}/tb/rtl/abacus_fetch_tb.sv)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${ABACUS_RTL_DIGEST_FILES})
set(_abacus_digests "")
foreach(_f IN LISTS ABACUS_RTL_DIGEST_FILES)
  file(MD5 ${_f} _d)
  string(APPEND _abacus_digests ${_d})
endforeach()
string(MD5 ABACUS_RTL_DIGEST "${_abacus_digests}")

# abacus_verilate(<target> PREFIX <class> TOP <module> [EXTRA <test-only sources>...]
#                 [ARGS <verilator args>...])
# A static library holding the verilated model, FST tracing compiled in
# (and off until a test asks for it), assertions live, and X values
# randomizable at run time (+verilator+rand+reset+2 / VerilatedContext).
function(abacus_verilate target)
  cmake_parse_arguments(V "" "PREFIX;TOP" "ARGS;EXTRA" ${ARGN})
  add_library(${target} STATIC)
  set(_cov)
  set(_slow)
  if(ABACUS_COVERAGE AND V_TOP STREQUAL "abacus_top")
    set(_cov COVERAGE)  # line, toggle and user coverage of the whole accelerator (make coverage)
    set(_slow OPT_SLOW -O0)
  endif()
  verilate(${target} ${_cov}
    TRACE_FST
    PREFIX ${V_PREFIX}
    TOP_MODULE ${V_TOP}
    SOURCES ${ABACUS_RTL_SOURCES} ${V_EXTRA}
    INCLUDE_DIRS ${ABACUS_RTL_INCDIRS}
    VERILATOR_ARGS --assert -O3 --x-assign unique --x-initial unique -DABACUS_RTL_DIGEST=${ABACUS_RTL_DIGEST}
                   -Wno-fatal ${ABACUS_RTL_VLT} ${V_ARGS}
    # the model is built where it runs: let the compiler use the host's vector units
    OPT_FAST ${ABACUS_MODEL_CFLAGS}
    # run-once construction code; with coverage it registers every point in
    # functions of 20,000 lines that take the optimizer many minutes each
    ${_slow})
  # verilate() sets these privately; harness code needs them to trace.
  target_compile_definitions(${target} INTERFACE VM_TRACE=1 VM_TRACE_FST=1)
  if(_cov)
    # the harness (sim/common/coverage.hpp) collects each simulation's counts
    target_compile_definitions(${target} INTERFACE VM_COVERAGE=1)
  endif()
  target_link_libraries(${target} PUBLIC Threads::Threads)
  # Verilator's own headers are not ours to warn about.
  target_include_directories(${target} SYSTEM INTERFACE
    ${VERILATOR_ROOT}/include ${VERILATOR_ROOT}/include/vltstd)
endfunction()
