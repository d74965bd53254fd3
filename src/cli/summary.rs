//! `kerust summary`: the Keras summary of an architecture without training, or of a saved
//! model (with what it was trained for and with).

use std::process::ExitCode;

use clap::Args;
use kerust::prelude::*;

use super::settings::{Layers, flag_error};
use super::usage;

#[derive(Args)]
pub struct SummaryArgs {
    /// Hidden layer widths, comma-separated.
    #[arg(long, default_value_t = Layers(TabularSpec::default().layers))]
    layers: Layers,
    /// Number of input features.
    #[arg(long)]
    input_dim: Option<usize>,
    /// Output units.
    #[arg(long, default_value_t = 1)]
    outputs: usize,
    /// Hidden activation.
    #[arg(long, default_value_t = TabularSpec::default().activation)]
    activation: Activation,
    /// A saved model file to summarise instead.
    #[arg(long)]
    model: Option<std::path::PathBuf>,
}

pub fn run(args: SummaryArgs) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.model {
        match TabularModel::load(path) {
            Ok(model) => {
                println!("{}", model.summary());
                let pre = model.preprocessor();
                let metrics: Vec<String> = model.test_metrics().iter().map(|(k, v)| format!("{k} {v:.4}")).collect();
                println!(
                    "Target: {} ({}); {} features from {} columns; {} epochs trained.\nTest-split results: {}\nTrained with:\n{}",
                    pre.target,
                    pre.task,
                    pre.n_features(),
                    pre.encoding.features.len(),
                    model.epochs_run(),
                    if metrics.is_empty() { "none recorded".to_string() } else { metrics.join(", ") },
                    toml::to_string(model.spec())?
                );
            }
            // Not a tabular model: a network saved by Sequential::save still has a summary.
            Err(_) => println!("{}", Sequential::load(path)?.summary()),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let Some(input_dim) = args.input_dim else {
        usage!("--input-dim is required (the number of feature columns), or give --model FILE")
    };
    if input_dim == 0 || args.outputs == 0 {
        usage!("--input-dim and --outputs must be at least 1");
    }
    let spec = TabularSpec { layers: args.layers.0, activation: args.activation, ..TabularSpec::default() };
    spec.validate().map_err(flag_error)?;
    let network = spec.network(input_dim, args.outputs, Activation::Linear, Some(0));
    println!("{}", network.summary());
    Ok(ExitCode::SUCCESS)
}
