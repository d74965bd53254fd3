//! `kerust export`: a saved model as an ONNX file with its preprocessing inside (raw columns
//! in, answers out), written atomically.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::usage;

#[derive(Args)]
pub struct ExportArgs {
    /// Model file written by `kerust train` (model.kerust in a run folder, or a checkpoint).
    #[arg(long)]
    model: PathBuf,
    /// Where to write the ONNX file (one input per raw column; outputs `prediction`, or
    /// `probabilities` and `label`).
    #[arg(long)]
    onnx: PathBuf,
}

pub fn run(args: ExportArgs) -> anyhow::Result<ExitCode> {
    if args.onnx.is_dir() {
        usage!("--onnx {} is a directory; give the path of the file to write", args.onnx.display());
    }
    let model = super::predict::load_model(&args.model)?;
    model.to_onnx(&args.onnx)?;
    eprintln!(
        "{} ({} of {:?}) exported to {}",
        args.model.display(),
        model.task(),
        model.target(),
        args.onnx.display()
    );
    Ok(ExitCode::SUCCESS)
}
