#!/usr/bin/env bash
# Peers side by side: Mesa's bundled VirusOnNetwork and cydex on the same graph size, mean degree,
# probabilities and steps, interleaved, with ratios (goals G12 and G13 of BENCHMARKS.md).
#
#   scripts/bench-peers.sh                       # 5,000 and 100,000 hosts, SIS and SIR, 3 reps
#   SIZES=5000 REPS=5 scripts/bench-peers.sh     # one size, more repetitions
#   NASIM=0 scripts/bench-peers.sh               # skip the NASim reference line
#   SETTINGS=sir scripts/bench-peers.sh          # one setting (default: "sis sir")
#   CYDEX_BIN=… CYDEX_BENCH_REPORT=… scripts/bench-peers.sh   # binaries already built: no cargo build
#   (tests/peers.rs runs it so, at a tiny size with STEPS and NASIM_STEPS small, to check that it
#   works end to end; nothing there is timed)
#
# NEEDS: bash 5, python3 with venv (Debian: `apt-get install -y python3-venv`), cargo, and PyPI (the peers are installed from scripts/peers/requirements.txt, pinned, into
# $VENV, default target/peers-venv).
#
# What is compared (docs/mesa.md maps the model rule by rule):
# * per agent-step: Mesa's `model.step()` loop (every agent stepped every step, its data collector
#   included, as bundled) ÷ (nodes × steps), against cydex's ticks (`Simulation::step` to ENDEX,
#   `examples/bench_report file`) ÷ (hosts × ticks). Neither counts building the graph.
# * whole process: `python mesa_virus.py` against `cydex run FILE -q`, start to exit (interpreter
#   or binary start, validation, graph, steps, assessment), wall time from bash's EPOCHREALTIME.
# Each repetition runs Mesa and cydex back to back, so machine noise hits both; the table gives the
# best of REPS for each side and the ratio of the bests.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -n "${EPOCHREALTIME:-}" ] || { echo "bench-peers.sh needs bash 5 (EPOCHREALTIME)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench-peers.sh needs python3" >&2; exit 2; }

VENV=${VENV:-target/peers-venv}
SIZES=${SIZES:-"5000 100000"}
SETTINGS=${SETTINGS:-"sis sir"}
STEPS=${STEPS:-100}
REPS=${REPS:-3}
NASIM=${NASIM:-1}
NASIM_STEPS=${NASIM_STEPS:-20000}
OUT=${OUT:-target/bench/peers}
mkdir -p "$OUT"
: >"$OUT/lines.jsonl"

echo "== machine"
date -u +"date: %Y-%m-%dT%H:%M:%SZ"
echo "nproc: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"
git rev-parse --short HEAD 2>/dev/null | sed 's/^/commit: /' || true

echo "== peers ($VENV)"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --disable-pip-version-check -r scripts/peers/requirements.txt
"$VENV/bin/python" -c 'import mesa, sys; print("python", sys.version.split()[0], "mesa", mesa.__version__)'

if [ -n "${CYDEX_BIN:-}" ] && [ -n "${CYDEX_BENCH_REPORT:-}" ]; then
    echo "== cydex ($CYDEX_BIN, $CYDEX_BENCH_REPORT)"
    BIN=$CYDEX_BIN
    REPORT=$CYDEX_BENCH_REPORT
else
    echo "== cydex (release)"
    cargo build --release --locked --bin cydex --example bench_report
    T=${CARGO_TARGET_DIR:-target}
    BIN=$T/release/cydex
    REPORT=$T/release/examples/bench_report
fi

# wall seconds of a command, to the microsecond (stdout kept in $OUT/last.out; exit 1, a run
# below its objectives' threshold, is a finished run)
wall() {
    local start=$EPOCHREALTIME
    "$@" >"$OUT/last.out" || [ $? -eq 1 ]
    awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.4f\n", b - a }'
}

for n in $SIZES; do
    for setting in $SETTINGS; do
        case $setting in sis | sir) ;; *) echo "SETTINGS: unknown setting '$setting' (sis, sir)" >&2; exit 2 ;; esac
        if [ "$setting" = sis ]; then file=scenarios/bench/virus-on-network.yaml; res=0.0
        else file=scenarios/bench/virus-on-network-sir.yaml; res=0.5; fi
        outbreak=$(( n / 100 > 0 ? n / 100 : 1 ))
        sets=("nations.EST.segments.NET.host_groups.NODE.count=$n" "nations.EST.team.analysts=$n"
              "campaigns.VIRUS.entry.footholds=$outbreak" "clock.duration=${STEPS}d")
        cli_sets=(); for s in "${sets[@]}"; do cli_sets+=(--set "$s"); done
        echo "== $setting, $n hosts, $STEPS steps ($file)"
        for rep in $(seq "$REPS"); do
            mw=$(wall "$VENV/bin/python" scripts/peers/mesa_virus.py --nodes "$n" --degree 4 --steps "$STEPS" \
                --outbreak "$outbreak" --resistance "$res")
            mline=$(cat "$OUT/last.out")
            cw=$(wall "$BIN" run "$file" -q "${cli_sets[@]}" --budget work=100000000000 --budget memory=256GiB)
            echo "  rep $rep: mesa ${mw} s whole, $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["ns_per_agent_step"])' "$mline") ns/agent-step; cydex ${cw} s whole"
            python3 - "$mline" "$mw" "$cw" "$setting" "$n" >>"$OUT/lines.jsonl" <<'PY'
import json, sys
m = json.loads(sys.argv[1])
print(json.dumps({"setting": sys.argv[4], "n": int(sys.argv[5]), "mesa_wall": float(sys.argv[2]),
                  "cydex_wall": float(sys.argv[3]), "mesa_ns": m["ns_per_agent_step"]}))
PY
        done
        REPS=$REPS "$REPORT" file "$file" "${sets[@]}" | tee "$OUT/engine.txt" | sed 's/^/  /'
        python3 - "$(tail -1 "$OUT/engine.txt")" "$setting" "$n" >>"$OUT/lines.jsonl" <<'PY'
import json, sys
e = json.loads(sys.argv[1])
print(json.dumps({"setting": sys.argv[2], "n": int(sys.argv[3]), "cydex_ns": e["ns_per_agent_step"]}))
PY
    done
done

if [ "$NASIM" = 1 ]; then
    echo "== NASim reference (one attacker's MDP: no common agent-step, so no ratio)"
    for b in tiny medium huge-gen; do "$VENV/bin/python" scripts/peers/nasim_steps.py --benchmark "$b" --steps "$NASIM_STEPS" | sed 's/^/  /'; done
fi

echo "== ratios (best of $REPS each side; targets: engine >= 100x Mesa per agent-step, whole process >= 30x)"
python3 - "$OUT/lines.jsonl" <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    d = json.loads(line)
    r = rows.setdefault((d["setting"], d["n"]), {"mesa_ns": [], "mesa_wall": [], "cydex_wall": [], "cydex_ns": []})
    for k in r:
        if k in d:
            r[k].append(d[k])
print(f"| setting | hosts | Mesa ns/agent-step | cydex ns/host-tick | engine ratio | Mesa whole s | cydex whole s | whole ratio |")
print(f"|---|---|---|---|---|---|---|---|")
for (setting, n), r in sorted(rows.items(), key=lambda kv: (kv[0][1], kv[0][0])):
    mn, cn = min(r["mesa_ns"]), min(r["cydex_ns"])
    mw, cw = min(r["mesa_wall"]), min(r["cydex_wall"])
    e, w = mn / cn, mw / cw
    print(f"| {setting.upper()} | {n:,} | {mn:,.0f} | {cn:,.1f} | {e:,.0f}x {'pass' if e >= 100 else 'FAIL'} "
          f"| {mw:.2f} | {cw:.3f} | {w:,.0f}x {'pass' if w >= 30 else 'FAIL'} |")
PY
