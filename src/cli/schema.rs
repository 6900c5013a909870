//! `cydex schema`: print (or write) the JSON Schema of the scenario format (`scenario::schema`),
//! for editors' YAML language servers.

use std::path::PathBuf;

use super::{EXIT_OK, fail, print_stdout};

/// Arguments of `cydex schema`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write the schema to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Print the session protocol's schema instead (docs/protocol.schema.json).
    #[arg(long, hide = true)]
    protocol: bool,
}

/// The JSON Schema of scenario format v1, pretty-printed (see `scenario::schema`).
pub fn schema_json() -> String {
    crate::scenario::schema::text()
}

/// Runs `cydex schema`.
pub fn run(args: Args) -> u8 {
    let text = if args.protocol { crate::play::protocol::schema_text() } else { schema_json() };
    match args.output {
        None => {
            print_stdout(&text);
            EXIT_OK
        }
        Some(path) => match crate::atomic::write(&path, text.as_bytes()) {
            Ok(()) => EXIT_OK,
            Err(e) => fail(
                &format!("cannot write `{}`: {e}", path.display()),
                Some("check that the directory exists and is writable"),
            ),
        },
    }
}
