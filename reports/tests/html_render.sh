#!/bin/sh
# html_render.sh - renders the sample HTML report in headless Chromium: the screenshot
# must be a real PNG of some size, the DOM must hold the cases and ladders, the inline
# script must have run, and nothing injected by the sample's hostile strings may have.
# Usage: html_render.sh REPORT.html OUTDIR
set -u
report=$1
out=$2

browser=
for b in chromium chromium-browser google-chrome; do
	if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
	echo "html_render: no chromium found (apt-get install chromium)" >&2
	exit 1
fi
[ -f "$report" ] || { echo "html_render: $report missing" >&2; exit 1; }
mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

run_browser() {
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
		--disable-background-networking --disable-component-update --disable-sync \
		--no-first-run --user-data-dir="$profile" --window-size=1200,2000 "$@" \
		"file://$(realpath "$report")" 2>"$out/chromium.log"
}

rm -f "$out/report.png"
run_browser --screenshot="$out/report.png" >/dev/null
if [ ! -s "$out/report.png" ]; then
	echo "html_render: no screenshot" >&2; cat "$out/chromium.log" >&2; exit 1
fi
if [ "$(head -c 8 "$out/report.png" | od -An -tx1 | tr -d ' \n')" != 89504e470d0a1a0a ]; then
	echo "html_render: screenshot is not a PNG" >&2; exit 1
fi
size=$(wc -c <"$out/report.png")
if [ "$size" -lt 40000 ]; then
	echo "html_render: screenshot only $size bytes: blank page?" >&2; exit 1
fi

run_browser --dump-dom >"$out/dom.html" || { cat "$out/chromium.log" >&2; exit 1; }
fail=0
expect() {
	grep -qF -- "$1" "$out/dom.html" || { echo "html_render: DOM lacks: $1" >&2; fail=1; }
}
reject() {
	if grep -qF -- "$1" "$out/dom.html"; then echo "html_render: DOM has: $1" >&2; fail=1; fi
}
expect 'data-js="ready"'           # the inline script ran under the page's CSP
expect '<svg class="ladder"'
expect 'Message ladder'
expect 'seq-02'
expect 'dst-03'
expect '4 passed, 7 failed, 4 skipped'
expect '&lt;script&gt;document.title='
expect '<title>nfs41check report: 127.0.0.1:2049</title>'
reject 'pwned</title>'
reject '<img src="x"'
[ $fail -eq 0 ] && echo "html_render: screenshot $size bytes, DOM as expected"
exit $fail
