# CTest script (rtl_verify_probes): the RTL probe trace of `hrsnn verify --probe` must equal, byte
# for byte, the fixed core's probes.csv of `hrsnn run --arith fixed --probe` on the same spec.
# Variables: HRSNN (the CLI), SPEC, OUT (scratch directory).
file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}")
execute_process(COMMAND "${HRSNN}" verify "${SPEC}" --steps 400 --probe 0,7,210 --out "${OUT}/rtl" --quiet
                RESULT_VARIABLE rc_verify)
execute_process(COMMAND "${HRSNN}" run "${SPEC}" --arith fixed --steps 400 --probe 0,7,210 --quiet --out "${OUT}/fixed"
                RESULT_VARIABLE rc_run OUTPUT_QUIET)
if(NOT rc_verify EQUAL 0 OR NOT rc_run EQUAL 0)
  message(FATAL_ERROR "hrsnn verify (${rc_verify}) or hrsnn run (${rc_run}) failed")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${OUT}/rtl/probes.csv" "${OUT}/fixed/probes.csv"
                RESULT_VARIABLE rc_cmp)
if(NOT rc_cmp EQUAL 0)
  message(FATAL_ERROR "RTL probes ${OUT}/rtl/probes.csv differ from the fixed core's ${OUT}/fixed/probes.csv")
endif()
message(STATUS "RTL probes equal the fixed core's probes.csv")
