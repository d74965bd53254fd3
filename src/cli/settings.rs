//! The resolved settings of a training run: defaults, then `--config FILE`, then flags.
//! They are validated before any work starts and written into the run folder.

use std::path::PathBuf;

use kerust::prelude::*;
use serde::{Deserialize, Serialize};

use super::{UsageError, usage};

/// Every setting of `kerust train`, as written to `settings.toml` in the run folder.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// CSV file (none: an embedded dataset).
    pub data: Option<PathBuf>,
    /// Embedded dataset used when no file is given.
    pub dataset: String,
    /// Target column (default: the dataset's, or the file's last column).
    pub target: Option<String>,
    /// auto, regression or classification.
    pub task: String,
    /// Hidden layer widths.
    pub layers: Vec<usize>,
    /// Hidden activation.
    pub activation: String,
    /// sgd, adam, rmsprop or adagrad.
    pub optimizer: String,
    /// Learning rate.
    pub lr: f32,
    /// auto, or a loss name.
    pub loss: String,
    /// Epochs.
    pub epochs: usize,
    /// Batch size.
    pub batch_size: usize,
    /// Fraction of the training rows held out inside `fit` for `val_loss`.
    pub validation_split: f64,
    /// Fraction of all rows held out for the final test metrics.
    pub test_size: f64,
    /// minmax, standard or none.
    pub scaler: String,
    /// Stop after this many epochs without val_loss improvement (restoring the best weights).
    pub early_stopping: Option<usize>,
    /// Divide the learning rate by 10 after this many epochs without val_loss improvement.
    pub reduce_lr: Option<usize>,
    /// Save a checkpoint every N epochs.
    pub checkpoint_every: Option<usize>,
    /// Dropout rate after each hidden layer (none: no Dropout layers).
    pub dropout: Option<f32>,
    /// BatchNormalization after each hidden layer.
    pub batch_norm: bool,
    /// L2 penalty factor on the hidden and output kernels.
    pub l2: Option<f32>,
    /// `balanced` weighs classes inversely to their frequency (classification only).
    pub class_weight: Option<String>,
    /// Seed (none: a random one, recorded in run.json).
    pub seed: Option<u64>,
    /// Run folder (default runs/<dataset>-<timestamp>).
    pub out: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            data: None,
            dataset: "boston_housing".into(),
            target: None,
            task: "auto".into(),
            layers: vec![64, 32],
            activation: "relu".into(),
            optimizer: "adam".into(),
            lr: 0.001,
            loss: "auto".into(),
            epochs: 100,
            batch_size: 32,
            validation_split: 0.2,
            test_size: 0.2,
            scaler: "minmax".into(),
            early_stopping: None,
            reduce_lr: None,
            checkpoint_every: None,
            dropout: None,
            batch_norm: false,
            l2: None,
            class_weight: None,
            seed: None,
            out: None,
        }
    }
}

impl Settings {
    /// Reads a TOML settings file (`--config`).
    pub fn from_file(path: &std::path::Path) -> anyhow::Result<Settings> {
        let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| UsageError(format!("{}: {e}", path.display())).into())
    }

    /// Checks every value before any work starts.
    pub fn validate(&self) -> anyhow::Result<()> {
        if self.epochs == 0 {
            usage!("--epochs must be at least 1 (got 0)");
        }
        if self.batch_size == 0 {
            usage!("--batch-size must be at least 1 (got 0)");
        }
        if !(0.0..1.0).contains(&self.validation_split) {
            usage!("--validation-split must be in [0, 1) (got {}); 0 turns validation off", self.validation_split);
        }
        if !(self.test_size > 0.0 && self.test_size < 1.0) {
            usage!("--test-size must be in (0, 1) (got {})", self.test_size);
        }
        if !(self.lr.is_finite() && self.lr > 0.0) {
            usage!("--lr must be a positive number (got {})", self.lr);
        }
        if !["auto", "regression", "classification"].contains(&self.task.as_str()) {
            usage!("--task must be auto, regression or classification (got {:?})", self.task);
        }
        if !["minmax", "standard", "none"].contains(&self.scaler.as_str()) {
            usage!("--scaler must be minmax, standard or none (got {:?})", self.scaler);
        }
        if self.layers.contains(&0) {
            usage!("--layers widths must be at least 1 (got {:?})", self.layers);
        }
        if self.early_stopping.is_some() && self.validation_split == 0.0 {
            usage!("--early-stopping watches val_loss: give a --validation-split above 0");
        }
        if self.checkpoint_every == Some(0) {
            usage!("--checkpoint-every must be at least 1");
        }
        if let Some(rate) = self.dropout
            && !(0.0..1.0).contains(&rate)
        {
            usage!("--dropout must be in [0, 1) (got {rate})");
        }
        if let Some(l2) = self.l2
            && !(l2.is_finite() && l2 >= 0.0)
        {
            usage!("--l2 must be a finite number >= 0 (got {l2})");
        }
        if let Some(cw) = &self.class_weight
            && cw != "balanced"
        {
            usage!("--class-weight takes `balanced` (got {cw:?})");
        }
        self.activation()?;
        self.optimizer()?;
        Ok(())
    }

    /// The hidden activation.
    pub fn activation(&self) -> anyhow::Result<Activation> {
        self.activation.parse().map_err(|e: Error| UsageError(format!("--activation: {e}")).into())
    }

    /// The optimizer with the learning rate.
    pub fn optimizer(&self) -> anyhow::Result<Box<dyn Optimizer>> {
        let config: OptimizerConfig =
            self.optimizer.parse().map_err(|e: Error| UsageError(format!("--optimizer: {e}")))?;
        let mut opt = config.build();
        opt.set_learning_rate(self.lr);
        Ok(opt)
    }
}

/// `64,32` → `[64, 32]`; an empty string means no hidden layer (a single perceptron).
pub fn parse_layers(text: &str) -> anyhow::Result<Vec<usize>> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|w| match w.trim().parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(UsageError(format!(
                "--layers takes positive widths separated by commas, like 64,32 (got {w:?} in {text:?})"
            ))
            .into()),
        })
        .collect()
}

/// Regularization choices of `build_model`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extras {
    /// Dropout rate after each hidden layer.
    pub dropout: Option<f32>,
    /// BatchNormalization after each hidden layer.
    pub batch_norm: bool,
    /// L2 factor on every kernel.
    pub l2: Option<f32>,
}

/// Hidden Dense layers of `widths` with `activation` (each followed by BatchNormalization
/// and Dropout when asked), then `outputs` units with `output`.
pub fn build_model(
    input_dim: usize,
    widths: &[usize],
    activation: Activation,
    outputs: usize,
    output: Activation,
    seed: Option<u64>,
    extras: Extras,
) -> Sequential {
    let mut model = Sequential::new();
    if let Some(seed) = seed {
        model = model.seed(seed);
    }
    let dense = |units: usize| {
        let layer = Dense::new(units);
        match extras.l2 {
            Some(l2) => layer.kernel_regularizer(Regularizer::l2(l2)),
            None => layer,
        }
    };
    for (i, &w) in widths.iter().enumerate() {
        let mut layer = dense(w).activation(activation);
        if i == 0 {
            layer = layer.input_dim(input_dim);
        }
        model.add(layer);
        if extras.batch_norm {
            model.add(BatchNormalization::new());
        }
        if let Some(rate) = extras.dropout {
            model.add(Dropout::new(rate));
        }
    }
    let mut last = dense(outputs).activation(output);
    if widths.is_empty() {
        last = last.input_dim(input_dim);
    }
    model.add(last);
    model
}
