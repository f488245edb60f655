# doc_examples.cmake - the examples of docs/case-language.md: every good one parses, every file in
# bad/ fails with exactly the error written in its first line ("# error: ...").
file(GLOB good "${EXAMPLES}/*.case")
execute_process(COMMAND "${NFS41CHECK}" check ${good} WORKING_DIRECTORY "${EXAMPLES}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "good examples do not parse:\n${out}${err}")
endif()
file(GLOB bad RELATIVE "${EXAMPLES}" "${EXAMPLES}/bad/*.case")
list(LENGTH bad nbad)
if(nbad LESS 5)
  message(FATAL_ERROR "expected at least 5 broken examples in ${EXAMPLES}/bad, found ${nbad}")
endif()
foreach(f ${bad})
  file(STRINGS "${EXAMPLES}/${f}" first LIMIT_COUNT 1)
  string(REGEX REPLACE "^# error: " "" want "${first}")
  execute_process(COMMAND "${NFS41CHECK}" check "${f}" WORKING_DIRECTORY "${EXAMPLES}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE got)
  string(STRIP "${got}" got)
  if(rc EQUAL 0 OR NOT got STREQUAL want)
    message(FATAL_ERROR "${f}: exit ${rc}\n  want: ${want}\n  got:  ${got}")
  endif()
endforeach()
message(STATUS "${nbad} broken examples fail as documented")
