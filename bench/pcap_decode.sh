#!/usr/bin/env bash
# pcap_decode.sh [--json FILE] [--best-of N] NFS41CHECK NFS41REFD [RUNS]: decode rate of
# `nfs41check pcap decode` against tshark on the same large capture, as RPC messages per second
# and a ratio. The capture is the whole case catalogue recorded against nfs41refd (`run
# --record-pcap`), merged into one file (mergecap) and repeated RUNS times (default 20, at most
# 127) so the run lasts long enough to time. Each repetition is moved to other IPv4 addresses
# (copy k: a.b.c.d becomes (a-k).b.(c+k).d, which keeps every IP and TCP checksum valid): the
# recorded connections have deterministic ports and initial sequence numbers, so plain copies
# would repeat the same connections and tshark would take every copy after the first as
# retransmissions and not dissect it. Both tools print one line per RPC message; the best of N
# runs counts (default 3). --json FILE also writes the figures as one JSON object (ci/bench
# reads it). A benchmark, not a test: use a Release build.
set -euo pipefail
json='' best_of=3 args=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--json) json=${2:?--json needs a file} && shift ;;
	--best-of) best_of=${2:?--best-of needs a count} && shift ;;
	-h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' && exit 0 ;;
	-*) echo "pcap_decode.sh: unknown option $1" >&2 && exit 64 ;;
	*) args+=("$1") ;;
	esac
	shift
done
if [[ ${#args[@]} -lt 2 || ${#args[@]} -gt 3 ]]; then
	echo "usage: pcap_decode.sh [--json FILE] [--best-of N] NFS41CHECK NFS41REFD [RUNS]" >&2
	exit 64
fi
nfs41check=${args[0]} refd=${args[1]} runs=${args[2]:-20}
if [[ ! $runs =~ ^[0-9]+$ ]] || ((runs < 1 || runs > 127)); then
	echo "pcap_decode.sh: RUNS is 1..127 (copy k moves addresses by k), not '$runs'" >&2
	exit 64
fi
if [[ ! $best_of =~ ^[0-9]+$ ]] || ((best_of < 1 || best_of > 20)); then
	echo "pcap_decode.sh: --best-of is 1..20, not '$best_of'" >&2
	exit 64
fi
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
pid=
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

"$refd" --port 0 --lease 5 >"$tmp/refd.out" 2>"$tmp/refd.log" &
pid=$!
for _ in $(seq 100); do grep -q '^port=' "$tmp/refd.out" && break; sleep 0.05; done
port=$(sed -n 's/^port=//p' "$tmp/refd.out")
[[ -n $port ]] || { echo "nfs41refd did not start:" >&2; cat "$tmp/refd.log" >&2; exit 1; }
"$nfs41check" run --target "127.0.0.1:$port" --jobs 8 --no-progress --without hooks \
	--record-pcap "$tmp/pcap" "$root/cases" >/dev/null 2>&1 || true
kill "$pid"
pid=
mergecap -F pcap -w "$tmp/one.pcap" "$tmp"/pcap/*.pcap
# RUNS copies of one.pcap (Ethernet, as the engine records), copy k on its own addresses.
perl -e '
	my ($in, $out, $runs) = @ARGV;
	open(my $fh, "<:raw", $in) or die "$in: $!\n";
	my $d = do { local $/; <$fh> };
	my $u = unpack("V", $d) == 0xa1b2c3d4 || unpack("V", $d) == 0xa1b23c4d ? "V" : "N";
	die "$in: not a pcap file\n" unless grep { unpack($u, $d) == $_ } 0xa1b2c3d4, 0xa1b23c4d;
	die "$in: not Ethernet\n" unless unpack($u, substr($d, 20, 4)) == 1;
	open(my $o, ">:raw", $out) or die "$out: $!\n";
	print $o substr($d, 0, 24);
	for my $k (0 .. $runs - 1) {
		for (my $at = 24; $at + 16 <= length $d; ) {
			my $len = unpack($u, substr($d, $at + 8, 4));
			my $f = substr($d, $at + 16, $len);
			if ($k && $len >= 34 && substr($f, 12, 2) eq "\x08\x00") {
				for my $ip (26, 30) {
					my @b = unpack("C4", substr($f, $ip, 4));
					substr($f, $ip, 4) = pack("C4", $b[0] - $k, $b[1], $b[2] + $k, $b[3])
						if $b[0] >= $k && $b[2] + $k <= 255;
				}
			}
			print $o substr($d, $at, 16), $f;
			$at += 16 + $len;
		}
	}
	close($o) or die "$out: $!\n";
' "$tmp/one.pcap" "$tmp/big.pcap" "$runs"
size=$(du -h "$tmp/big.pcap" | cut -f1)
bytes=$(stat -c %s "$tmp/big.pcap")

best() { # best wall time of best_of runs of "$@" (stdout to /dev/null), in seconds
	local b='' i
	for ((i = 0; i < best_of; i++)); do
		local s e
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
		e=$(date +%s.%N)
		b=$(awk -v b="$b" -v t="$(awk -v s="$s" -v e="$e" 'BEGIN{print e-s}')" \
			'BEGIN{print (b=="" || t<b) ? t : b}')
	done
	echo "$b"
}
# Counting runs: the catalogue's malformed-message cases make warnings (stderr) on purpose.
msgs=$("$nfs41check" pcap decode --port "$port" "$tmp/big.pcap" 2>/dev/null | wc -l)
tmsgs=$(tshark -r "$tmp/big.pcap" -d "tcp.port==$port,rpc" -Y rpc -T fields -e frame.number \
	2>/dev/null | wc -l)
ours=$(best "$nfs41check" pcap decode --port "$port" "$tmp/big.pcap")
theirs=$(best tshark -r "$tmp/big.pcap" -d "tcp.port==$port,rpc" -Y rpc -T fields \
	-e frame.number -e tcp.stream -e rpc.xid -e rpc.msgtyp -e nfs.opcode -e nfs.nfsstat4)
awk -v m="$msgs" -v tm="$tmsgs" -v o="$ours" -v t="$theirs" -v size="$size" 'BEGIN {
	printf "capture: the case catalogue recorded against nfs41refd, x'"$runs"' (%s, %d RPC messages; tshark counts %d)\n", size, m, tm
	printf "nfs41check pcap decode: %.2f s, %.0f messages/s\n", o, m / o
	printf "tshark -Y rpc -T fields: %.2f s, %.0f messages/s\n", t, tm / t
	printf "ratio: %.1fx\n", (m / o) / (tm / t)
}'
[[ -z $json ]] && exit 0
tversion=$(tshark --version 2>/dev/null | sed -n '1{s/[^[:alnum:] ._()+-]//g;p;q}' || true)
awk -v m="$msgs" -v tm="$tmsgs" -v o="$ours" -v t="$theirs" -v runs="$runs" -v bytes="$bytes" \
	-v best="$best_of" -v tv="$tversion" 'BEGIN {
	printf "{\"capture\": {\"description\": \"the case catalogue recorded against nfs41refd, repeated\", "
	printf "\"copies\": %d, \"bytes\": %d, \"rpc_messages\": %d, \"tshark_rpc_messages\": %d},\n", runs, bytes, m, tm
	printf " \"best_of\": %d,\n", best
	printf " \"nfs41check\": {\"seconds\": %.4f, \"messages_per_s\": %.0f},\n", o, m / o
	printf " \"tshark\": {\"seconds\": %.4f, \"messages_per_s\": %.0f, \"version\": \"%s\"},\n", t, tm / t, tv
	printf " \"ratio\": %.3f}\n", (m / o) / (tm / t)
}' >"$json"
