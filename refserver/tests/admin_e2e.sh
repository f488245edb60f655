#!/usr/bin/env bash
# admin_e2e.sh - the admin API, nfs41ctl and /metrics end to end against a live nfs41refd.
#
#   admin_e2e.sh NFS41REFD NFS41CHECK NFS41CTL CASE_FILE [PROMTOOL]
#
# Starts nfs41refd on a free NFS port and a free admin port (with a token file
# and the test hooks on), leaves a client and a session in place with
# nfs41check, then checks: nfs41ctl lists both with full ids (table, json,
# yaml); DELETE without a token or with a wrong one is 401; destroy without
# --yes off a terminal is refused; hooks work with the token; sessions destroy
# --yes with the token works and nfs41refd_sessions_active drops; clients
# destroy works; /metrics passes `promtool check metrics` (a missing promtool
# is a failure, not a skip). nfs41refd is stopped by its PID.
set -euo pipefail

refd=$1 check=$2 ctl=$3 case_file=$4 promtool=${5:-promtool}
work=$(mktemp -d /tmp/nfs41-admin-e2e.XXXXXX)
refd_pid=
cleanup() {
	if [[ -n $refd_pid ]] && kill -0 "$refd_pid" 2>/dev/null; then
		kill -TERM "$refd_pid" 2>/dev/null || true
		wait "$refd_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

fail() {
	echo "admin_e2e: FAIL: $*" >&2
	[[ -f $work/refd.err ]] && sed 's/^/  refd: /' "$work/refd.err" >&2
	exit 1
}
pass() { echo "admin_e2e: ok: $*"; }

command -v script >/dev/null || fail "script(1) (util-linux) not found"
command -v "$promtool" >/dev/null || fail "promtool ($promtool) not found: install the Debian package prometheus"

# HTTP over bash /dev/tcp (curl may be absent): http METHOD PATH [AUTH] -> "STATUS\nBODY"
http() {
	local method=$1 path=$2 auth=${3:-} line status
	exec 5<>"/dev/tcp/127.0.0.1/$admin_port"
	{
		printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 0\r\n' "$method" "$path"
		[[ -n $auth ]] && printf 'Authorization: %s\r\n' "$auth"
		printf '\r\n'
	} >&5
	IFS= read -r line <&5 || true
	status=$(echo "$line" | awk '{print $2}')
	echo "$status"
	cat <&5 | tr -d '\r' | sed '1,/^$/d'
	exec 5>&-
}

echo "s3cret-$RANDOM-$RANDOM" >"$work/token"
printf 'wrong-token\n' >"$work/wrong"

# Start nfs41refd with its admin API on a port it picks (admin_port=N on stdout).
"$refd" --port 0 --admin-port auto --set "admin_token_file=$work/token" \
	--set test_hooks=true >"$work/refd.out" 2>"$work/refd.err" &
refd_pid=$!
for _ in $(seq 1 100); do
	grep -q '^admin_port=' "$work/refd.out" 2>/dev/null && break
	kill -0 "$refd_pid" 2>/dev/null || break
	sleep 0.1
done
grep -q '^admin_port=' "$work/refd.out" || fail "nfs41refd did not start: $(cat "$work/refd.err")"
admin_port=$(sed -n 's/^admin_port=//p' "$work/refd.out")
nfs_port=$(sed -n 's/^port=//p' "$work/refd.out")
pass "nfs41refd pid $refd_pid, nfs port $nfs_port, admin port $admin_port"
ctl() { "$ctl" --admin "127.0.0.1:$admin_port" "$@"; }
active() { http GET /metrics | sed -n 's/^nfs41refd_sessions_active //p'; }

[[ $(active) == 0 ]] || fail "sessions_active not 0 at start"

# One client and one session, left in place when the case ends.
"$check" run --target "127.0.0.1:$nfs_port" --no-progress "$case_file" >"$work/check.out" 2>&1 ||
	{ cat "$work/check.out" >&2; fail "nfs41check run"; }
[[ $(active) == 1 ]] || fail "sessions_active is $(active) after the case, not 1"
pass "nfs41check left a session; sessions_active 1"

# clients list: table, json, yaml
ctl clients list >"$work/clients.txt" || fail "clients list"
cat "$work/clients.txt"
clientid=$(awk 'NR == 2 {print $1}' "$work/clients.txt")
[[ $clientid =~ ^[0-9a-f]{16}$ ]] || fail "clients list: no 16-hex client id in: $(cat "$work/clients.txt")"
grep -q "confirmed" "$work/clients.txt" || fail "client not confirmed"
ctl --format json clients list | grep -q "\"clientid\": \"$clientid\"" || fail "clients list --format json"
ctl --format yaml clients list | grep -q "clientid: \"$clientid\"" || fail "clients list --format yaml"
pass "clients list shows $clientid (table, json, yaml)"

# sessions list: the full 32-hex session id, a bound connection count, channel attributes
ctl sessions list --client "$clientid" >"$work/sessions.txt" || fail "sessions list"
cat "$work/sessions.txt"
sessionid=$(awk 'NR == 2 {print $1}' "$work/sessions.txt")
[[ $sessionid =~ ^[0-9a-f]{32}$ ]] || fail "sessions list: no 32-hex session id"
ctl --format json sessions list --client "$clientid" >"$work/sessions.json"
for k in "\"sessionid\": \"$sessionid\"" '"fore_channel"' '"max_requests"' '"back_channel"' \
	'"slots_in_use": 1' '"connections"' '"created_ms"' '"last_used_ms"'; do
	grep -q "$k" "$work/sessions.json" || fail "sessions list json lacks $k"
done
ctl --format yaml sessions list --client "$clientid" | grep -q "sessionid: \"$sessionid\"" ||
	fail "sessions list --format yaml"
pass "sessions list shows $sessionid"

# state changes without a token, with a wrong one: 401
url=/api/v1/clients/$clientid/sessions/$sessionid
out=$(http DELETE "$url")
[[ $(head -1 <<<"$out") == 401 ]] || fail "DELETE without a token: $out"
out=$(http DELETE "$url" "Bearer wrong-token")
[[ $(head -1 <<<"$out") == 401 ]] || fail "DELETE with a wrong token: $out"
if ctl --token-file "$work/wrong" --yes sessions destroy --client "$clientid" --session "$sessionid" 2>"$work/err"; then
	fail "nfs41ctl with a wrong token succeeded"
fi
grep -q "HTTP 401" "$work/err" || fail "nfs41ctl wrong token: $(cat "$work/err")"
# no --yes and no terminal: refused before any request
if ctl --token-file "$work/token" sessions destroy --client "$clientid" --session "$sessionid" </dev/null 2>"$work/err"; then
	fail "destroy without --yes off a terminal went ahead"
fi
grep -q "without --yes" "$work/err" || fail "no --yes message: $(cat "$work/err")"
# on a terminal (script(1) gives one), answering "n" keeps the session
printf 'n\n' | script -qec "$ctl --admin 127.0.0.1:$admin_port --token-file $work/token sessions destroy --client $clientid --session $sessionid" /dev/null >"$work/tty.out" 2>&1 &&
	fail "answering n on a terminal destroyed: $(cat "$work/tty.out")"
grep -q "destroy session $sessionid of client $clientid? \[y/N\]" "$work/tty.out" ||
	fail "no confirmation prompt: $(cat "$work/tty.out")"
[[ $(active) == 1 ]] || fail "the session went away without a valid token or a yes"
pass "401 without/with a wrong token; no --yes refused off a terminal; prompt on a terminal"

# test hooks (token needed)
out=$(http GET "/api/v1/hooks/target")
[[ $(head -1 <<<"$out") == 405 ]] || fail "GET hook: $out"
exec 5<>"/dev/tcp/127.0.0.1/$admin_port"
body="{\"sessionid\":\"$sessionid\",\"target\":0}"
printf 'POST /api/v1/hooks/target HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
	"$(cat "$work/token")" "${#body}" "$body" >&5
IFS= read -r line <&5
exec 5>&-
[[ $line == *" 200 "* ]] || fail "POST hooks/target: $line"
ctl --format json sessions list --client "$clientid" | grep -q '"target_highest_slotid": 0' ||
	fail "target hook not visible"
pass "hooks/target with the token"

# destroy with the token
ctl --token-file "$work/token" --yes sessions destroy --client "$clientid" --session "$sessionid" ||
	fail "sessions destroy --yes with the token"
[[ $(active) == 0 ]] || fail "sessions_active is $(active) after destroy, not 0"
http GET /metrics | grep -q '^nfs41refd_sessions_destroyed_total 1$' || fail "sessions_destroyed_total"
ctl sessions list --client "$clientid" | awk 'NR > 1' | grep -q . && fail "session still listed"
pass "sessions destroy: sessions_active 1 -> 0"

ctl --token-file "$work/token" --yes clients destroy --client "$clientid" || fail "clients destroy"
ctl clients list | grep -q "$clientid" && fail "client still listed"
if ctl sessions list --client "$clientid" 2>"$work/err"; then fail "sessions of a destroyed client"; fi
grep -q "HTTP 404" "$work/err" || fail "not 404: $(cat "$work/err")"
pass "clients destroy"

# A live connection: a second case holds its connection open (sleep 4s) while we look.
hold_case=$(dirname "$case_file")/admin-session-hold.case
"$check" run --target "127.0.0.1:$nfs_port" --no-progress "$hold_case" >"$work/hold.out" 2>&1 &
hold_pid=$!
for _ in $(seq 1 50); do
	[[ $(active) == 1 ]] && break
	sleep 0.1
done
[[ $(active) == 1 ]] || fail "the holding case made no session"
clientid2=$(ctl --format json clients list | sed -n 's/^ *"clientid": "\([0-9a-f]*\)".*/\1/p' | head -1)
[[ $clientid2 =~ ^[0-9a-f]{16}$ && $clientid2 != "$clientid" ]] || fail "second client id '$clientid2'"
ctl sessions list --client "$clientid2" | tee "$work/sessions2.txt"
ctl --format json sessions list --client "$clientid2" | tr -d ' \n' >"$work/sessions2.json"
grep -q '"connections":\[{"id":[0-9]*,"channels":\["fore"' "$work/sessions2.json" ||
	fail "no bound fore-channel connection listed: $(cat "$work/sessions2.json")"
awk 'NR == 2 {print $NF}' "$work/sessions2.txt" | grep -q '^[0-9]*(fore' || fail "table lacks the connection"
wait "$hold_pid" || { cat "$work/hold.out" >&2; fail "the holding case failed"; }
pass "a held connection is listed bound to its session's fore channel"

# metrics: promtool
http GET /metrics | sed 1d >"$work/metrics.txt"
grep -q '^# TYPE nfs41refd_clients gauge' "$work/metrics.txt" || fail "metrics text"
"$promtool" check metrics <"$work/metrics.txt" || fail "promtool check metrics"
pass "promtool check metrics"

kill -TERM "$refd_pid"
wait "$refd_pid" || fail "nfs41refd exit status $?"
refd_pid=
grep -q "ERROR: AddressSanitizer\|runtime error\|WARNING: ThreadSanitizer" "$work/refd.err" && fail "sanitizer report"
echo "admin_e2e: all passed"
