#!/usr/bin/env bash
# suite_against_refd.sh NFS41CHECK NFS41REFD ROOT OUTDIR: every case against the reference server
# with an EMPTY baseline (it has no excuses), in parallel, then a clean stop on SIGTERM.
# nfs41refd runs with its admin API, a token file and the test hooks on, so the cases that
# `requires: hooks` run too (none may be skipped). Then the hook step's other outcomes: without
# --admin such a case is a SKIP whose reason every report shows; a hook the server refuses is a
# FAIL naming the HTTP status and the server's message; an unreachable admin API is an ERROR.
set -euo pipefail
nfs41check=$1 nfs41refd=$2 root=$3 outdir=$4

rm -rf "$outdir"
mkdir -p "$outdir"
token=$outdir/admin.token
echo "suite-$RANDOM-$RANDOM-$RANDOM" >"$token"
pid=
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null || true' EXIT

# The admin API on a port nfs41refd picks (auto) and prints as admin_port=N.
"$nfs41refd" --port 0 --lease 5 --admin-port auto \
	--set "admin_token_file=$token" --set test_hooks=true \
	>"$outdir/refd.out" 2>"$outdir/refd.log" &
pid=$!
for _ in $(seq 100); do
	grep -q '^admin_port=' "$outdir/refd.out" 2>/dev/null && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
done
if ! grep -q '^admin_port=' "$outdir/refd.out"; then
	echo "suite: nfs41refd did not start:" >&2
	cat "$outdir/refd.log" >&2
	exit 1
fi
admin_port=$(sed -n 's/^admin_port=//p' "$outdir/refd.out")
port=$(sed -n 's/^port=//p' "$outdir/refd.out")
admin=(--admin "127.0.0.1:$admin_port" --admin-token "$token")

rc=0
"$nfs41check" run --target "127.0.0.1:$port" "${admin[@]}" --jobs 4 --no-progress \
	--report-dir "$outdir" "$root/cases" "$root"/docs/examples/*.case \
	"$root/engine/tests/data/hook-outputs.case" >"$outdir/run.out" || rc=$?
if [[ $rc -ne 0 ]]; then
	cat "$outdir/run.out" >&2
	echo "suite: nfs41check exited $rc against nfs41refd (the reference server must pass every case)" >&2
	tail -20 "$outdir/refd.log" >&2
	exit 1
fi
if ! grep -q ', 0 skipped$' "$outdir/run.out"; then
	grep -E '^SKIP|skipped' "$outdir/run.out" >&2
	echo "suite: cases were skipped against nfs41refd with its test hooks on" >&2
	exit 1
fi
hook_cases=$(grep -l '^requires:.*\bhooks\b' -r "$root/cases" "$root/docs/examples" \
	"$root/engine/tests/data" --include='*.case' | wc -l)
echo "suite: every case passes against nfs41refd ($hook_cases using its test hooks)"

# The same hook case three more ways.
hook_case=$root/docs/examples/hook-preset-wrap.case
reason="needs nfs41refd test hooks (--admin HOST:PORT --admin-token FILE)"
skipdir=$outdir/hooks-skipped
rc=0
out=$("$nfs41check" run --target "127.0.0.1:$port" --no-progress --report-dir "$skipdir" \
	"$hook_case" 2>&1) || rc=$?
[[ $rc -eq 0 ]] || { echo "suite: a skipped hook case exited $rc:"$'\n'"$out" >&2; exit 1; }
for f in "$skipdir/junit.xml" "$skipdir/results.tap" "$skipdir/results.json" "$skipdir/report.html"; do
	if ! grep -qF -- "$reason" "$f"; then
		echo "suite: $f does not say why the hook case was skipped" >&2
		exit 1
	fi
done
if ! grep -qF -- "SKIP  example-hook-preset-wrap: $reason" <<<"$out" ||
	! grep -qF "0 passed, 0 failed, 1 skipped" <<<"$out"; then
	echo "suite: the summary does not show the skipped hook case:"$'\n'"$out" >&2
	exit 1
fi

sed 's/^hook preset slot=0 /hook preset slot=9999 /' "$hook_case" >"$outdir/hook-refused.case"
ln -sfn "$root/cases/fixtures" "$outdir/fixtures"
rc=0
out=$("$nfs41check" run --target "127.0.0.1:$port" "${admin[@]}" --no-progress -v \
	"$outdir/hook-refused.case" 2>&1) || rc=$?
if [[ $rc -ne 1 ]] || ! grep -qF "hook: preset: the admin API refused it: HTTP 404: no such session or slot" <<<"$out" ||
	! grep -qF -- "--admin 127.0.0.1:$admin_port --admin-token $token" <<<"$out"; then
	echo "suite: a refused hook must FAIL (exit 1) with the status, the server's message and a re-run command with --admin; got $rc:"$'\n'"$out" >&2
	exit 1
fi
dead_port=1 # tcpmux: nothing listens there on a CI machine
rc=0
out=$("$nfs41check" run --target "127.0.0.1:$port" --admin "127.0.0.1:$dead_port" \
	--admin-token "$token" --no-progress "$hook_case" 2>&1) || rc=$?
if [[ $rc -ne 2 ]] || ! grep -qF "hook: preset: admin API 127.0.0.1:$dead_port:" <<<"$out"; then
	echo "suite: an unreachable admin API must be an ERROR (exit 2); got $rc:"$'\n'"$out" >&2
	exit 1
fi
if grep -qF -- "$(cat "$token")" "$outdir"/*.json "$outdir"/*.xml "$outdir"/*.html "$outdir/run.out"; then
	echo "suite: the admin token appears in a report" >&2
	exit 1
fi
echo "suite: hook cases SKIP without --admin (reason in every report), FAIL when refused, ERROR when unreachable"

kill -TERM "$pid"
if ! wait "$pid"; then
	echo "suite: nfs41refd did not stop cleanly on SIGTERM:" >&2
	tail -20 "$outdir/refd.log" >&2
	exit 1
fi
pid=
trap - EXIT
echo "suite: every case passes against nfs41refd; it stopped cleanly"
