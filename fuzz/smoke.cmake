# smoke.cmake - one short libFuzzer run for ctest (cmake -P): new inputs go to a fresh folder in
# the build tree, the checked-in corpus and regressions are only read; any finding fails.
# Set: FUZZER, WORKDIR, RUNS, MAX_LEN, DICT, CORPUS, REGRESSIONS.
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}/new" "${WORKDIR}/artifacts")
execute_process(
  COMMAND "${FUZZER}" -runs=${RUNS} -seed=1 -rss_limit_mb=512 -malloc_limit_mb=64
          -max_len=${MAX_LEN} -timeout=10 -dict=${DICT} -print_final_stats=1
          -artifact_prefix=${WORKDIR}/artifacts/ "${WORKDIR}/new" "${CORPUS}" "${REGRESSIONS}"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} exited with ${rc}: a finding; the reproducer is in "
                      "${WORKDIR}/artifacts (copy it to ${REGRESSIONS} once fixed)")
endif()
