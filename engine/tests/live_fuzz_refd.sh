#!/usr/bin/env bash
# live_fuzz_refd.sh NFS41CHECK NFS41REFD SRCDIR OUTDIR: `nfs41check fuzz` against a live server.
#  1. its own nfs41refd (--port 0): 3000 inputs with --seed 1 must find nothing (exit 0) and
#     print a summary; the same seed again sends the same inputs (same class counts);
#  2. a deliberately bad server (live_fuzz_proxy.py: nfs41refd behind a proxy that appends
#     bytes to every GARBAGE_ARGS reply): exit 1 with a finding file, whose --replay
#     reproduces it (exit 1) and whose case file parses; 2b. the proxy breaking the reply
#     stream itself after every 40th reply: a malformed-reply finding, and the run ends by itself;
#  3. usage errors exit 64, an unreachable target exits 2.
# Every process started here is stopped by its PID at the end.
set -euo pipefail
nfs41check=$1 nfs41refd=$2 srcdir=$3 outdir=$4

rm -rf "$outdir"
mkdir -p "$outdir"
refd_pid= proxy_pid=
cleanup() {
	[[ -n $proxy_pid ]] && kill "$proxy_pid" 2>/dev/null || true
	[[ -n $refd_pid ]] && kill "$refd_pid" 2>/dev/null || true
}
trap cleanup EXIT
fail() { echo "live_fuzz_refd: $*" >&2; exit 1; }

# start_refd NAME: a fresh nfs41refd on a free port; sets refd_pid and port.
start_refd() {
	"$nfs41refd" --port 0 --lease 5 >"$outdir/$1.out" 2>"$outdir/$1.log" &
	refd_pid=$!
	for _ in $(seq 200); do
		grep -q '^port=' "$outdir/$1.out" 2>/dev/null && break
		sleep 0.05
	done
	port=$(sed -n 's/^port=//p' "$outdir/$1.out")
	[[ -n $port ]] || fail "nfs41refd did not start: $(cat "$outdir/$1.log")"
}

# start_proxy MODE: live_fuzz_proxy.py in front of nfs41refd on $port; sets proxy_pid and pport.
start_proxy() {
	rm -f "$outdir/proxy-$1.port"
	python3 "$srcdir/engine/tests/live_fuzz_proxy.py" "$port" "$outdir/proxy-$1.port" "$1" &
	proxy_pid=$!
	for _ in $(seq 200); do
		[[ -s $outdir/proxy-$1.port ]] && break
		sleep 0.05
	done
	pport=$(cat "$outdir/proxy-$1.port")
}

start_refd refd

# 1. a good server: no findings, a summary, the same inputs for the same seed
for run in 1 2; do
	rc=0
	"$nfs41check" fuzz --target "127.0.0.1:$port" --count 3000 --seed 1 --time 50 \
		--out "$outdir/findings-good" --no-progress >"$outdir/good$run.out" 2>"$outdir/good$run.err" || rc=$?
	cat "$outdir/good$run.out"
	[[ $rc -eq 0 ]] || fail "run $run against nfs41refd: exit $rc, want 0 (no findings): $(cat "$outdir/good$run.err")"
	grep -q '^inputs  *3000 in' "$outdir/good$run.out" || fail "run $run: no summary with 3000 inputs"
	grep -q '^findings  *0 ' "$outdir/good$run.out" || fail "run $run: findings reported"
done
[[ "$(grep '^inputs' "$outdir/good1.out" | sed 's/.*by class://')" == \
   "$(grep '^inputs' "$outdir/good2.out" | sed 's/.*by class://')" ]] ||
	fail "the same seed gave different inputs"
kill "$refd_pid"; wait "$refd_pid" 2>/dev/null || true
refd_pid=

# 2. a bad server: a proxy in front of a fresh nfs41refd that garbles GARBAGE_ARGS replies
start_refd refd2
start_proxy garbage-args
rc=0
"$nfs41check" fuzz --target "127.0.0.1:$pport" --count 1000 --seed 1 --time 40 --max-findings 2 \
	--out "$outdir/findings-bad" --no-progress >"$outdir/bad.out" 2>"$outdir/bad.err" || rc=$?
cat "$outdir/bad.out"
[[ $rc -eq 1 ]] || fail "against the bad server: exit $rc, want 1: $(cat "$outdir/bad.err")"
nfz=$(ls "$outdir"/findings-bad/finding-001-*.nfz 2>/dev/null | head -1)
[[ -n $nfz ]] || fail "no finding file written"
grep -q '^finding malformed-reply' "$nfz" || fail "$nfz: not the malformed reply"
rc=0
"$nfs41check" fuzz --replay "$nfz" --target "127.0.0.1:$pport" >"$outdir/replay.out" 2>&1 || rc=$?
cat "$outdir/replay.out"
[[ $rc -eq 1 ]] || fail "--replay $nfz: exit $rc, want 1 (reproduced)"
"$nfs41check" check "${nfz%.nfz}.case" || fail "the finding's case file does not parse"

# 2b. a server whose reply stream breaks after a well-formed reply (an impossible fragment header
#     after every 40th reply): a malformed-reply finding, and the run still ends by itself
kill "$proxy_pid"; wait "$proxy_pid" 2>/dev/null || true
start_proxy break-stream
rc=0
timeout 60 "$nfs41check" fuzz --target "127.0.0.1:$pport" --count 1000 --seed 1 --time 20 --max-findings 1 \
	--reply-timeout 2 --out "$outdir/findings-garbled" --no-progress >"$outdir/garbled.out" 2>"$outdir/garbled.err" || rc=$?
cat "$outdir/garbled.out"
[[ $rc -eq 1 ]] || fail "against a server whose reply stream breaks: exit $rc, want 1: $(cat "$outdir/garbled.err")"
grep -q 'malformed-reply: .*reply stream' "$outdir/garbled.out" || fail "the broken reply stream was not the finding"

# 3. usage and unreachable targets
rc=0; "$nfs41check" fuzz --count 10 >/dev/null 2>&1 || rc=$?
[[ $rc -eq 64 ]] || fail "no --target: exit $rc, want 64"
rc=0; "$nfs41check" fuzz --target 127.0.0.1:1 --count 0 >/dev/null 2>&1 || rc=$?
[[ $rc -eq 64 ]] || fail "--count 0: exit $rc, want 64"
rc=0; "$nfs41check" fuzz --target 127.0.0.1:1 --count 10 --reply-timeout 1 --out "$outdir/x" >/dev/null 2>&1 || rc=$?
[[ $rc -eq 2 ]] || fail "nothing listening: exit $rc, want 2"
"$nfs41check" fuzz --help | grep -q -- '--reply-timeout' || fail "--help"
echo "live_fuzz_refd: OK"
