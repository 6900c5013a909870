#!/usr/bin/env bash
# Regenerates docs/examples/ from the embedded default scenario with the default seed:
# the terminal summary, results.json, report.md, report.html and coverage.layer.json (the ATT&CK
# Navigator layer) of `cydex run`.
# A test (tests/reports.rs, docs_examples_are_current) fails when they fall out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
NO_COLOR=1 cargo run --release --quiet -- run --out "$out" | sed "s|$out|DIR|" > docs/examples/terminal-summary.txt
for f in results.json report.md report.html coverage.layer.json; do
    if [ -f "$out/$f" ]; then cp "$out/$f" docs/examples/; fi
done
echo "docs/examples/ regenerated"
