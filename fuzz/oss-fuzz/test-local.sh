#!/usr/bin/env bash
# fuzz/oss-fuzz/test-local.sh: runs build.sh as OSS-Fuzz would (clang, ASan+UBSan, libFuzzer) with
# $OUT and $WORK in a temp dir, checks every file OSS-Fuzz expects is in $OUT, then runs each
# fuzzer briefly (-runs=1000) over its unzipped seed corpus with its .dict and .options.
# Writes nothing outside the temp dir (removed at the end; KEEP=1 keeps it). ctest:
# fuzz.oss_fuzz_build (libFuzzer builds). Exit status non-zero on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nfs41-oss-fuzz.XXXXXX") || exit 1
[[ ${KEEP:-0} == 1 ]] || trap 'rm -rf "$tmp"' EXIT
fail=0
bad() {
	echo "test-local: FAIL: $*" >&2
	fail=1
}

export CC=clang CXX=clang++ SANITIZER=address FUZZING_ENGINE=libfuzzer
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address,undefined -fsanitize=fuzzer-no-link"
export CXXFLAGS=$CFLAGS LIB_FUZZING_ENGINE=-fsanitize=fuzzer
export WORK=$tmp/work OUT=$tmp/out SRC=$tmp/src
mkdir -p "$WORK" "$OUT" "$SRC"
echo "test-local: build.sh (OUT=$OUT)"
if ! "$here/build.sh" >"$tmp/build.log" 2>&1; then
	tail -n 40 "$tmp/build.log"
	bad "build.sh failed"
	exit 1
fi
tail -n 1 "$tmp/build.log"

# Seeds come from the same folders build.sh zips; the table from the same CMake list.
has_seeds() {
	# -print -quit, not a pipe into grep -q: under pipefail find's SIGPIPE would read as "none"
	[[ -n $(find "$src/fuzz/corpus/$1" "$src/fuzz/regressions/$1" -maxdepth 1 -type f \
		! -name 'README*' ! -name '.*' -print -quit 2>/dev/null) ]]
}
targets=$(awk '/^set\(fuzz_targets/ { on = 1; next } on && /^\)/ { exit } on && NF >= 5 { print $1, $3, $4 }' \
	"$src/fuzz/CMakeLists.txt")
while read -r name max_len dict; do
	f=$OUT/fuzz_$name
	[[ -x $f ]] || bad "$f missing"
	dict_opt=()
	if grep -q '^[^#[:space:]]' "$src/fuzz/dict/$dict.dict" 2>/dev/null; then
		[[ -s $f.dict ]] || bad "$f.dict missing"
		dict_opt=(-dict="$f.dict")
	fi
	grep -qx "max_len = $max_len" "$f.options" 2>/dev/null || bad "$f.options lacks max_len = $max_len"
	run=$tmp/run/$name
	mkdir -p "$run"
	if has_seeds "$name"; then
		[[ -s ${f}_seed_corpus.zip ]] || { bad "${f}_seed_corpus.zip missing" && continue; }
		unzip -q "${f}_seed_corpus.zip" -d "$run" || bad "${f}_seed_corpus.zip does not unzip"
	fi
	# Only the runner image's libraries plus $OUT/lib: nothing may resolve to "not found".
	if ldd "$f" | grep -q 'not found'; then
		bad "$f: $(ldd "$f" | grep 'not found' | paste -sd ' ')"
	fi
	echo "test-local: fuzz_$name -runs=1000 over $(find "$run" -type f | wc -l) seeds"
	if ! (cd "$tmp" && "$f" -runs=1000 -seed=1 -max_len="$max_len" "${dict_opt[@]}" \
		-artifact_prefix="$tmp/" "$run" >"$tmp/run-$name.log" 2>&1); then
		tail -n 30 "$tmp/run-$name.log"
		bad "fuzz_$name failed its short run"
	else
		grep -E '^#[0-9]+.*DONE' "$tmp/run-$name.log" | tail -n 1 | sed 's/^/  /'
	fi
done <<<"$targets"
# Libraries copied for the runner: each fuzzer finds them through its RPATH $ORIGIN/lib - an
# RPATH, not a RUNPATH, because only an RPATH also serves the copied libraries' own dependencies.
if [[ -d $OUT/lib ]]; then
	echo "test-local: \$OUT/lib: $(ls "$OUT/lib" | paste -sd ' ')"
	for f in "$OUT"/fuzz_*; do
		[[ -x $f && ! -d $f ]] || continue
		readelf -d "$f" | grep -qE '\(RPATH\).*\$ORIGIN/lib' || bad "$f has no \$ORIGIN/lib RPATH"
	done
fi
((fail == 0)) && echo "test-local: OK"
exit $fail
