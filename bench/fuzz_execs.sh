#!/usr/bin/env bash
# bench/fuzz_execs.sh: executions per second of each fuzz harness, on one core, fixed seed, over
# its checked-in corpus and regressions: under libFuzzer with ASan+UBSan (stat::average_exec_per_sec)
# and under AFL++ persistent mode (execs_per_sec of fuzzer_stats). Prints a Markdown table with
# the targets of issue 7 (decoder >= 500k/s, state machine >= 20k/s under libFuzzer+ASan).
# Not a test: figures depend on the machine and its load (printed with them).
#   bench/fuzz_execs.sh [--time S] [--libfuzzer-build DIR] [--afl-build DIR] [--no-afl]
#                       [--prebuilt DIR] [HARNESS...]
# Configures and builds the harnesses in those dirs (default: ci/fuzz-campaign's build/fuzz-libfuzzer
# and build/fuzz-afl), except in a --prebuilt one. `cmake --build B --target bench-fuzz` runs it
# with B, built, as the build of its kind.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=20 lf_build=$root/build/fuzz-libfuzzer afl_build=$root/build/fuzz-afl use_afl=1 harnesses=()
prebuilt=''
while [[ $# -gt 0 ]]; do
	case $1 in
	--time) secs=$2 && shift ;;
	--libfuzzer-build) lf_build=$2 && shift ;;
	--afl-build) afl_build=$2 && shift ;;
	--no-afl) use_afl=0 ;;
	--prebuilt) prebuilt=$(realpath "$2") && shift ;;
	-h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' && exit 0 ;;
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

target_of() {
	case $1 in
	compound) echo 500000 ;;
	sm) echo 20000 ;;
	*) echo "" ;;
	esac
}

echo "fuzz harness exec/s: ${secs}s each, one process, seed 1; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| harness | state | libFuzzer+ASan+UBSan exec/s | AFL++ persistent exec/s | target (libFuzzer+ASan) |"
echo "| --- | --- | ---: | ---: | --- |"
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
done
echo
echo "(load after: $(cut -d' ' -f1-3 /proc/loadavg))"
