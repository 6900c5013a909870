//! `cydex report`: re-render a saved run's results.json as Markdown, HTML, JSON or an ATT&CK
//! Navigator layer without re-running it. The output is byte-identical to what `cydex run --out`
//! wrote.

use std::path::PathBuf;

use super::{EXIT_OK, fail, print_stdout};
use crate::results::RunResults;

/// Arguments of `cydex report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A results.json written by `cydex run --out`.
    results: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Md)]
    format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The after-action report in Markdown.
    Md,
    /// The after-action report as one self-contained HTML file.
    Html,
    /// The machine format, as written by the run.
    Json,
    /// An ATT&CK Navigator layer (format 4.5) scoring each technique by the share of its
    /// executions detected, as `coverage.layer.json`.
    Navigator,
}

/// Renders `results` in `format`.
pub fn render(results: &RunResults, format: Format) -> String {
    match format {
        Format::Md => crate::report::markdown(results),
        Format::Html => crate::report::html(results),
        Format::Json => results.to_json(),
        Format::Navigator => crate::report::navigator::run(results),
    }
}

/// Runs `cydex report`.
pub fn run(args: Args) -> u8 {
    let text = match crate::readback::read_text(&args.results, crate::readback::MAX_RESULTS) {
        Ok(t) => t,
        Err(e) => {
            return fail(
                &format!("cannot read `{}`: {e}", args.results.display()),
                Some("name a results.json written by `cydex run --out DIR`"),
            );
        }
    };
    let results = match RunResults::from_json(&text) {
        Ok(r) => r,
        Err(why) => return fail(&format!("`{}`: {why}", args.results.display()), None),
    };
    let out = render(&results, args.format);
    match args.output {
        None => {
            print_stdout(&out);
            EXIT_OK
        }
        Some(path) => match crate::atomic::write(&path, out.as_bytes()) {
            Ok(()) => EXIT_OK,
            Err(e) => fail(
                &format!("cannot write `{}`: {e}", path.display()),
                Some("check the directory exists and is writable"),
            ),
        },
    }
}
