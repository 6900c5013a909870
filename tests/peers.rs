//! The peers side by side (`scripts/bench-peers.sh`, goals G12 and G13 of `BENCHMARKS.md`) run end
//! to end on this checkout: the script installs Mesa and NASim from PyPI into a venv (pinned,
//! `scripts/peers/requirements.txt`), runs Mesa's `VirusOnNetwork` and cydex interleaved in both
//! settings, NASim's reference line, and prints the table of ratios. At a tiny size and with this
//! build's binaries: nothing here is timed, the figures are `BENCHMARKS.md`'s.
//!
//! It needs bash, `python3` with `venv` and PyPI. It runs under `CI=true` (and fails when any is
//! missing) or with `CYDEX_PEERS=1`; otherwise it says it skipped.

use std::path::Path;
use std::process::Command;

#[test]
fn the_peers_script_runs_mesa_nasim_and_cydex_and_prints_its_table() {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    if !ci && std::env::var_os("CYDEX_PEERS").is_none() {
        eprintln!("skipped: installs Mesa and NASim from PyPI; runs under CI=true or with CYDEX_PEERS=1");
        return;
    }
    let venv_ok = Command::new("python3").args(["-c", "import venv, ensurepip"]).status().is_ok_and(|s| s.success());
    assert!(venv_ok, "the peers script needs python3 with venv (Debian: apt-get install python3-venv)");

    let bin = Path::new(env!("CARGO_BIN_EXE_cydex"));
    let report = bin.parent().unwrap().join("examples").join("bench_report");
    assert!(report.is_file(), "cargo test builds the examples: {} is missing", report.display());
    let out_dir = tempfile::tempdir().unwrap();
    let out = Command::new("bash")
        .arg("scripts/bench-peers.sh")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("VENV", Path::new(env!("CARGO_TARGET_TMPDIR")).join("peers-venv"))
        .env("OUT", out_dir.path())
        .envs([("SIZES", "200"), ("STEPS", "10"), ("REPS", "1"), ("NASIM", "1"), ("NASIM_STEPS", "200")])
        .env("CYDEX_BIN", bin)
        .env("CYDEX_BENCH_REPORT", &report)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let all = format!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the script failed:\n{all}");
    assert!(stdout.contains("mesa 3."), "Mesa 3.x installed:\n{all}");
    assert_eq!(stdout.matches("\"peer\": \"nasim\"").count(), 3, "NASim's three benchmarks:\n{all}");

    // The table: one row per setting, every figure a number, each ratio judged against its target.
    let rows: Vec<Vec<&str>> = stdout
        .lines()
        .filter(|l| l.starts_with("| SIS |") || l.starts_with("| SIR |"))
        .map(|l| l.trim_matches('|').split('|').map(str::trim).collect())
        .collect();
    assert_eq!(rows.len(), 2, "a row for SIS and one for SIR:\n{all}");
    for row in &rows {
        assert_eq!(row.len(), 8, "{row:?}");
        assert_eq!(row[1], "200", "{row:?}");
        for cell in [row[2], row[3], row[5], row[6]] {
            let x: f64 = cell.replace(',', "").parse().unwrap_or_else(|_| panic!("`{cell}` in {row:?}"));
            assert!(x > 0.0, "{row:?}");
        }
        for ratio in [row[4], row[7]] {
            let (x, verdict) = ratio.split_once("x ").unwrap_or_else(|| panic!("`{ratio}` in {row:?}"));
            assert!(x.replace(',', "").parse::<f64>().is_ok_and(|x| x > 0.0), "{row:?}");
            assert!(verdict == "pass" || verdict == "FAIL", "{row:?}");
        }
    }
}
