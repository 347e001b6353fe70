#!/usr/bin/env bash
# `subsidy batch` A/B in one run: the hand-written C baseline before and after, then two builds run
# alternately on the same file, and a check that their payouts and rejects are byte-identical.
#
#   Benchmarks/batch-ab.sh BEFORE_BINARY AFTER_BINARY FILE.csv [RUNS=3] [AS_OF=2025-06-30]
# (FILE from `subsidy generate --rows 1000000 --out FILE`; needs ../shared/bench/c-baseline.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
before=${1:?usage: batch-ab.sh BEFORE AFTER FILE [RUNS] [AS_OF]}; after=${2:?}; file=${3:?}
runs=${4:-3}; as_of=${5:-2025-06-30}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
baseline=../shared/bench/c-baseline.sh
echo "uptime: $(uptime)"
[ -f "$baseline" ] && echo "c-baseline median of 3: $(bash "$baseline" "$file" "$as_of" 3) s"
for i in $(seq "$runs"); do
  for b in "$before" "$after"; do
    n=$([ "$b" = "$before" ] && echo before || echo after)
    /usr/bin/time -f "$n run $i: %e s wall, %U s user, %S s sys, %M KB peak" -o "$work/time" \
      "$b" batch "$file" --as-of "$as_of" --out "$work/out-$n.csv" --rejects "$work/rej-$n.csv" --lang en > /dev/null
    cat "$work/time"
  done
done
if cmp -s "$work/out-before.csv" "$work/out-after.csv" && cmp -s "$work/rej-before.csv" "$work/rej-after.csv"; then
  echo "payouts and rejects byte-identical"
elif cmp -s <(sort "$work/out-before.csv") <(sort "$work/out-after.csv") && cmp -s <(sort "$work/rej-before.csv") <(sort "$work/rej-after.csv"); then
  echo "payouts and rejects hold the same lines, in another order"
else
  echo "payouts or rejects DIFFER"
fi
[ -f "$baseline" ] && echo "c-baseline median of 3: $(bash "$baseline" "$file" "$as_of" 3) s"
