#!/usr/bin/env bash
# suite_against_ganesha.sh NFS41CHECK ROOT OUTDIR: the whole case set against a fresh nfs-ganesha
# (ci/ganesha) with its baseline. Fails when anything is worse than the baseline, when the cases
# that need nfs41refd's test hooks are not exactly the skipped ones (each saying so), when the
# JUnit report does not validate, or when tshark finds a malformed packet in a recorded capture.
# Also `pcap replay` of the shared captures (first, on the fresh export: pynfs's capture creates
# files) and of the engine's recordings, and `pcap to-case`.
# shellcheck disable=SC2154 # port and state_dir come from ci/ganesha's output (eval)
set -euo pipefail
nfs41check=$1 root=$2 outdir=$3

rm -rf "$outdir"
mkdir -p "$outdir"
if ! out=$("$root/ci/ganesha" start --lease 5); then
	echo "suite: nfs-ganesha did not start" >&2
	exit 1
fi
eval "$out"
trap '"$root/ci/ganesha" stop --state-dir "$state_dir" >/dev/null 2>&1 || true; rm -rf "$state_dir"' EXIT

# The shared captures were taken from nfs-ganesha: replayed against it, every reply agrees (or
# differs as ci/baselines/replay-ganesha-4.3 says, with its RFC reason).
shared=${NFS41_SHARED_DIR:-$root/../shared}
for cap in "$shared"/pcaps/*.pcap; do
	if ! "$nfs41check" pcap replay "$cap" --target "127.0.0.1:$port" \
		--baseline "$root/ci/baselines/replay-ganesha-4.3" >"$outdir/replay-$(basename "$cap").out"; then
		cat "$outdir/replay-$(basename "$cap").out" >&2
		echo "suite: pcap replay of $cap differs from nfs-ganesha beyond its baseline" >&2
		exit 1
	fi
	sed -n '2p' "$outdir/replay-$(basename "$cap").out"
done

rc=0
# refd-profile: cases that pin nfs41refd's choices where the RFC allows several (catalogue s17).
"$nfs41check" run --target "127.0.0.1:$port" --jobs 4 --no-progress --without refd-profile \
	--baseline "$root/ci/baselines/ganesha-4.3" --report-dir "$outdir" \
	--record-pcap "$outdir/pcap" "$root/cases" >"$outdir/run.out" || rc=$?
cat "$outdir/run.out"
if [[ $rc -ne 0 ]]; then
	echo "suite: nfs41check exited $rc against nfs-ganesha (worse than ci/baselines/ganesha-4.3)" >&2
	exit 1
fi

# nfs-ganesha has no test hooks: every case that `requires: hooks` is a SKIP that says so; the
# refd-profile cases are skipped by --without; nothing else is.
# (A case requiring both is skipped for refd-profile: --without is looked at first.)
profile_cases=$(grep -l '^requires:.*\brefd-profile\b' -r "$root/cases" --include='*.case' | wc -l)
hook_cases=$(grep -L '^requires:.*\brefd-profile\b' -r "$root/cases" --include='*.case' |
	xargs grep -l '^requires:.*\bhooks\b' | wc -l)
hook_skips=$(grep -c '^ok .* # SKIP needs nfs41refd test hooks (--admin HOST:PORT --admin-token FILE)$' \
	"$outdir/results.tap" || true)
all_skips=$(grep -c '^ok .* # SKIP ' "$outdir/results.tap" || true)
if [[ $hook_skips -ne $hook_cases || $all_skips -ne $((hook_cases + profile_cases)) ]]; then
	echo "suite: $hook_cases cases need test hooks and $profile_cases the refd profile;" \
		"$hook_skips were skipped for hooks, $all_skips skipped in all" >&2
	exit 1
fi

xmllint --noout --schema "$root/reports/tests/junit.xsd" "$outdir/junit.xml"

# A failure explains itself: location, expected vs actual, both messages decoded, the
# requirement and RFC section, and the command that re-runs just that case.
made="$root/engine/tests/data/made-to-fail.case"
rc=0
fail_out=$("$nfs41check" run --target "127.0.0.1:$port" --no-progress -v "$made" 2>&1) || rc=$?
for want in "made-to-fail.case:10:1: expect: expect SEQUENCE.sr_slotid == 3: got 0 (line 11)" \
	"--- sent" "sa_slotid 0" "--- received" "sr_slotid 0" "SEQ-01: RFC 8881 §18.46.3" \
	"re-run: $nfs41check run --target 127.0.0.1:$port $made" "0 passed, 1 failed, 0 skipped"; do
	if ! grep -qF -- "$want" <<<"$fail_out"; then
		printf 'suite: the made-to-fail output lacks "%s":\n%s\n' "$want" "$fail_out" >&2
		exit 1
	fi
done
if [[ $rc -ne 1 ]]; then
	echo "suite: a conformance failure must exit 1, got $rc" >&2
	exit 1
fi

shopt -s nullglob
pcaps=("$outdir"/pcap/*.pcap)
if [[ ${#pcaps[@]} -eq 0 ]]; then
	echo "suite: --record-pcap wrote no capture" >&2
	exit 1
fi
# Cases tagged `malformed` send broken NFS on purpose: tshark rightly flags their calls; their
# TCP framing and checksums are still checked.
malformed_ids=$(grep -l '^tags:.*\bmalformed\b' -r "$root/cases" --include='*.case' |
	xargs -r sed -n 's/^id: *//p')
checked=0
for f in "${pcaps[@]}"; do
	id=$(basename "$f" .pcap)
	if grep -qxF "$id" <<<"$malformed_ids"; then
		bad=$(tshark -r "$f" -o tcp.check_checksum:TRUE -Y 'tcp.analysis.flags || tcp.checksum.status == 2' \
			-T fields -e frame.number)
	else
		checked=$((checked + 1))
		bad=$(tshark -r "$f" -d "tcp.port==$port,rpc" -o tcp.check_checksum:TRUE \
		-Y '_ws.malformed || _ws.expert.severity >= error' -T fields -e frame.number)
	fi
	if [[ -n $bad ]]; then
		echo "suite: $f: tshark flags frames $bad" >&2
		exit 1
	fi
	# Our own decoder reads what the engine recorded: every frame whole, no bytes missing, every
	# record an NFS message, every reply with its call (a case may send a malformed COMPOUND on
	# purpose: that is the case's business, not the capture's).
	grep -qxF "$id" <<<"$malformed_ids" && continue
	stats=$("$nfs41check" pcap decode --stats --port "$port" "$f" 2>&1 >/dev/null | tail -n 1)
	if ! [[ $stats =~ \ 0\ malformed\),\ [0-9]+\ connections,\ ([0-9]+)\ RPC\ records:\ ([0-9]+)\ NFS\ messages\ \([0-9]+\ undecodable\),\ ([0-9]+)\ of\ other\ programs,\ 0\ replies\ without\ their\ call.*\ 0\ gaps ]] ||
		[[ ${BASH_REMATCH[1]} -ne $((BASH_REMATCH[2] + BASH_REMATCH[3])) ]]; then
		echo "suite: $f: nfs41check pcap decode: $stats" >&2
		exit 1
	fi
done
echo "suite: ${#pcaps[@]} recorded captures read cleanly in tshark ($checked fully decoded," \
	"$((${#pcaps[@]} - checked)) of deliberately malformed cases checked at the TCP level)"

# The engine's recordings replay against the server they were recorded from, every reply
# agreeing (the folders without lease waits, to keep this short).
replayed=0
for f in "${pcaps[@]}"; do
	case $(basename "$f") in seq-* | bcts-* | cmp-*) ;; *) continue ;; esac
	if ! out=$("$nfs41check" pcap replay "$f" --target "127.0.0.1:$port" --port "$port" -q); then
		echo "$out" >&2
		echo "suite: $f: the recording does not replay against nfs-ganesha" >&2
		exit 1
	fi
	replayed=$((replayed + 1))
done
echo "suite: $replayed recordings replayed against nfs-ganesha, every reply agreeing"

# A capture turned into a case runs green against the server it was captured from (RFC 8881
# behaviour recorded as statuses; ids remapped through variables).
lifecycle=$shared/pcaps/ganesha-session-lifecycle.pcap
mkdir -p "$outdir/to-case"
"$nfs41check" pcap to-case "$lifecycle" -o "$outdir/to-case/lifecycle.case" 2>/dev/null
if ! "$nfs41check" run --target "127.0.0.1:$port" --no-progress --baseline \
	"$root/ci/baselines/ganesha-4.3" "$outdir/to-case/lifecycle.case" >"$outdir/to-case/run.out"; then
	cat "$outdir/to-case/run.out" >&2
	echo "suite: the to-case output of $lifecycle fails against nfs-ganesha" >&2
	exit 1
fi
echo "suite: pcap to-case of $(basename "$lifecycle") passes against nfs-ganesha"
