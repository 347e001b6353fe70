#!/usr/bin/env bash
# Builds the libFuzzer targets and runs them.
#
#   Fuzz/run.sh --smoke                 every target ~25 s over the committed corpus (CI sets FUZZ_SMOKE_SECONDS=12)
#   Fuzz/run.sh policy 600              one target (policy, expression, facts, csv) for N seconds,
#                                       new inputs kept in Fuzz/corpus/<target>; crashes in Fuzz/artifacts/
#
# A crash, an uncaught `fatalError`/`precondition`, an ASan error, an input slower than the timeout
# or memory over the limit fails the run (non-zero exit) and writes the input to the artifacts folder.
set -euo pipefail
cd "$(dirname "$0")"
# Swift's crash backtracer waits on the crashed process: libFuzzer must see the signal at once.
export SWIFT_BACKTRACE=enable=no
# lld: gold crashes linking the instrumented executables (see Package.swift).
swift build -c release -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -v "Cannot export local symbol" >&2
bin="$(swift build -c release -Xswiftc -sanitize=fuzzer,address --show-bin-path)"

target_binary() {
  case "$1" in
    policy) echo "$bin/FuzzPolicy" ;; expression) echo "$bin/FuzzExpression" ;;
    facts) echo "$bin/FuzzFacts" ;; csv) echo "$bin/FuzzCSV" ;;
    *) echo "unknown target $1 (policy, expression, facts, csv)" >&2; exit 2 ;;
  esac
}

# No leak checking (libFuzzer's per input, ASan's at exit): LeakSanitizer reports the Swift
# runtime's caches and the policies compiled once per process; they are not leaks of an input.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
# -timeout: one input may take at most this many seconds (a hang or pathological slowness is a bug).
flags=(-timeout=10 -rss_limit_mb=2048 -detect_leaks=0 -print_final_stats=1)
mkdir -p artifacts

run() {  # target seconds [extra libFuzzer flags…]
  local target="$1" seconds="$2"; shift 2
  mkdir -p "corpus/$target"
  "$(target_binary "$target")" "${flags[@]}" -max_total_time="$seconds" -dict="dict/$target.dict" \
    -artifact_prefix="artifacts/$target-" "$@" "corpus/$target"
}

if [[ "${1:-}" == "--smoke" ]]; then
  # New inputs go to a scratch folder: the committed corpus is read, never changed, by CI.
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  for target in policy expression facts csv; do
    mkdir -p "$scratch/$target"
    if ! "$(target_binary "$target")" "${flags[@]}" -max_total_time="${FUZZ_SMOKE_SECONDS:-25}" -dict="dict/$target.dict" \
        -artifact_prefix="$scratch/$target-" "$scratch/$target" "corpus/$target" >"$scratch/$target.log" 2>&1; then
      tail -n 60 "$scratch/$target.log" >&2
      for input in "$scratch/$target"-*; do [[ -e "$input" ]] && { echo "input ($input), base64:" >&2; base64 "$input" >&2; }; done
      echo "fuzz smoke: $target failed (above: libFuzzer's report and the input)" >&2
      exit 1
    fi
    echo "fuzz smoke: $target: $(grep -E '^stat::number_of_executed_units' "$scratch/$target.log" | awk '{print $2}') executions," \
      "$(grep -E '#[0-9]+[[:space:]]+DONE' "$scratch/$target.log" | grep -oE 'cov: [0-9]+ ft: [0-9]+')" >&2
  done
  exit 0
fi
run "${1:?target: policy, expression, facts or csv}" "${2:-300}" "${@:3}"
