#!/usr/bin/env bash
# suite_against_ganesha.sh NFS41CHECK ROOT OUTDIR: the whole case set against a fresh nfs-ganesha
# (ci/ganesha) with its baseline. Fails when anything is worse than the baseline, when the JUnit
# report does not validate, or when tshark finds a malformed packet in a recorded capture.
set -euo pipefail
nfs41check=$1 root=$2 outdir=$3

rm -rf "$outdir"
mkdir -p "$outdir"
if ! out=$("$root/ci/ganesha" start --lease 20); then
	echo "suite: nfs-ganesha did not start" >&2
	exit 1
fi
eval "$out"
# shellcheck disable=SC2154 # port and state_dir come from ci/ganesha's output
trap '"$root/ci/ganesha" stop --state-dir "$state_dir" >/dev/null 2>&1 || true; rm -rf "$state_dir"' EXIT

rc=0
"$nfs41check" run --target "127.0.0.1:$port" --jobs 4 --no-progress \
	--baseline "$root/ci/baselines/ganesha-4.3" --report-dir "$outdir" \
	--record-pcap "$outdir/pcap" "$root/cases" || rc=$?
if [[ $rc -ne 0 ]]; then
	echo "suite: nfs41check exited $rc against nfs-ganesha (worse than ci/baselines/ganesha-4.3)" >&2
	exit 1
fi

xmllint --noout --schema "$root/reports/tests/junit.xsd" "$outdir/junit.xml"

shopt -s nullglob
pcaps=("$outdir"/pcap/*.pcap)
if [[ ${#pcaps[@]} -eq 0 ]]; then
	echo "suite: --record-pcap wrote no capture" >&2
	exit 1
fi
for f in "${pcaps[@]}"; do
	bad=$(tshark -r "$f" -d "tcp.port==$port,rpc" -o tcp.check_checksum:TRUE \
		-Y '_ws.malformed || _ws.expert.severity >= error' -T fields -e frame.number)
	if [[ -n $bad ]]; then
		echo "suite: $f: tshark flags frames $bad" >&2
		exit 1
	fi
done
echo "suite: ${#pcaps[@]} recorded captures decode cleanly in tshark"
