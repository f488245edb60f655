#!/usr/bin/env bash
# refd.sh NFS41REFD BENCH_REFD: nfs41refd on loopback under load (SEQUENCE+PUTROOTFH+GETATTR with
# many slots in flight), then its RSS with 1k and 10k sessions. Stops the server it started.
set -euo pipefail
refd=$1 bench=$2
out=$(mktemp -d)
# 10k sessions x 64 slots x 8 KiB cached replies: reserve room for all (a reservation, not RSS).
"$refd" --port 0 --lease 300 --set max_clients=20000 --set reply_cache_bytes=8589934592 >"$out/port" 2>"$out/log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$out"' EXIT
for _ in $(seq 100); do port=$(sed -n 's/^port=//p' "$out/port"); [[ -n $port ]] && break; sleep 0.05; done
for c in 1 8; do
	for s in 1 8 64; do
		"$bench" "127.0.0.1:$port" --conns "$c" --slots "$s" --seconds 2
	done
done
rss() { awk '/^VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }
echo "nfs41refd RSS idle: $(rss)"
"$bench" "127.0.0.1:$port" --sessions 1000 --slots 64 >/dev/null
echo "nfs41refd RSS with 1000 sessions (64 slots each): $(rss)"
"$bench" "127.0.0.1:$port" --sessions 9000 --slots 64 >/dev/null
echo "nfs41refd RSS with 10000 sessions (64 slots each): $(rss)"
