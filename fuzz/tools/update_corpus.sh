#!/bin/sh
# update_corpus.sh - regenerate fuzz/corpus/* from the shared captures with make_seeds, keeping only
# the seeds libFuzzer's -merge=1 finds adding coverage (under their descriptive names).
#   usage: fuzz/tools/update_corpus.sh BUILD-DIR [PCAP-DIR]
# BUILD-DIR is a clang build with -DNFS41_LIBFUZZER=ON (it has make_seeds and the fuzzers).
set -eu
build=$1
fuzz=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$build/fuzz/make_seeds" "$tmp/seeds" ${2:+"$2"}
for h in compound recmark; do
	mkdir "$tmp/merged-$h"
	"$build/fuzz/fuzz_$h" -merge=1 "$tmp/merged-$h" "$tmp/seeds/$h" 2>"$tmp/merge-$h.log" ||
		{ cat "$tmp/merge-$h.log"; exit 1; }
	find "$fuzz/corpus/$h" -type f ! -name 'README*' -delete
	for f in "$tmp/seeds/$h"/*; do
		sum=$(sha1sum <"$f" | cut -c1-40)
		[ -e "$tmp/merged-$h/$sum" ] && cp "$f" "$fuzz/corpus/$h/"
	done
	echo "corpus/$h: $(ls "$tmp/merged-$h" | wc -l) of $(ls "$tmp/seeds/$h" | wc -l) seeds kept"
done
