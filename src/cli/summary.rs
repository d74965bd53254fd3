//! `kerust summary`: the Keras summary of an architecture, without training.

use std::process::ExitCode;

use clap::Args;
use kerust::prelude::*;

use super::settings::{Extras, build_model, parse_layers};
use super::usage;

#[derive(Args)]
pub struct SummaryArgs {
    /// Hidden layer widths, comma-separated.
    #[arg(long, default_value = "64,32")]
    layers: String,
    /// Number of input features.
    #[arg(long)]
    input_dim: Option<usize>,
    /// Output units.
    #[arg(long, default_value_t = 1)]
    outputs: usize,
    /// Hidden activation.
    #[arg(long, default_value = "relu")]
    activation: String,
    /// A saved model file to summarise instead.
    #[arg(long)]
    model: Option<std::path::PathBuf>,
}

pub fn run(args: SummaryArgs) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.model {
        let (mut model, meta) = Sequential::load_with(path)?;
        println!("{}", model.summary());
        if !meta.extra.is_null() {
            println!("Training record:\n{}", serde_json::to_string_pretty(&meta.extra["record"])?);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let Some(input_dim) = args.input_dim else {
        usage!("--input-dim is required (the number of feature columns), or give --model FILE")
    };
    if input_dim == 0 || args.outputs == 0 {
        usage!("--input-dim and --outputs must be at least 1");
    }
    let layers = parse_layers(&args.layers)?;
    let activation: Activation =
        args.activation.parse().map_err(|e| anyhow::Error::new(super::UsageError(format!("{e}"))))?;
    let mut model =
        build_model(input_dim, &layers, activation, args.outputs, Activation::Linear, Some(0), Extras::default());
    println!("{}", model.summary());
    Ok(ExitCode::SUCCESS)
}
