# Verilator and the RTL's parameters, shared by the Verilated core driver (hw_model/verilated/)
# and the RTL tests (rtl_tests/). Included from the top-level CMakeLists.txt (only when HRSNN_RTL
# is ON), so that verilate(), VERILATOR_*, the profiles' parameters and the core's sizes are seen
# by both directories.
find_package(verilator 5 HINTS /usr/share/verilator)
if(NOT verilator_FOUND)
  message(FATAL_ERROR
    "HRSNN_RTL is ON but Verilator 5 was not found. Run tools/setup.sh (it installs Debian's "
    "verilator), or configure with -DHRSNN_RTL=OFF to build WITHOUT hrsnn verify and the RTL "
    "tests.")
endif()
message(STATUS "hrsnn: Verilator ${verilator_VERSION} found; hrsnn verify and RTL tests enabled")

set(HRSNN_RTL_DIR "${PROJECT_SOURCE_DIR}/hw_model/rtl")

# ---- Widths: one source of truth -------------------------------------------------------------
# The Verilog parameters of every verified profile come from the C++ HardwareFormat presets
# (core/foundation/register_format.cpp) through gen_rtl_params.cpp, compiled and run here at configure time,
# because verilate() runs Verilator at configure time too. Editing the formats re-configures.
set(HRSNN_RTL_PARAMS_DIR "${PROJECT_BINARY_DIR}/hw_model/verilated/rtl_params")
file(MAKE_DIRECTORY "${HRSNN_RTL_PARAMS_DIR}")
set(_gen_sources
  "${CMAKE_CURRENT_LIST_DIR}/gen_rtl_params.cpp"
  "${PROJECT_SOURCE_DIR}/core/foundation/register_format.cpp")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${_gen_sources}
  "${CMAKE_CURRENT_LIST_DIR}/rtl_profiles.hpp"
  "${PROJECT_SOURCE_DIR}/core/foundation/register_format.hpp"
  "${PROJECT_SOURCE_DIR}/core/fixed/arith.hpp")
try_run(_gen_run _gen_compile
  "${PROJECT_BINARY_DIR}/hw_model/verilated/gen_rtl_params_build"
  SOURCES ${_gen_sources}
  CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${PROJECT_SOURCE_DIR}"
  CXX_STANDARD 20
  CXX_STANDARD_REQUIRED ON
  COMPILE_OUTPUT_VARIABLE _gen_compile_log
  RUN_OUTPUT_VARIABLE _gen_output
  ARGS "${HRSNN_RTL_PARAMS_DIR}")
if(NOT _gen_compile)
  message(FATAL_ERROR "hw_model/verilated: cannot compile gen_rtl_params.cpp:\n${_gen_compile_log}")
endif()
if(NOT _gen_run EQUAL 0)
  message(FATAL_ERROR "hw_model/verilated: gen_rtl_params failed (${_gen_run}):\n${_gen_output}")
endif()
file(WRITE "${HRSNN_RTL_PARAMS_DIR}/rtl_params.cmake" "${_gen_output}")
include("${HRSNN_RTL_PARAMS_DIR}/rtl_params.cmake")
message(STATUS "hrsnn: RTL profiles from HardwareFormat: ${HRSNN_RTL_PROFILES}")

# -G options for `verilog_file`'s parameters under `profile`. Every `parameter integer NAME`
# of the file must be a HardwareFormat field (its rtl_param), so a parameter can be neither
# forgotten nor invented. Optional extra arguments NAME=VALUE give the file's parameters that are
# not format fields (the neuron core's memory sizes); each must be declared by the file.
function(hrsnn_rtl_gparams out_var verilog_file profile)
  file(READ "${verilog_file}" _text)
  string(REGEX MATCHALL "parameter[ \t]+integer[ \t]+[A-Za-z_0-9]+" _decls "${_text}")
  set(_extra_names)
  foreach(_extra IN LISTS ARGN)
    string(REGEX REPLACE "=.*$" "" _extra_name "${_extra}")
    list(APPEND _extra_names "${_extra_name}")
  endforeach()
  set(_args)
  set(_declared)
  foreach(_decl IN LISTS _decls)
    string(REGEX REPLACE "^.*[ \t]([A-Za-z_0-9]+)$" "\\1" _name "${_decl}")
    list(APPEND _declared "${_name}")
    list(FIND _extra_names "${_name}" _extra_index)
    if(_extra_index GREATER_EQUAL 0)
      continue()
    endif()
    if(NOT DEFINED HRSNN_RTL_${profile}_${_name})
      message(FATAL_ERROR "${verilog_file}: parameter ${_name} is not a HardwareFormat field "
                          "(rtl_param in core/foundation/register_format.cpp)")
    endif()
    list(APPEND _args "-G${_name}=${HRSNN_RTL_${profile}_${_name}}")
  endforeach()
  foreach(_extra IN LISTS ARGN)
    string(REGEX REPLACE "=.*$" "" _extra_name "${_extra}")
    list(FIND _declared "${_extra_name}" _declared_index)
    if(_declared_index LESS 0)
      message(FATAL_ERROR "${verilog_file}: no parameter ${_extra_name} to set")
    endif()
    list(APPEND _args "-G${_extra}")
  endforeach()
  set(${out_var} ${_args} PARENT_SCOPE)
endfunction()

# ---- The neuron core's memory sizes and profiles ----------------------------------------------
# One source: passed to Verilator as -G (hw_model/verilated/CMakeLists.txt, and the lint tests of
# rtl_tests/) and to the driver as compile definitions, so the driver rejects a network that
# does not fit.
set(HRSNN_RTL_CORE_NEURONS_LOG2 8 CACHE STRING "neuron_core: log2 of the neuron memory depth")
set(HRSNN_RTL_CORE_SYNAPSES_LOG2 14 CACHE STRING "neuron_core: log2 of the synapse memory depth")
set(HRSNN_RTL_CORE_PROJECTIONS 4 CACHE STRING "neuron_core: projection registers and dendrite banks")
set(HRSNN_RTL_CORE_RING_LOG2 2 CACHE STRING "neuron_core: log2 of the delay ring slots (delays < 2^this)")
set(HRSNN_RTL_CORE_PROFILES loihi narrow loihi_counter)  # rtl_core.cpp instantiates a driver for each
set(HRSNN_RTL_CORE_SIZES
  MAX_NEURONS_LOG2=${HRSNN_RTL_CORE_NEURONS_LOG2}
  MAX_SYNAPSES_LOG2=${HRSNN_RTL_CORE_SYNAPSES_LOG2}
  MAX_PROJECTIONS=${HRSNN_RTL_CORE_PROJECTIONS}
  RING_SLOTS_LOG2=${HRSNN_RTL_CORE_RING_LOG2})
