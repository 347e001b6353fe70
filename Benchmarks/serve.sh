#!/usr/bin/env bash
# Throughput and latency of `subsidy serve`: POST /v1/eval of one case with wrk on 127.0.0.1
# (release build), and the server's peak RSS afterwards.
#
#   Benchmarks/serve.sh [CASE] [SECONDS] [CONNECTIONS]   default examples/yingjiang.yaml 20 16
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
CASE="${1:-examples/yingjiang.yaml}"
SECONDS_="${2:-20}"
CONNECTIONS="${3:-16}"
command -v wrk >/dev/null || { echo "serve.sh: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
swift build -c release --product subsidy >&2
work="$(mktemp -d)"
.build/release/subsidy serve --host 127.0.0.1 --port 0 2> "$work/log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
url=""
for _ in $(seq 1 60); do
  url="$(sed -n 's/^subsidy serve: listening on \(http:[^ ]*\)$/\1/p' "$work/log" | head -n 1)"
  [ -n "$url" ] && break
  sleep 0.5
done
[ -n "$url" ] || { cat "$work/log" >&2; exit 1; }
wrk -t2 -c4 -d3s -s Benchmarks/serve-eval.lua "$url/v1/eval" -- "$CASE" >/dev/null   # warm up
echo "wrk -t2 -c$CONNECTIONS -d${SECONDS_}s --latency -s Benchmarks/serve-eval.lua $url/v1/eval -- $CASE"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_}s" --latency -s Benchmarks/serve-eval.lua "$url/v1/eval" -- "$CASE"
echo "server peak RSS: $(grep VmHWM /proc/$pid/status | awk '{print $2, $3}')"
