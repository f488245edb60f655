#!/usr/bin/env bash
# pcap_decode.sh NFS41CHECK NFS41REFD [RUNS]: decode rate of `nfs41check pcap decode` against
# tshark on the same large capture, as RPC messages per second and a ratio. The capture is the
# whole case catalogue recorded against nfs41refd (`run --record-pcap`), merged into one file
# (mergecap) and concatenated RUNS times (default 20) so the run lasts long enough to time.
# Both tools print one line per RPC message; the best of three runs counts. A benchmark, not a
# test: use a Release build.
set -euo pipefail
nfs41check=$1 refd=$2 runs=${3:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
pid=
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

"$refd" --port 0 --lease 5 >"$tmp/refd.out" 2>"$tmp/refd.log" &
pid=$!
for _ in $(seq 100); do grep -q '^port=' "$tmp/refd.out" && break; sleep 0.05; done
port=$(sed -n 's/^port=//p' "$tmp/refd.out")
"$nfs41check" run --target "127.0.0.1:$port" --jobs 4 --no-progress --without hooks \
	--record-pcap "$tmp/pcap" "$root/cases" >/dev/null 2>&1 || true
kill "$pid"
pid=
mergecap -F pcap -w "$tmp/one.pcap" "$tmp"/pcap/*.pcap
copies=()
for _ in $(seq "$runs"); do copies+=("$tmp/one.pcap"); done
mergecap -a -F pcap -w "$tmp/big.pcap" "${copies[@]}"
size=$(du -h "$tmp/big.pcap" | cut -f1)

best() { # best wall time of three runs of "$@" (stdout to /dev/null), in seconds
	local b=
	for _ in 1 2 3; do
		local s e
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		e=$(date +%s.%N)
		b=$(awk -v b="$b" -v t="$(awk -v s="$s" -v e="$e" 'BEGIN{print e-s}')" \
			'BEGIN{print (b=="" || t<b) ? t : b}')
	done
	echo "$b"
}
msgs=$("$nfs41check" pcap decode --port "$port" "$tmp/big.pcap" | wc -l)
tmsgs=$(tshark -r "$tmp/big.pcap" -d "tcp.port==$port,rpc" -Y rpc -T fields -e frame.number | wc -l)
ours=$(best "$nfs41check" pcap decode --port "$port" "$tmp/big.pcap")
theirs=$(best tshark -r "$tmp/big.pcap" -d "tcp.port==$port,rpc" -Y rpc -T fields \
	-e frame.number -e tcp.stream -e rpc.xid -e rpc.msgtyp -e nfs.opcode -e nfs.nfsstat4)
awk -v m="$msgs" -v tm="$tmsgs" -v o="$ours" -v t="$theirs" -v size="$size" 'BEGIN {
	printf "capture: the case catalogue recorded against nfs41refd, x'"$runs"' (%s, %d RPC messages; tshark counts %d)\n", size, m, tm
	printf "nfs41check pcap decode: %.2f s, %.0f messages/s\n", o, m / o
	printf "tshark -Y rpc -T fields: %.2f s, %.0f messages/s\n", t, tm / t
	printf "ratio: %.1fx\n", (m / o) / (tm / t)
}'
