//! `cydex init`: write the commented starter scenario, refusing to overwrite an existing file.

use std::path::PathBuf;

use super::{EXIT_OK, fail, print_stdout};

/// The starter scenario `cydex init` writes. It validates (a test checks).
pub const STARTER: &str = include_str!("../scenario/starter.yaml");

/// Arguments of `cydex init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the scenario.
    #[arg(default_value = "scenario.yaml")]
    path: PathBuf,
    /// Overwrite the file if it exists.
    #[arg(long)]
    force: bool,
}

/// Runs `cydex init`.
pub fn run(args: Args) -> u8 {
    if args.path.exists() && !args.force {
        return fail(
            &format!("`{}` already exists", args.path.display()),
            Some("choose another path, or pass --force to overwrite it"),
        );
    }
    if args.path.is_dir() {
        return fail(&format!("`{}` is a directory", args.path.display()), Some("name a file, e.g. `drill.yaml`"));
    }
    match crate::atomic::write(&args.path, STARTER.as_bytes()) {
        Ok(()) => {
            let p = args.path.display();
            print_stdout(&format!(
                "wrote {p}\nnext: edit it, then `cydex validate {p}`; for editor completion, `cydex schema > cydex.schema.json`\n"
            ));
            EXIT_OK
        }
        Err(e) => fail(
            &format!("cannot write `{}`: {e}", args.path.display()),
            Some("check that the directory exists and is writable"),
        ),
    }
}
