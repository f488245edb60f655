#!/usr/bin/env bash
# load_refd.sh NFS41CHECK NFS41REFD BENCH_ECHO OUTDIR: `nfs41check load` end to end.
#  1. against its own nfs41refd, every mix for a short run: exit 0, no error, compounds
#     counted, quantiles in order, the JSON result complete; --max-compounds stops at the count;
#     --hold-sessions leaves the sessions open (nfs41refd's admin API counts them);
#  2. against bench_echo: --raw runs clean; without --raw the replies are not NFS and every
#     one is an error (exit 1 naming the first);
#  3. against a listener that never answers: exit 1 with "no reply" after --reply-timeout;
#  4. usage errors exit 64 (a non-loopback target among them), an unreachable target exits 2.
# Every process started here is stopped by its PID at the end.
set -euo pipefail
nfs41check=$1 nfs41refd=$2 bench_echo=$3 outdir=$4

rm -rf "$outdir"
mkdir -p "$outdir"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
fail() { echo "load_refd: $*" >&2; exit 1; }

# wait_port FILE: the port=P line a server printed.
wait_port() {
	for _ in $(seq 200); do
		grep -q '^port=' "$1" 2>/dev/null && break
		sleep 0.05
	done
	sed -n 's/^port=//p' "$1"
}

# expect_rc WANT NAME ARGS...: run nfs41check load, output to OUTDIR/NAME.{out,err}.
expect_rc() {
	local want=$1 name=$2 rc=0
	shift 2
	"$nfs41check" load "$@" >"$outdir/$name.out" 2>"$outdir/$name.err" || rc=$?
	[[ $rc -eq $want ]] || fail "$name: exit $rc, expected $want: $(cat "$outdir/$name.out" "$outdir/$name.err")"
}

# json_check FILE PYTHON-EXPR: the expression over the JSON object r must hold.
json_check() {
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" || fail "$1: not true: $2 ($(cat "$1"))"
}

tok=$outdir/token
echo "load-test-$RANDOM$RANDOM" >"$tok"
"$nfs41refd" --port 0 --lease 30 --admin-port auto --set admin_token_file="$tok" \
	>"$outdir/refd.out" 2>"$outdir/refd.log" &
pids+=($!)
port=$(wait_port "$outdir/refd.out")
admin_port=$(sed -n 's/^admin_port=//p' "$outdir/refd.out")
[[ -n $port ]] || fail "nfs41refd did not start: $(cat "$outdir/refd.log")"

# 1. every mix
for mix in sequence getattr cachethis replay; do
	expect_rc 0 "mix-$mix" --target "127.0.0.1:$port" --mix "$mix" --connections 2 --slots 4 \
		--duration 0.5 --json "$outdir/$mix.json"
	json_check "$outdir/$mix.json" "r['mix'] == '$mix' and r['errors'] == 0 and r['compounds'] > 100 \
and r['slots_granted'] == 4 and r['connections'] == 2 and r['compounds_per_s'] > 0 \
and 0 < r['latency_ms']['min'] <= r['latency_ms']['p50'] <= r['latency_ms']['p90'] \
<= r['latency_ms']['p99'] <= r['latency_ms']['p999'] <= r['latency_ms']['max'] \
and sum(b['count'] for b in r['histogram']) == r['compounds'] and r['reply_bytes'] > 0"
	grep -q "compounds .*errors 0" "$outdir/mix-$mix.out" || fail "mix $mix: no summary line"
done
expect_rc 0 max-compounds --target "127.0.0.1:$port" --slots 16 --duration 60 --max-compounds 1000 \
	--json "$outdir/max.json"
json_check "$outdir/max.json" "r['compounds'] == 1000 and r['duration_s'] < 30"

# A client destroyed under the load (nfs41refd's admin API): its calls get BADSESSION, exit 1.
"$nfs41check" load --target "127.0.0.1:$port" --duration 20 --slots 4 >"$outdir/destroyed.out" 2>&1 &
load_pid=$!
ids=
for _ in $(seq 100); do # its client, once the load has set it up (slow under sanitizers)
	ids=$(curl -sf "http://127.0.0.1:$admin_port/api/v1/clients" | python3 -c 'import json, sys
print(" ".join(c["clientid"] for c in json.load(sys.stdin)["clients"]
               if c["owner"].startswith("nfs41check-load") and c["sessions"] > 0))')
	[[ -n $ids ]] && break
	sleep 0.1
done
[[ -n $ids ]] || fail "destroyed client: the load's client never appeared"
sleep 0.2
for id in $ids; do
	curl -sf -X DELETE -H "Authorization: Bearer $(cat "$tok")" "http://127.0.0.1:$admin_port/api/v1/clients/$id" >/dev/null
done
rc=0
wait "$load_pid" || rc=$?
if [[ $rc -ne 1 ]] || ! grep -q "first error .*SEQUENCE NFS4ERR_BADSESSION" "$outdir/destroyed.out"; then
	fail "destroyed client: exit $rc: $(cat "$outdir/destroyed.out")"
fi

# --hold-sessions: the sessions stay on the server, each slot with a cached reply (its /metrics).
metric() {
	curl -sf -H "Authorization: Bearer $(cat "$tok")" "http://127.0.0.1:$admin_port/metrics" |
		awk -v m="$1" '$1 == m { print $2 }'
}
before=$(metric nfs41refd_sessions_active) cache_before=$(metric nfs41refd_reply_cache_bytes)
expect_rc 0 hold --target "127.0.0.1:$port" --hold-sessions 25 --slots 8 --json "$outdir/hold.json"
json_check "$outdir/hold.json" "r['mode'] == 'hold-sessions' and r['sessions'] == 25 and r['compounds'] == 200"
after=$(metric nfs41refd_sessions_active) cache_after=$(metric nfs41refd_reply_cache_bytes)
[[ $((after - before)) -eq 25 ]] || fail "hold-sessions: the server has $before then $after sessions"
# 200 cached SEQUENCE+PUTROOTFH+GETATTR replies of more than 100 bytes each
[[ $((${cache_after%.*} - ${cache_before%.*})) -gt 20000 ]] ||
	fail "hold-sessions: reply cache $cache_before -> $cache_after bytes"

# 2. bench_echo: the transport floor, and replies that are not NFS
"$bench_echo" --port 0 --reply-bytes 160 --seconds 60 >"$outdir/echo.out" 2>&1 &
pids+=($!)
echo_port=$(wait_port "$outdir/echo.out")
[[ -n $echo_port ]] || fail "bench_echo did not start: $(cat "$outdir/echo.out")"
expect_rc 0 raw --target "127.0.0.1:$echo_port" --raw --slots 8 --duration 0.5 --json "$outdir/raw.json"
json_check "$outdir/raw.json" "r['raw'] and r['errors'] == 0 and r['compounds'] > 100 and r['reply_bytes'] == 160"
expect_rc 2 not-nfs --target "127.0.0.1:$echo_port" --duration 0.3
grep -q "EXCHANGE_ID: NFS4_OK with 0 results" "$outdir/not-nfs.err" || fail "not-nfs: $(cat "$outdir/not-nfs.err")"

# 3. a server that accepts and reads but never answers
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(4)
print("port=%d" % s.getsockname()[1], flush=True)
c, _ = s.accept(); end = time.time() + 30
while time.time() < end and c.recv(65536): pass' >"$outdir/silent.out" &
pids+=($!)
silent_port=$(wait_port "$outdir/silent.out")
expect_rc 1 silent --target "127.0.0.1:$silent_port" --raw --duration 5 --reply-timeout 0.5
grep -q "no reply within 0.5 s" "$outdir/silent.out" || fail "silent: $(cat "$outdir/silent.out")"

# 4. usage and unreachable targets
expect_rc 64 non-loopback --target 192.0.2.1:2049
grep -q "not a loopback address" "$outdir/non-loopback.err" || fail "non-loopback: $(cat "$outdir/non-loopback.err")"
expect_rc 64 bad-mix --target "127.0.0.1:$port" --mix open
expect_rc 64 bad-slots --target "127.0.0.1:$port" --slots 0
expect_rc 64 no-target --mix getattr
expect_rc 0 help --help
grep -q -- "--hold-sessions" "$outdir/help.out" || fail "help text lacks --hold-sessions"
kill "${pids[0]}"
wait "${pids[0]}" 2>/dev/null || true
expect_rc 2 unreachable --target "127.0.0.1:$port" --duration 0.3
grep -q "connection 1:" "$outdir/unreachable.err" || fail "unreachable: $(cat "$outdir/unreachable.err")"
echo "load_refd: all checks passed"
