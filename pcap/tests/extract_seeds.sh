#!/usr/bin/env bash
# extract_seeds.sh NFS41CHECK CAPTURE: `nfs41check pcap extract` writes one seed per distinct
# call (option byte 0x01, then the record, whose xid and message type are the call's), writes
# nothing the second time, adds the replies with --replies, and refuses a missing --corpus.
set -euo pipefail
nfs41check=$1 cap=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
out=$("$nfs41check" pcap extract "$cap" --corpus "$dir/seeds")
calls=$(ls "$dir/seeds" | grep -c '^call-')
[[ $out == "$calls seeds written to $dir/seeds, 0 already there"* && $calls -gt 0 ]] ||
	{ echo "first extract: '$out', $calls call seeds" >&2; exit 1; }
for f in "$dir"/seeds/call-*; do
	head=$(od -An -tx1 -N9 "$f" | tr -d ' \n')
	[[ ${head:0:2} == 01 && ${head:10:8} == 00000000 ]] ||
		{ echo "$f: not an option byte 01 and an RPC call header: $head" >&2; exit 1; }
done
again=$("$nfs41check" pcap extract "$cap" --corpus "$dir/seeds")
[[ $again == "0 seeds written to $dir/seeds, $calls already there"* ]] ||
	{ echo "second extract: '$again'" >&2; exit 1; }
"$nfs41check" pcap extract "$cap" --corpus "$dir/seeds" --replies >/dev/null
replies=$(ls "$dir/seeds" | grep -c '^reply-')
[[ $replies -gt 0 ]] || { echo "--replies wrote no reply seeds" >&2; exit 1; }
rc=0
"$nfs41check" pcap extract "$cap" 2>/dev/null || rc=$?
[[ $rc -eq 64 ]] || { echo "extract without --corpus: exit $rc, want 64" >&2; exit 1; }
echo "extract: $calls call seeds, $replies reply seeds"
