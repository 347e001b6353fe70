#!/usr/bin/env bash
# POST /v1/eval A/B: the same wrk run against two server binaries, alternating; CPU ms per request
# from the server's /proc stat. $1 $2 binaries, $3 seconds.
cd "$(dirname "$0")/.."
for round in 1 2; do
for b in "$1" "$2"; do
  work=$(mktemp -d)
  $b serve --host 127.0.0.1 --port 0 2> $work/log &
  pid=$!
  url=""
  for _ in $(seq 1 60); do url=$(sed -n 's/^subsidy serve: listening on \(http:[^ ]*\)$/\1/p' $work/log | head -n 1); [ -n "$url" ] && break; sleep 0.3; done
  wrk -t2 -c4 -d2s -s Benchmarks/serve-eval.lua "$url/v1/eval" -- examples/yingjiang.yaml >/dev/null
  t0=$(awk '{print $14+$15}' /proc/$pid/stat)
  out=$(wrk -t2 -c16 -d${3:-10}s --latency -s Benchmarks/serve-eval.lua "$url/v1/eval" -- examples/yingjiang.yaml)
  t1=$(awk '{print $14+$15}' /proc/$pid/stat)
  reqs=$(echo "$out" | awk '/requests in/ {print $1}')
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  tck=$(getconf CLK_TCK)
  echo "$(basename $b): $rps req/s, p99 $p99, CPU $(awk -v a=$t0 -v b=$t1 -v n=$reqs -v t=$tck 'BEGIN {printf "%.2f", (b-a)/t*1000/n}') ms/request"
  kill $pid; wait $pid 2>/dev/null; rm -rf $work
done
done
