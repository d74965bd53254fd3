//! The subcommands of `kerust`, one file each.

mod analysis;
mod datasets;
mod distributed;
mod export;
mod output;
mod predict;
mod report;
mod resampled;
mod run_dir;
mod run_files;
mod settings;
mod side;
mod source;
mod stream;
mod summary;
mod train;
mod train_args;
mod tune;
mod tune_args;
mod tune_output;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// A mistake in how the program was called (exit code 2); everything else exits with 1.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Returns a usage error (exit code 2) from the current function.
macro_rules! usage {
    ($($arg:tt)*) => { return Err(anyhow::Error::new($crate::cli::UsageError(format!($($arg)*)))) };
}
pub(crate) use usage;

#[derive(Parser)]
#[command(
    name = "kerust",
    version,
    about = "Keras-style deep learning for tabular data: CSV in, trained model, plots and metrics out"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train a model on a CSV (or an embedded dataset) and write a run folder.
    Train(Box<train_args::TrainArgs>),
    /// Tune the settings: the trials with the lowest validation error, in parallel and
    /// reproducibly, then the best one refit as a run folder.
    Tune(Box<tune_args::TuneArgs>),
    /// List the embedded datasets.
    Datasets,
    /// Predict with a saved model on a raw CSV (the stored preprocessing is applied).
    Predict(predict::PredictArgs),
    /// Print the metrics of a saved model on a CSV that has the target column.
    Evaluate(predict::EvaluateArgs),
    /// Export a saved model to ONNX, preprocessing included: raw columns in, answers out.
    Export(export::ExportArgs),
    /// Print a model summary: of an architecture without training, or of a saved model.
    Summary(summary::SummaryArgs),
}

/// Parses the command line and runs the subcommand.
pub fn run() -> anyhow::Result<ExitCode> {
    let parsed = Cli::command().try_get_matches().and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(e) if e.use_stderr() => {
            // clap's message already starts with "error:"; keep its exit code (2).
            let _ = e.print();
            return Ok(ExitCode::from(2));
        }
        Err(e) => {
            let _ = e.print();
            return Ok(ExitCode::SUCCESS);
        }
    };
    match cli.command {
        Command::Train(args) => {
            let sub = matches.subcommand_matches("train").expect("clap parsed the train subcommand");
            train::run(*args, sub)
        }
        Command::Tune(args) => {
            let sub = matches.subcommand_matches("tune").expect("clap parsed the tune subcommand");
            tune::run(*args, sub)
        }
        Command::Datasets => datasets::run(),
        Command::Predict(args) => predict::predict(args),
        Command::Evaluate(args) => predict::evaluate(args),
        Command::Summary(args) => summary::run(args),
        Command::Export(args) => export::run(args),
    }
}
