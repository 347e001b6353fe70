#!/usr/bin/env bash
# Writes each fuzz target's seed inputs, taken from the repository's own files, into $1/<target>/.
# run.sh merges them with the committed corpus; they are not committed themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$1"
mkdir -p "$out/policy" "$out/expression" "$out/facts" "$out/csv"
for f in policies/*.yaml examples/variants/*.yaml Tests/Conformance/cases/*/policy.yaml; do
  case "$f" in *.schema.yaml) continue ;; esac
  cp "$f" "$out/policy/$(echo "$f" | tr '/' '_')"
done
for f in examples/*.yaml examples/cohorts/*.yaml Tests/Conformance/cases/*/facts.*; do
  cp "$f" "$out/facts/$(echo "$f" | tr '/' '_')"
done
for f in Tests/SubsidyTests/Fixtures/batch/*.csv examples/cohorts/*.csv; do
  cp "$f" "$out/csv/$(echo "$f" | tr '/' '_')"
done
# Expressions: every `when:` item, `amount:` and `if` text of the shipped and broken policies.
python3 - "$out/expression" policies/*.yaml examples/variants/*.yaml Tests/Conformance/cases/*/policy.yaml <<'PY'
import hashlib, sys, yaml
out, files = sys.argv[1], sys.argv[2:]
seen = set()
def walk(node, key=None):
    if isinstance(node, dict):
        for k, v in node.items(): walk(v, k)
    elif isinstance(node, list):
        for v in node: walk(v, key)
    elif isinstance(node, (str, int, float)) and key in ("when", "amount", "unless", "if", "then", "else", "due", "value", "of", "where"):
        seen.add(str(node))
for f in files:
    if f.endswith(".schema.yaml") or "alias-bomb" in f: continue  # PyYAML expands aliases without a limit
    try: walk(yaml.safe_load(open(f, encoding="utf-8")))
    except Exception: pass
for text in seen:
    open(f"{out}/{hashlib.sha1(text.encode()).hexdigest()[:16]}", "w", encoding="utf-8").write(text)
PY
