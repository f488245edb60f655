#!/usr/bin/env bash
# bench/fuzz_execs.sh: executions per second of each fuzz harness, on one core, fixed seed, over
# its checked-in corpus and regressions: under libFuzzer with ASan+UBSan (stat::average_exec_per_sec)
# and under AFL++ persistent mode (execs_per_sec of fuzzer_stats). Prints a Markdown table with
# the targets of issue 7 (decoder >= 500k/s, state machine >= 20k/s under libFuzzer+ASan).
# Not a test: figures depend on the machine and its load (printed with them).
#   bench/fuzz_execs.sh [--time S] [--libfuzzer-build DIR] [--afl-build DIR] [--no-afl]
#                       [--prebuilt DIR] [--floor] [--json FILE] [HARNESS...]
# Configures and builds the harnesses in those dirs (default: ci/fuzz-campaign's build/fuzz-libfuzzer
# and build/fuzz-afl), except in a --prebuilt one. `cmake --build B --target bench-fuzz` runs it
# with B, built, as the build of its kind. --floor also measures an empty harness under the same
# engine and sanitizers (the engine's own cost: each harness's peer). --json FILE writes the
# figures as one JSON object too (ci/bench reads it).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=20 lf_build=$root/build/fuzz-libfuzzer afl_build=$root/build/fuzz-afl use_afl=1 harnesses=()
prebuilt='' floor=0 json=''
while [[ $# -gt 0 ]]; do
	case $1 in
	--time) secs=$2 && shift ;;
	--libfuzzer-build) lf_build=$2 && shift ;;
	--afl-build) afl_build=$2 && shift ;;
	--no-afl) use_afl=0 ;;
	--prebuilt) prebuilt=$(realpath "$2") && shift ;;
	--floor) floor=1 ;;
	--json) json=$2 && shift ;;
	-h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' && exit 0 ;;
	-*) echo "fuzz_execs.sh: unknown option $1" >&2 && exit 2 ;;
	*) harnesses+=("$1") ;;
	esac
	shift
done
table=$(awk '/^set\(fuzz_targets/ { on = 1; next } on && /^\)/ { exit } on && NF >= 5 { print $1, $3, $4 }' \
	"$root/fuzz/CMakeLists.txt")
[[ ${#harnesses[@]} -gt 0 ]] || mapfile -t harnesses < <(cut -d' ' -f1 <<<"$table")
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# ensure_build DIR CMAKE-ARGS...: configure once, then build every listed harness in it.
ensure_build() {
	local dir=$1
	shift
	[[ $(realpath -m "$dir") == "$prebuilt" ]] && return 0
	if [[ ! -f $dir/CMakeCache.txt ]]; then
		cmake -S "$root" -B "$dir" -DNFS41_TESTS=OFF "$@" >"$tmp/configure.log" 2>&1 ||
			{ cat "$tmp/configure.log" >&2 && exit 2; }
	fi
	AFL_QUIET=1 cmake --build "$dir" -j"$(nproc)" --target "${harnesses[@]/#/fuzz_}" >"$tmp/build.log" 2>&1 ||
		{ tail -n 30 "$tmp/build.log" >&2 && exit 2; }
}
ensure_build "$lf_build" -DCMAKE_C_COMPILER=clang -DNFS41_SANITIZE=ON -DNFS41_LIBFUZZER=ON
((use_afl)) && ensure_build "$afl_build" -DCMAKE_C_COMPILER="$(command -v afl-clang-fast)" -DNFS41_AFL=ON

# Both engines refuse an empty dictionary (a harness being written may have one): none then.
dict_opt() {
	grep -q '^[^#[:space:]]' "$root/fuzz/dict/$2.dict" 2>/dev/null && echo "$1$root/fuzz/dict/$2.dict"
}

seed_dirs() { echo "$root/fuzz/corpus/$1" "$root/fuzz/regressions/$1"; }

libfuzzer_rate() {
	local name=$1 max_len=$2 dict=$3 work=$tmp/lf-$1
	mkdir -p "$work"
	# shellcheck disable=SC2046
	"$lf_build/fuzz/fuzz_$name" -max_total_time="$secs" -seed=1 -max_len="$max_len" -reload=0 \
		$(dict_opt -dict= "$dict") -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$work/" "$work" $(seed_dirs "$name") 2>&1 |
		awk '/^stat::average_exec_per_sec:/ { print $2 }'
}

afl_rate() {
	local name=$1 max_len=$2 dict=$3 in=$tmp/afl-in-$1 f
	mkdir -p "$in"
	for f in $(seed_dirs "$name"); do
		find "$f" -maxdepth 1 -type f ! -name 'README*' ! -name '.*' -exec cp {} "$in/" \; 2>/dev/null
	done
	[[ -n $(ls -A "$in") ]] || printf '\n\n\n\n' >"$in/empty-seed"
	# shellcheck disable=SC2046 # dict_opt gives nothing or "-x FILE"
	env -u ASAN_OPTIONS AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
		AFL_NO_AFFINITY=1 AFL_FAST_CAL=1 afl-fuzz -i "$in" -o "$tmp/afl-out-$name" -s 1 -V "$secs" \
		-G "$max_len" $(dict_opt "-x " "$dict") -- "$afl_build/fuzz/fuzz_$name" >"$tmp/afl-$name.log" 2>&1
	awk -F' *: *' '$1 == "execs_per_sec" { printf "%d\n", $2 }' "$tmp/afl-out-$name/default/fuzzer_stats" 2>/dev/null
}

# The floor: an empty harness built with the libFuzzer build's compiler and sanitizers, run like
# the others (no corpus, max_len 4096). What libFuzzer+ASan+UBSan cost per exec with no code under
# test; a harness's exec/s over this is its share of the engine's ceiling.
floor_rate() {
	local cc src=$tmp/floor.c bin=$tmp/fuzz_floor
	cc=$(awk -F= '/^CMAKE_C_COMPILER:/ { print $2 }' "$lf_build/CMakeCache.txt" 2>/dev/null)
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);' \
		'int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)' \
		'{ (void)data; (void)size; return 0; }' >"$src"
	"${cc:-clang}" -O2 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-o "$bin" "$src" >"$tmp/floor-build.log" 2>&1 || { cat "$tmp/floor-build.log" >&2 && return 0; }
	mkdir -p "$tmp/lf-floor"
	"$bin" -max_total_time="$secs" -seed=1 -max_len=4096 -reload=0 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$tmp/lf-floor/" "$tmp/lf-floor" 2>&1 |
		awk '/^stat::average_exec_per_sec:/ { print $2 }'
}

# json_line NAME STATE LF AFL GOAL: one harness's JSON object (numbers or null).
json_line() {
	local n
	printf '    {"name": "%s", "state": "%s"' "$1" "$2"
	for n in "libfuzzer_exec_per_s:$3" "afl_exec_per_s:$4" "target_libfuzzer_exec_per_s:$5"; do
		local v=${n#*:}
		[[ $v =~ ^[0-9]+$ ]] || v=null
		printf ', "%s": %s' "${n%%:*}" "$v"
	done
	printf '}'
}

target_of() {
	case $1 in
	compound) echo 500000 ;;
	sm) echo 20000 ;;
	*) echo "" ;;
	esac
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "fuzz harness exec/s: ${secs}s each, one process, seed 1; $(nproc) cores, load $load_before"
echo
echo "| harness | state | libFuzzer+ASan+UBSan exec/s | AFL++ persistent exec/s | target (libFuzzer+ASan) |"
echo "| --- | --- | ---: | ---: | --- |"
rows=()
for name in "${harnesses[@]}"; do
	read -r _ max_len dict < <(awk -v h="$name" '$1 == h' <<<"$table")
	state=harness
	head -n 3 "$root/fuzz/fuzz_$name.c" | grep -q SCAFFOLD && state=scaffold
	lf=$(libfuzzer_rate "$name" "$max_len" "$dict")
	afl=n/a
	((use_afl)) && afl=$(afl_rate "$name" "$max_len" "$dict")
	goal=$(target_of "$name") verdict=-
	if [[ -n $goal ]]; then
		verdict=">= $goal: $([[ ${lf:-0} -ge $goal ]] && echo met || echo missed)"
	fi
	echo "| $name | $state | ${lf:-failed} | ${afl:-failed} | $verdict |"
	rows+=("$(json_line "$name" "$state" "${lf:-}" "$afl" "$goal")")
done
floor_lf=''
if ((floor)); then
	floor_lf=$(floor_rate)
	echo "| (empty harness: the engine's floor) | floor | ${floor_lf:-failed} | n/a | - |"
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
echo
echo "(load after: $load_after)"
if [[ -n $json ]]; then
	{
		printf '{"seconds_each": %s, "seed": 1, "cores": %s, "afl": %s,\n' "$secs" "$(nproc)" \
			"$( ((use_afl)) && echo true || echo false)"
		printf ' "load_before": "%s", "load_after": "%s",\n' "$load_before" "$load_after"
		printf ' "floor_libfuzzer_exec_per_s": %s,\n' "$([[ $floor_lf =~ ^[0-9]+$ ]] && echo "$floor_lf" || echo null)"
		printf ' "harnesses": [\n'
		local_sep=''
		for r in "${rows[@]}"; do
			printf '%s%s' "$local_sep" "$r"
			local_sep=$',\n'
		done
		printf '\n ]}\n'
	} >"$json"
fi
