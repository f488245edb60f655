#!/usr/bin/env bash
# requirement_trace.sh DIR - every requirement id the state machine cites is cited by a unit test.
#
# DIR is the refserver source directory. The state machine's ids are those cited in DIR/sm*.c and
# DIR/slot_table.c; the tests' ids those cited in DIR/tests/test_sm*.c and
# DIR/tests/test_slot_table.c. Ids are AREA-nn with the catalogue's areas (requirements.md s1);
# a range "CS-21..CS-28" (or "CS-21..28") cites every id in it. Exits 1 listing each id the state
# machine cites that no test cites, 2 on a usage or file error, 0 with a count otherwise.
set -euo pipefail

readonly AREAS='RPC|CMP|SES|EXID|CS|DS|SEQ|BCTS|DCID|RC'
readonly ID="\\b($AREAS)-[0-9]+\\b"
readonly CITATION="$ID(\\.\\.(($AREAS)-)?[0-9]+\\b)?"

usage() {
	echo "usage: $0 REFSERVER_SOURCE_DIR" >&2
	exit 2
}

# The ids cited in the files given, one per line, ranges expanded (unsorted, repeats kept).
cited_ids() {
	local cite area first last n
	{ grep -ohE "$CITATION" "$@" || true; } | while read -r cite; do
		area=${cite%%-*}
		first=${cite#*-}
		first=${first%%..*}
		if [[ $cite == *..* ]]; then
			last=${cite##*..}
			last=${last##*-}
		else
			last=$first
		fi
		for ((n = 10#$first; n <= 10#$last; n++)); do
			printf '%s-%02d\n' "$area" "$n"
		done
	done
}

# The names of the files that cite id by name ("a range" when only a range covers it).
where_cited() {
	local id=$1 names
	shift
	names=$({ grep -lwE "$id" "$@" || true; } | while read -r f; do printf '%s ' "${f##*/}"; done)
	names=${names% }
	printf '%s' "${names:-a range}"
}

# Every file given must exist; at least one must be given.
require_files() {
	local what=$1 f
	shift
	if (($# == 0)); then
		echo "requirement_trace: no $what files found" >&2
		exit 2
	fi
	for f in "$@"; do
		[[ -f $f ]] || { echo "requirement_trace: $f: not a file" >&2; exit 2; }
	done
}

main() {
	local dir sm_files test_files sm_ids test_ids missing
	(($# == 1)) || usage
	dir=$1
	shopt -s nullglob
	sm_files=("$dir"/sm*.c "$dir"/slot_table.c)
	test_files=("$dir"/tests/test_sm*.c "$dir"/tests/test_slot_table.c)
	require_files "state machine" "${sm_files[@]}"
	require_files "test" "${test_files[@]}"

	sm_ids=$(cited_ids "${sm_files[@]}" | sort -u)
	test_ids=$(cited_ids "${test_files[@]}" | sort -u)
	missing=$(comm -23 <(printf '%s\n' "$sm_ids") <(printf '%s\n' "$test_ids") | grep -v '^$' || true)

	if [[ -n $missing ]]; then
		echo "requirement_trace: ids the state machine cites that no unit test cites:"
		printf '%s\n' "$missing" | while read -r id; do
			printf '  %s (%s)\n' "$id" "$(where_cited "$id" "${sm_files[@]}")"
		done
		echo "requirement_trace: $(printf '%s\n' "$missing" | grep -c .) uncovered"
		exit 1
	fi
	echo "requirement_trace: all $(printf '%s\n' "$sm_ids" | grep -c .) ids the state machine" \
		"cites are cited by its unit tests ($(printf '%s\n' "$test_ids" | grep -c .) ids cited by tests)"
}

main "$@"
