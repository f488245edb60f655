#!/bin/sh
# update_corpus.sh - regenerate fuzz/corpus/* from the shared captures with make_seeds, keeping only
# the seeds libFuzzer's -merge=1 finds adding coverage (under their descriptive names).
#   usage: fuzz/tools/update_corpus.sh BUILD-DIR [PCAP-DIR [RECORDINGS-DIR]]
# BUILD-DIR is a clang build with -DNFS41_LIBFUZZER=ON (it has make_seeds and the fuzzers).
# RECORDINGS-DIR: engine recordings of the case catalogue against nfs41refd, which give most sm
# seeds (`nfs41check run --record-pcap DIR ... cases`, see build/notes/helper-common.md); PCAP-DIR
# may be "" for the shared captures. TARGETS (environment) limits the corpora rewritten, e.g.
# TARGETS=sm; the default is every target make_seeds writes.
set -eu
build=$1
fuzz=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$build/fuzz/make_seeds" "$tmp/seeds" "${2:-}" ${3:+"$3"}
for h in ${TARGETS:-compound recmark sm}; do
	mkdir "$tmp/merged-$h"
	"$build/fuzz/fuzz_$h" -merge=1 "$tmp/merged-$h" "$tmp/seeds/$h" \
		2>"$tmp/merge-$h.log" || { cat "$tmp/merge-$h.log"; exit 1; }
	find "$fuzz/corpus/$h" -type f ! -name 'README*' -delete
	for f in "$tmp/seeds/$h"/*; do
		sum=$(sha1sum <"$f" | cut -c1-40)
		[ -e "$tmp/merged-$h/$sum" ] && cp "$f" "$fuzz/corpus/$h/"
	done
	echo "corpus/$h: $(ls "$tmp/merged-$h" | wc -l) of $(ls "$tmp/seeds/$h" | wc -l) seeds kept"
done
