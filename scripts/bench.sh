#!/usr/bin/env bash
# Whole-process benchmarks behind BENCHMARKS.md.
#
# NEEDS: hyperfine (Debian/Ubuntu: `apt-get install -y hyperfine`), GNU time at /usr/bin/time
# (`apt-get install -y time`) for peak RSS, python3 (to read JSON), cargo.
#
#   scripts/bench.sh            # everything: whole-process figures, then the in-process report
#   scripts/bench.sh quick      # whole-process figures only (no examples/bench_report)
#   RUNS=20 scripts/bench.sh    # more hyperfine runs per command (default 10)
#   BATCH_BIN=path/to/cydex scripts/bench.sh   # a binary that has `cydex batch` (branch `batch`)
#
# The machine is shared: run it when `uptime` shows the lowest load, run it twice, and compare
# best-of-N (hyperfine "min") as well as the median. Every command is printed before it runs.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1 || { echo "scripts/bench.sh needs $1: $2" >&2; exit 2; }; }
need hyperfine "apt-get install -y hyperfine"
need python3 "apt-get install -y python3"
[ -x /usr/bin/time ] || { echo "scripts/bench.sh needs GNU time at /usr/bin/time: apt-get install -y time" >&2; exit 2; }

RUNS=${RUNS:-10}
OUT=${OUT:-target/bench}
mkdir -p "$OUT"
BIN=target/release/cydex
BATCH_BIN=${BATCH_BIN:-$BIN}

echo "== machine"
date -u +"date: %Y-%m-%dT%H:%M:%SZ"
echo "nproc: $(nproc)"
grep -m1 'model name' /proc/cpuinfo || true
echo "load: $(cat /proc/loadavg)"
rustc --version

echo "== build"
cargo build --release --locked
git rev-parse --short HEAD 2>/dev/null | sed 's/^/commit: /' || true

echo "== validate the benchmark scenarios"
echo "+ $BIN validate scenarios/bench/*.yaml -q"
"$BIN" validate scenarios/bench/*.yaml -q && echo "all valid"

echo "== small drill, process start to report written (target <= 50 ms)"
rm -rf "$OUT/drill"
hyperfine -N --warmup 3 --runs $((RUNS * 3)) --export-json "$OUT/drill.json" \
  "$BIN run --out $OUT/drill"

echo "== bundled scenarios: run time and host-ticks per second"
for f in scenarios/ransomware-drill.yaml scenarios/supply-chain.yaml scenarios/alliance-exercise.yaml \
         scenarios/bench/virus-on-network.yaml scenarios/bench/virus-on-network-sir.yaml \
         scenarios/bench/million-hosts.yaml; do
  name=$(basename "$f" .yaml)
  "$BIN" run "$f" -q --out "$OUT/res-$name" >/dev/null
  runs=$RUNS warm=1
  case "$name" in
    million-hosts|alliance-exercise) runs=$(( RUNS < 5 ? RUNS : 5 ));;
  esac
  hyperfine -N --warmup "$warm" --runs "$runs" --export-json "$OUT/run-$name.json" "$BIN run $f -q"
  python3 - "$OUT/run-$name.json" "$OUT/res-$name/results.json" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))["results"][0]
s = json.load(open(sys.argv[2]))["summary"]
ht = s["hosts_total"] * s["ticks_run"]
print(f"  {s['hosts_total']} hosts x {s['ticks_run']} ticks = {ht:.3g} host-ticks; "
      f"min {h['min']*1e3:.1f} ms, median {h['median']*1e3:.1f} ms; "
      f"{ht/h['min']/1e6:.1f} M host-ticks/s (best), {ht/h['median']/1e6:.1f} (median)")
PY
done

echo "== activity-proportional: the alliance as shipped vs with 10x idle hosts (target <= 1.3x)"
hyperfine -N --warmup 3 --runs $((RUNS * 2)) --export-json "$OUT/idle.json" \
  "$BIN run scenarios/alliance-exercise.yaml -q" "$BIN run scenarios/bench/alliance-idle-x10.yaml -q"
python3 - "$OUT/idle.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(f"  ratio: best {r[1]['min']/r[0]['min']:.2f}x, median {r[1]['median']/r[0]['median']:.2f}x")
PY
for f in scenarios/alliance-exercise.yaml scenarios/bench/alliance-idle-x10.yaml; do
  echo "+ /usr/bin/time -f '%e s elapsed, %M KiB peak RSS' $BIN run $f -q"
  /usr/bin/time -f '%e s elapsed, %M KiB peak RSS' "$BIN" run "$f" -q
done

echo "== 1M hosts: peak RSS of the whole run (target <= 512 MiB)"
for i in 1 2 3; do
  echo "+ /usr/bin/time -f '%e s elapsed, %M KiB peak RSS' $BIN run scenarios/bench/million-hosts.yaml -q"
  /usr/bin/time -f '%e s elapsed, %M KiB peak RSS' "$BIN" run scenarios/bench/million-hosts.yaml -q
done

echo "== batch: 1000 supply-chain runs, --jobs 1 vs --jobs 2 (target speed-up >= 1.8x)"
if "$BATCH_BIN" batch --help >/dev/null 2>&1; then
  hyperfine -N --runs "${BATCH_HF_RUNS:-2}" --export-json "$OUT/batch.json" \
    "$BATCH_BIN batch scenarios/supply-chain.yaml --runs 1000 --jobs 1 -q" \
    "$BATCH_BIN batch scenarios/supply-chain.yaml --runs 1000 --jobs 2 -q"
  python3 - "$OUT/batch.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(f"  speed-up: best {r[0]['min']/r[1]['min']:.2f}x, median {r[0]['median']/r[1]['median']:.2f}x")
PY
else
  echo "  \`cydex batch\` is not in this binary (branch \`batch\`); the stand-in is"
  echo "  \`cargo run --release --example bench_report -- batch\` (rayon over cydex::results::run)."
fi

if [ "${1:-}" != quick ]; then
  echo "== in-process figures (same-run ratios): cargo run --release --locked --example bench_report"
  cargo run --release --locked --example bench_report
fi
