#!/usr/bin/env bash
# Peak memory of `subsidy serve` answering one POST /v1/batch upload (a CSV, e.g. from
# `subsidy generate --rows 1000000 --out F`): resident set idle, then peak (VmHWM) and time.
#   Benchmarks/serve-batch-memory.sh BINARY FILE [AS_OF] [SERVE OPTIONS…]
cd "$(dirname "$0")/.."
b=$1; file=$2; asof=${3:-2025-06-30}; shift 3 2>/dev/null || shift $#; work=$(mktemp -d)
$b serve --host 127.0.0.1 --port 0 "$@" 2> $work/log &
pid=$!
url=""
for _ in $(seq 1 60); do url=$(sed -n 's/^subsidy serve: listening on \(http:[^ ]*\)$/\1/p' $work/log | head -n 1); [ -n "$url" ] && break; sleep 0.3; done
echo "idle: RSS $(grep VmRSS /proc/$pid/status | awk '{print $2}') kB"
start=$(date +%s.%N)
curl -s -X POST -H 'Content-Type: text/csv' --data-binary @"$file" "$url/v1/batch?as_of=$asof" -o $work/answer
end=$(date +%s.%N)
echo "peak RSS $(grep VmHWM /proc/$pid/status | awk '{print $2}') kB, now $(grep VmRSS /proc/$pid/status | awk '{print $2}') kB, $(echo "$end - $start" | bc) s, answer $(wc -c < $work/answer) bytes"
kill $pid; wait $pid 2>/dev/null; rm -rf $work
