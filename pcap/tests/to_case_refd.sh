#!/usr/bin/env bash
# to_case_refd.sh NFS41CHECK NFS41REFD SHARED_PCAPS_DIR: `nfs41check pcap to-case` turns each
# shared capture into a case file that `nfs41check check` accepts, with a send per call and an
# expect per reply; the session-lifecycle capture's case passes against nfs41refd (its ids
# remapped: the refd hands out other client and session ids than the captured ganesha did).
set -euo pipefail
nfs41check=$1 nfs41refd=$2 dir=$3
tmp=$(mktemp -d)
pid=
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
for cap in "$dir"/*.pcap; do
	name=$(basename "$cap" .pcap)
	"$nfs41check" pcap to-case "$cap" -o "$tmp/$name.case" 2>"$tmp/$name.err"
	"$nfs41check" check "$tmp/$name.case" >/dev/null
	calls=$(grep -c '^c[0-9]* > @x' "$tmp/$name.case")
	expects=$(grep -c '^c[0-9]* < @x' "$tmp/$name.case")
	msgs=$("$nfs41check" pcap decode "$cap" | wc -l)
	[[ $((calls + expects)) -eq $msgs ]] ||
		{ echo "$name: $calls sends + $expects expects for $msgs messages" >&2; exit 1; }
	grep -q "^$calls calls, $expects replies" "$tmp/$name.err" ||
		{ echo "$name: summary: $(cat "$tmp/$name.err")" >&2; exit 1; }
done
"$nfs41refd" --port 0 --lease 20 >"$tmp/refd.out" 2>"$tmp/refd.log" &
pid=$!
for _ in $(seq 100); do grep -q '^port=' "$tmp/refd.out" && break; sleep 0.05; done
port=$(sed -n 's/^port=//p' "$tmp/refd.out")
"$nfs41check" run --target "127.0.0.1:$port" --no-progress "$tmp/ganesha-session-lifecycle.case" ||
	{ echo "the lifecycle capture's case fails against nfs41refd" >&2; exit 1; }
echo "to-case: both captures convert and parse; the lifecycle case passes against nfs41refd"
