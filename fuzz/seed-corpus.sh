#!/bin/sh
# Seeds fuzz/corpus/load (git-ignored) from the bundled scenarios, the starter template, the test
# fixtures and the committed minimised corpus. Run from the repository root or from fuzz/.
set -eu
cd "$(dirname "$0")/.."
mkdir -p fuzz/corpus/load
for f in scenarios/*.yaml src/scenario/starter.yaml tests/fixtures/*/*.yaml; do
  cp "$f" "fuzz/corpus/load/$(basename "$(dirname "$f")")-$(basename "$f")"
done
cp fuzz/seeds/* fuzz/regressions/* fuzz/corpus/load/ 2>/dev/null || true
echo "seeded fuzz/corpus/load with $(ls fuzz/corpus/load | wc -l) files"
