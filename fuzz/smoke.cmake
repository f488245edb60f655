# smoke.cmake - one short fuzzing run of one harness for ctest (cmake -P): new inputs go to a
# fresh folder in the build tree, the checked-in corpus and regressions are only read; any
# finding fails, and the reproducer is left in WORKDIR.
# Set: FUZZER, WORKDIR, MAX_LEN, DICT, CORPUS, REGRESSIONS, and
#   ENGINE=libfuzzer (default): RUNS - a fixed-seed libFuzzer run of RUNS inputs;
#   ENGINE=afl: AFL_FUZZ (afl-fuzz), EXECS, SECONDS - a fixed-seed afl-fuzz run of the AFL++
#     persistent-mode binary, ending after about EXECS executions or SECONDS, whichever first.
file(REMOVE_RECURSE "${WORKDIR}")
# Both engines refuse an empty dictionary (a harness being written may have one): none then.
set(dict_lf "")
set(dict_afl "")
file(STRINGS "${DICT}" dict_entries REGEX "^[^#\t ]")
if(dict_entries)
  set(dict_lf "-dict=${DICT}")
  set(dict_afl -x "${DICT}")
endif()
if(NOT ENGINE OR ENGINE STREQUAL "libfuzzer")
  file(MAKE_DIRECTORY "${WORKDIR}/new" "${WORKDIR}/artifacts")
  execute_process(
    COMMAND "${FUZZER}" -runs=${RUNS} -seed=1 -rss_limit_mb=512 -malloc_limit_mb=64
            -max_len=${MAX_LEN} -timeout=10 ${dict_lf} -print_final_stats=1
            -artifact_prefix=${WORKDIR}/artifacts/ "${WORKDIR}/new" "${CORPUS}" "${REGRESSIONS}"
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${FUZZER} exited with ${rc}: a finding; the reproducer is in "
                        "${WORKDIR}/artifacts (copy it to ${REGRESSIONS} once fixed)")
  endif()
  return()
endif()

# AFL++: -i takes one folder, so the seeds are copied (README placeholders are not inputs); a
# harness without seeds starts from a few zero bytes.
file(MAKE_DIRECTORY "${WORKDIR}/in")
file(GLOB seeds LIST_DIRECTORIES false "${CORPUS}/*")
file(GLOB regressions LIST_DIRECTORIES false "${REGRESSIONS}/*")
foreach(f ${seeds} ${regressions})
  get_filename_component(name "${f}" NAME)
  get_filename_component(dir "${f}" DIRECTORY)
  get_filename_component(kind "${dir}" DIRECTORY)
  get_filename_component(kind "${kind}" NAME)
  if(NOT name MATCHES "^(README|\\.)")
    file(COPY_FILE "${f}" "${WORKDIR}/in/${kind}-${name}")
  endif()
endforeach()
file(GLOB copied "${WORKDIR}/in/*")
if(NOT copied)
  file(WRITE "${WORKDIR}/in/empty-seed" "\n\n\n\n")
endif()
# A container: no CPU governor, no core_pattern of ours, no UI, cores shared with other tests.
# ASAN_OPTIONS are afl-fuzz's own business (a sanitizer build needs its abort_on_error=1).
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env --unset=ASAN_OPTIONS --unset=UBSAN_OPTIONS
          AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
          AFL_FAST_CAL=1 AFL_BENCH_UNTIL_CRASH=1
          "${AFL_FUZZ}" -i "${WORKDIR}/in" -o "${WORKDIR}/out" -s 1 -E ${EXECS} -V ${SECONDS}
          -G ${MAX_LEN} ${dict_afl} -- "${FUZZER}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
file(WRITE "${WORKDIR}/afl-fuzz.log" "${log}")
set(stats "${WORKDIR}/out/default/fuzzer_stats")
if(NOT rc EQUAL 0 OR NOT EXISTS "${stats}")
  string(LENGTH "${log}" len)
  math(EXPR from "${len} > 3000 ? ${len} - 3000 : 0")
  string(SUBSTRING "${log}" ${from} -1 tail)
  message(FATAL_ERROR "afl-fuzz exited with ${rc} (log: ${WORKDIR}/afl-fuzz.log):\n${tail}")
endif()
file(STRINGS "${stats}" lines)
set(summary "")
foreach(line ${lines})
  if(line MATCHES "^(execs_done|execs_per_sec|edges_found|corpus_count|saved_crashes|saved_hangs) +: (.*)")
    string(APPEND summary " ${CMAKE_MATCH_1}=${CMAKE_MATCH_2}")
    set(${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
  endif()
endforeach()
message(STATUS "afl-fuzz:${summary}")
file(GLOB crashes "${WORKDIR}/out/default/crashes/id:*")
if(crashes OR (saved_crashes AND NOT saved_crashes EQUAL 0))
  message(FATAL_ERROR "afl-fuzz found a crash: ${crashes} (replay: ${FUZZER} FILE; copy it to "
                      "${REGRESSIONS} once fixed)")
endif()
