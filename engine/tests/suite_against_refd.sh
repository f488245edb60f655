#!/usr/bin/env bash
# suite_against_refd.sh NFS41CHECK NFS41REFD ROOT OUTDIR: every case against the reference server
# with an EMPTY baseline (it has no excuses), in parallel, then a clean stop on SIGTERM.
set -euo pipefail
nfs41check=$1 nfs41refd=$2 root=$3 outdir=$4

rm -rf "$outdir"
mkdir -p "$outdir"
"$nfs41refd" --port 0 --lease 20 >"$outdir/refd.out" 2>"$outdir/refd.log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
	port=$(sed -n 's/^port=//p' "$outdir/refd.out")
	[[ -n $port ]] && break
	sleep 0.05
done
if [[ -z ${port:-} ]]; then
	echo "suite: nfs41refd did not start:" >&2
	cat "$outdir/refd.log" >&2
	exit 1
fi

rc=0
"$nfs41check" run --target "127.0.0.1:$port" --jobs 4 --no-progress --report-dir "$outdir" \
	"$root/cases" "$root"/docs/examples/*.case || rc=$?
if [[ $rc -ne 0 ]]; then
	echo "suite: nfs41check exited $rc against nfs41refd (the reference server must pass every case)" >&2
	tail -20 "$outdir/refd.log" >&2
	exit 1
fi

kill -TERM "$pid"
if ! wait "$pid"; then
	echo "suite: nfs41refd did not stop cleanly on SIGTERM:" >&2
	tail -20 "$outdir/refd.log" >&2
	exit 1
fi
trap - EXIT
echo "suite: every case passes against nfs41refd; it stopped cleanly"
