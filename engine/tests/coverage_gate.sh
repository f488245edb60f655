#!/usr/bin/env bash
# coverage_gate.sh NFS41CHECK DATA OUTDIR: `nfs41check coverage` on the small fixture in DATA
# (engine/tests/data/coverage: its own requirement index, two cases, waiver files) - the exit
# status both ways under --fail-on-uncovered, the listing of what fails the gate, waiver file
# errors as file:line (exit 64), unused waivers (a warning, an error under the gate), and the
# waivers in the Markdown and JSON matrices.
set -uo pipefail
nfs41check=$1 data=$2 outdir=$3
failures=0

rm -rf "$outdir"
mkdir -p "$outdir"

# check NAME WANT-STATUS ARGS...: runs `nfs41check coverage --requirements ... ARGS cases`,
# keeping stdout and stderr in OUTDIR/NAME.{out,err}.
check() {
	local name=$1 want=$2 got
	shift 2
	"$nfs41check" coverage --requirements "$data/requirements.tsv" "$@" "$data/cases" \
		>"$outdir/$name.out" 2>"$outdir/$name.err"
	got=$?
	if [[ $got -ne $want ]]; then
		echo "FAIL $name: exit status $got, expected $want" >&2
		sed 's/^/  | /' "$outdir/$name.out" "$outdir/$name.err" >&2
		failures=$((failures + 1))
	fi
}

# has NAME STREAM TEXT: OUTDIR/NAME.STREAM contains the fixed string TEXT.
has() {
	if ! grep -qF -- "$3" "$outdir/$1.$2"; then
		echo "FAIL $1: $2 lacks: $3" >&2
		sed 's/^/  | /' "$outdir/$1.$2" >&2
		failures=$((failures + 1))
	fi
}

# lacks NAME STREAM TEXT: the opposite.
lacks() {
	if grep -qF -- "$3" "$outdir/$1.$2"; then
		echo "FAIL $1: $2 has: $3" >&2
		failures=$((failures + 1))
	fi
}

# Every MUST has a case, every SHOULD a case or a waiver: the gate passes.
check ok 0 --fail-on-uncovered --waivers "$data/waivers-ok.tsv" \
	--markdown "$outdir/ok.md" --json "$outdir/ok.json"
has ok out "RPC-17   SHOULD     waived: fixture: the port is a deployment choice"
has ok out "SEQ-01   MUST       cov-echoed"
has ok out "RPC-03   MAY        -"
has ok out "2 of 5 requirements have a case, 2 waived; uncovered: 0 MUST-class, 0 SHOULD-class"
has ok md "| RPC-17 | SHOULD | 8881 §2.9.3 | Port 2049 | waived: fixture: the port is a deployment choice |"
has ok json '"status": "waived"'
has ok json '"uncovered_should": []'

# A SHOULD with neither: exit 1 under the gate, listed; without the gate only the matrix says so.
check missing 1 --fail-on-uncovered --waivers "$data/waivers-missing.tsv"
has missing out "CMP-16   SHOULD     UNCOVERED"
has missing err "0 MUST-class id(s) with no case, 1 SHOULD-class id(s) with neither a case nor a waiver"
has missing err "UNCOVERED CMP-16   SHOULD"
check missing-nogate 0 --waivers "$data/waivers-missing.tsv"
lacks missing-nogate err "UNCOVERED"

# A MUST with no case (its only case filtered out): exit 1 even with every SHOULD waived.
check must 1 --fail-on-uncovered --waivers "$data/waivers-ok.tsv" --filter cov-highest
has must err "1 MUST-class id(s) with no case, 0 SHOULD-class"
has must err "UNCOVERED SEQ-01   MUST"

# Waiver file errors are file:line and exit 64, with or without the gate.
check must-waived 64 --waivers "$data/waivers-must.tsv"
has must-waived err "$data/waivers-must.tsv:2: SEQ-01 is a MUST requirement: MUST-class ids need a case, not a waiver"
check duplicate 64 --fail-on-uncovered --waivers "$data/waivers-dup.tsv"
has duplicate err "$data/waivers-dup.tsv:3: duplicate waiver for RPC-17 (first on line 1)"
check no-file 64 --waivers "$outdir/nonexistent.tsv"
has no-file err "$outdir/nonexistent.tsv: No such file or directory"

# An unused waiver: a warning without the gate, an error (exit 1) under it.
check unused 0 --waivers "$data/waivers-unused.tsv"
has unused err "warning: $data/waivers-unused.tsv:4: unused waiver: SEQ-09 is cited by cov-highest"
check unused-gate 1 --fail-on-uncovered --waivers "$data/waivers-unused.tsv"
has unused-gate err "nfs41check: $data/waivers-unused.tsv:4: unused waiver: SEQ-09 is cited by cov-highest"
has unused-gate err "0 MUST-class id(s) with no case, 0 SHOULD-class id(s) with neither a case nor a waiver, 1 unused waiver(s)"

if [[ $failures -ne 0 ]]; then
	echo "coverage_gate: $failures failure(s); outputs in $outdir" >&2
	exit 1
fi
echo "coverage_gate: every check passed"
