#!/bin/bash -eu
# fuzz/oss-fuzz/build.sh: builds the fuzz harnesses the OSS-Fuzz / ClusterFuzzLite way. Honours
# $CC, $CFLAGS, $LIB_FUZZING_ENGINE, $OUT, $SRC and $WORK (defaults for a local run: clang, no
# extra flags, -fsanitize=fuzzer, temp dirs). Writes to $OUT, per harness of the table in
# fuzz/CMakeLists.txt: fuzz_<t>, fuzz_<t>_seed_corpus.zip (corpus + regressions), fuzz_<t>.dict
# and fuzz_<t>.options (max_len); shared libraries the base-runner image lacks go to $OUT/lib
# (found through the fuzzers' RPATH $ORIGIN/lib, which also serves the copied libraries). Builds only under $WORK.

# The checkout: this script's own (fuzz/oss-fuzz/ in it), or $SRC/nfs41check when copied to $SRC.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ -n ${NFS41_SRC:-} ]]; then
  src=$NFS41_SRC
elif [[ -f $here/../CMakeLists.txt && -f $here/../../CMakeLists.txt ]]; then
  src=$(cd "$here/../.." && pwd)
else
  src=${SRC:?set SRC or NFS41_SRC}/nfs41check
fi
: "${CC:=clang}" "${CFLAGS:=}" "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${WORK:=$(mktemp -d)}" "${OUT:=$WORK/out}"
build=$WORK/nfs41-build
mkdir -p "$OUT" "$build"

# The harness table: "name runs max_len dict lib" per line.
targets=$(awk '/^set\(fuzz_targets/ { on = 1; next } on && /^\)/ { exit } on && NF >= 5 { print $1, $3, $4 }' \
  "$src/fuzz/CMakeLists.txt")
[[ -n $targets ]] || { echo "build.sh: no harness table in $src/fuzz/CMakeLists.txt" >&2; exit 1; }

# Flags come from $CFLAGS only (build type None: no -O2/-DNDEBUG of our own, asserts stay on);
# the engine's main() from $LIB_FUZZING_ENGINE; no -Werror under an outside toolchain.
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=None -DCMAKE_C_COMPILER="$CC" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_BUILD_RPATH='$ORIGIN/lib' \
  -DCMAKE_EXE_LINKER_FLAGS="${LDFLAGS:-} -Wl,--disable-new-dtags" \
  -DNFS41_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" -DNFS41_TESTS=OFF -DNFS41_WERROR=OFF
cmake --build "$build" --target fuzzers -j"$(nproc)"

# Libraries the runner image lacks: anything outside glibc and the C/C++ runtimes.
copy_libs() {
  local lib
  mkdir -p "$OUT/lib"
  ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | while read -r lib; do
    case $(basename "$lib") in
    libc.so* | libm.so* | libdl.so* | librt.so* | libpthread.so* | libresolv.so* | ld-linux* | \
      libstdc++.so* | libgcc_s.so* | libutil.so*) ;;
    *) cp -L "$lib" "$OUT/lib/" ;;
    esac
  done
}

while read -r name max_len dict; do
  fuzzer=$build/fuzz/fuzz_$name
  cp "$fuzzer" "$OUT/"
  copy_libs "$fuzzer"
  # libFuzzer refuses an empty dictionary (a harness being written may have one): none then.
  rm -f "$OUT/fuzz_$name.dict"
  if grep -q '^[^#[:space:]]' "$src/fuzz/dict/$dict.dict" 2>/dev/null; then
    cp "$src/fuzz/dict/$dict.dict" "$OUT/fuzz_$name.dict"
  else
    echo "build.sh: fuzz/dict/$dict.dict has no entry: no fuzz_$name.dict" >&2
  fi
  printf '[libfuzzer]\nmax_len = %s\n' "$max_len" >"$OUT/fuzz_$name.options"
  # Seeds: corpus and regressions (these prefixed: both folders may hold the same name).
  seeds=$WORK/seeds/$name
  rm -rf "$seeds" && mkdir -p "$seeds"
  find "$src/fuzz/corpus/$name" -maxdepth 1 -type f ! -name 'README*' ! -name '.*' \
    -exec cp {} "$seeds/" \; 2>/dev/null || true
  for f in "$src/fuzz/regressions/$name"/*; do
    [[ -f $f && $(basename "$f") != README* ]] && cp "$f" "$seeds/regression-$(basename "$f")"
  done
  rm -f "$OUT/fuzz_${name}_seed_corpus.zip"
  if [[ -n $(ls -A "$seeds") ]]; then
    (cd "$seeds" && zip -q -r "$OUT/fuzz_${name}_seed_corpus.zip" .)
  else
    echo "build.sh: fuzz_$name has no checked-in seeds: no seed corpus zip" >&2
  fi
done <<<"$targets"
[[ -z $(ls -A "$OUT/lib" 2>/dev/null) ]] && rmdir "$OUT/lib" 2>/dev/null
echo "build.sh: $(wc -l <<<"$targets") fuzzers in $OUT"
