#!/usr/bin/env bash
# Memory of `subsidy serve` over a long POST /v1/eval run: resident set idle, after one request, every
# 15 s with the requests answered so far (from /metrics), and at the end.
#   Benchmarks/serve-memory.sh BINARY SECONDS [CASE]     e.g. .build/release/subsidy 150
cd "$(dirname "$0")/.."
b=$1; secs=${2:-150}; case_=${3:-examples/yingjiang.yaml}; work=$(mktemp -d)
$b serve --host 127.0.0.1 --port 0 2> $work/log &
pid=$!
url=""
for _ in $(seq 1 60); do url=$(sed -n 's/^subsidy serve: listening on \(http:[^ ]*\)$/\1/p' $work/log | head -n 1); [ -n "$url" ] && break; sleep 0.3; done
rss() { grep VmRSS /proc/$pid/status | awk '{print $2}'; }
count() { curl -s "$url/metrics" | awk '/subsidy_http_requests_total\{method="POST",route="\/v1\/eval",status="200"\}/ {print $2}'; }
echo "idle: RSS $(rss) kB"
curl -s -X POST -H 'Content-Type: application/yaml' --data-binary @$case_ "$url/v1/eval" -o /dev/null
echo "after 1 request: RSS $(rss) kB"
wrk -t2 -c16 -d${secs}s --latency -s Benchmarks/serve-eval.lua "$url/v1/eval" -- $case_ > $work/wrk &
w=$!
while kill -0 $w 2>/dev/null; do sleep 15; echo "requests $(count): RSS $(rss) kB"; done
grep -E "requests in|Requests/sec|99%|Non-2xx" $work/wrk
echo "end: requests $(count), RSS $(rss) kB, peak $(grep VmHWM /proc/$pid/status | awk '{print $2}') kB"
kill $pid; wait $pid 2>/dev/null; rm -rf $work
