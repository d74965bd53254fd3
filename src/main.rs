//! `kerust`: the whole Keras lesson from the command line. A thin layer over the library:
//! parse → validate → call the library → report; every error is one `error:` line.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {}", message(&err));
            let usage = err.downcast_ref::<cli::UsageError>().is_some();
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}

/// The error and its causes, each once: a typed error whose text already carries its cause
/// (`{path}: {source}`) would otherwise print that cause twice.
fn message(err: &anyhow::Error) -> String {
    let mut text = err.to_string();
    for cause in err.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text = format!("{text}: {cause}");
        }
    }
    text
}
