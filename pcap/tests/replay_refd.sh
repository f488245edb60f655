#!/usr/bin/env bash
# replay_refd.sh NFS41CHECK NFS41REFD ROOT SHARED_PCAPS_DIR: `nfs41check pcap replay` against
# nfs41refd.
#  - Both shared captures (nfs-ganesha's traffic) replay with every difference explained by
#    ci/baselines/replay-nfs41refd, and without it the differences are reported and exit 1.
#  - A capture cut to start inside a session replays with a session of the replay's own.
#  - What the engine records (--record-pcap) replays against the same server with every reply
#    agreeing: retransmissions, several connections, closes, undecodable ops, lease expiry.
#  - Reports, a stale baseline entry, an unreachable target and a garbage file.
set -euo pipefail
nfs41check=$1 refd=$2 root=$3 shared=$4
tmp=$(mktemp -d)
pid=
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "replay_refd: $*" >&2; exit 1; }

"$refd" --port 0 --lease 3 >"$tmp/refd.out" 2>"$tmp/refd.log" &
pid=$!
for _ in $(seq 100); do grep -q '^port=' "$tmp/refd.out" && break; sleep 0.05; done
port=$(sed -n 's/^port=//p' "$tmp/refd.out")
target=127.0.0.1:$port
errors=$shared/ganesha-pynfs-session-errors.pcap
lifecycle=$shared/ganesha-session-lifecycle.pcap
baseline=$root/ci/baselines/replay-nfs41refd

# 1. The shared captures, with the baseline: green, every difference an XFAIL with its reason.
"$nfs41check" pcap replay "$errors" --target "$target" --baseline "$baseline" \
	--report-dir "$tmp/reports" >"$tmp/errors.out" || { cat "$tmp/errors.out"; fail "errors capture"; }
grep -q '^147 replies compared: 128 agree, 19 differ (0 without a live reply)' "$tmp/errors.out" ||
	{ cat "$tmp/errors.out"; fail "errors capture: not 128 agreeing and 19 baselined replies"; }
grep -q '^XFAIL: 19, XPASS: 0, ERROR: 0$' "$tmp/errors.out" || fail "errors capture: XFAIL count"
xmllint --noout --schema "$root/reports/tests/junit.xsd" "$tmp/reports/junit.xml"
grep -q 'tests="147"' "$tmp/reports/junit.xml" || fail "junit.xml: not 147 tests"
"$nfs41check" pcap replay "$lifecycle" --target "$target" -v >"$tmp/lifecycle.out" ||
	{ cat "$tmp/lifecycle.out"; fail "lifecycle capture differs"; }
[[ $(grep -c '^agree  frame' "$tmp/lifecycle.out") -eq 12 ]] || fail "lifecycle: not 12 agreeing lines"

# 2. The replay can fail: without the baseline, and with a field unmasked.
rc=0
"$nfs41check" pcap replay "$errors" --target "$target" >"$tmp/nobase.out" || rc=$?
[[ $rc -eq 1 ]] || fail "differences without a baseline must exit 1, got $rc"
grep -q '^FAIL  ganesha-pynfs-session-errors-f16: status: captured NFS4_OK, live NFS4ERR_NOTSUPP$' \
	"$tmp/nobase.out" || fail "no FAIL line for frame 16"
grep -q '^    ! op\[3\].CREATE.status  *NFS4_OK  *NFS4ERR_NOTSUPP$' "$tmp/nobase.out" ||
	fail "no side-by-side row for CREATE's status"
rc=0
"$nfs41check" pcap replay "$lifecycle" --target "$target" --unmask eir_flags.server \
	>"$tmp/unmask.out" || rc=$?
[[ $rc -eq 1 ]] && grep -q 'eir_flags.server: captured .*SUPP_MOVED_REFER|EXCHGID4_FLAG_USE_NON_PNFS, live EXCHGID4_FLAG_USE_NON_PNFS$' "$tmp/unmask.out" ||
	{ cat "$tmp/unmask.out"; fail "--unmask eir_flags.server: ganesha's referral flag not reported"; }

# 3. A capture that starts inside a session (EXCHANGE_ID and CREATE_SESSION cut away).
editcap -r "$lifecycle" "$tmp/mid-session.pcap" 12-100
"$nfs41check" pcap replay "$tmp/mid-session.pcap" --target "$target" >"$tmp/mid.out" ||
	{ cat "$tmp/mid.out"; fail "mid-session capture differs"; }
grep -q ', 1 sessions and 0 clients of its own)' "$tmp/mid.out" || fail "mid-session: no own session"
grep -q '^9 replies compared: 9 agree' "$tmp/mid.out" || fail "mid-session: not 9 agreeing replies"

# 4. The engine's recordings replay against the server they were recorded from.
"$nfs41check" run --target "$target" --jobs 4 --no-progress --record-pcap "$tmp/rec" \
	"$root/cases/sequence" "$root/cases/bind_conn_to_session" "$root/cases/compound" \
	"$root/cases/rpc" "$root/cases/lease/expired-replay.case" >"$tmp/run.out" ||
	{ cat "$tmp/run.out"; fail "the recorded cases fail against nfs41refd"; }
replayed=0 retrans=0
for f in "$tmp"/rec/*.pcap; do
	out=$("$nfs41check" pcap replay "$f" --target "$target" --port "$port" --timeout 2 -q) ||
		{ echo "$out"; fail "$(basename "$f"): the recording does not replay"; }
	replayed=$((replayed + 1))
	[[ $out =~ \(([0-9]+)\ as\ retransmissions ]] && retrans=$((retrans + BASH_REMATCH[1]))
done
[[ $replayed -ge 120 && $retrans -gt 0 ]] ||
	fail "only $replayed recordings replayed ($retrans retransmissions)"

# 5. Errors: a stale baseline entry, an unreachable target, a garbage file, no calls to the
#    port, usage.
{ cat "$baseline"; echo "ganesha-pynfs-session-errors-f9999 FAIL CMP-04 s16.2.3 no such frame"; } \
	>"$tmp/stale"
"$nfs41check" pcap replay "$errors" --target "$target" --baseline "$tmp/stale" -q \
	>/dev/null 2>"$tmp/stale.err"
grep -q 'f9999: no such message in this capture (stale entry?)' "$tmp/stale.err" ||
	fail "a stale baseline entry is not reported"
rc=0
"$nfs41check" pcap replay "$lifecycle" --target 127.0.0.1:1 --timeout 1 2>"$tmp/refused.err" || rc=$?
[[ $rc -eq 2 ]] && grep -q 'nothing could be sent to 127.0.0.1:1' "$tmp/refused.err" ||
	fail "an unreachable target: exit $rc, $(cat "$tmp/refused.err")"
head -c 300 /dev/urandom >"$tmp/garbage.pcap"
rc=0
"$nfs41check" pcap replay "$tmp/garbage.pcap" --target "$target" 2>"$tmp/garbage.err" || rc=$?
[[ $rc -eq 2 ]] && grep -q "garbage.pcap" "$tmp/garbage.err" || fail "a garbage capture: exit $rc"
rc=0
"$nfs41check" pcap replay "$lifecycle" --target "$target" --port 2050 2>"$tmp/noport.err" || rc=$?
[[ $rc -eq 2 ]] && grep -q 'no NFS calls to port 2050' "$tmp/noport.err" ||
	fail "a capture without calls to the port: exit $rc, $(cat "$tmp/noport.err")"
rc=0
"$nfs41check" pcap replay "$lifecycle" 2>/dev/null || rc=$?
[[ $rc -eq 64 ]] || fail "no --target: exit $rc, not 64"
echo "replay: shared captures within the baseline, mid-session capture, $replayed recordings" \
	"($retrans retransmissions) replayed against nfs41refd"
