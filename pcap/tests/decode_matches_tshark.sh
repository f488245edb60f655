#!/usr/bin/env bash
# decode_matches_tshark.sh NFS41CHECK SHARED_PCAPS_DIR: `nfs41check pcap decode --tsv` of every
# shared capture must equal, row for row, the tshark decode stored beside it (*.tshark.tsv:
# frame, stream, ports, xid, call/reply, minor version, opcodes, statuses). Also: the text and
# JSON forms list the same number of messages, and --strict finds nothing to complain about.
set -euo pipefail
nfs41check=$1 dir=$2
n=0
for tsv in "$dir"/*.tshark.tsv; do
	cap=${tsv%.tshark.tsv}.pcap
	[[ -f $cap ]] || { echo "no capture beside $tsv" >&2; exit 1; }
	ours=$("$nfs41check" pcap decode --tsv --strict "$cap")
	if ! diff <(tr -d '\r' <"$tsv") <(printf '%s\n' "$ours") >/dev/null; then
		echo "$cap: decode differs from tshark's ($tsv):" >&2
		diff <(tr -d '\r' <"$tsv") <(printf '%s\n' "$ours") | head -20 >&2
		exit 1
	fi
	rows=$(($(wc -l <"$tsv") - 1))
	text=$("$nfs41check" pcap decode "$cap" | wc -l)
	json=$("$nfs41check" pcap decode --json "$cap" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["messages"]))')
	if [[ $text -ne $rows || $json -ne $rows ]]; then
		echo "$cap: $rows messages in tshark's decode, $text lines in ours, $json in the JSON" >&2
		exit 1
	fi
	n=$((n + 1))
done
[[ $n -ge 2 ]] || { echo "expected the two shared captures in $dir, found $n" >&2; exit 1; }
echo "decode equals tshark on $n captures"
