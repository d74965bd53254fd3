//! [`TabularSpec`]: every setting of the tabular workflow (what `kerust train` takes), typed.
//! Its serde form is the run folder's `settings.toml`: Keras's string names (`"adam"`,
//! `"relu"`, `"mse"`) and `"auto"` where the workflow chooses.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::missing::{CategoricalImpute, Missing};
use super::selection::TestSelection;
use super::serde_forms::{auto, class_weight, optimizer};
use super::task::Task;
use crate::activations::Activation;
use crate::error::{Error, Result};
use crate::losses::Loss;
use crate::model::ClassWeight;
use crate::optimizers::OptimizerConfig;
use crate::preprocessing::{ImputeStrategy, ScalerKind};

/// The settings of one tabular training run. `TabularSpec::default()` is `kerust train`'s
/// defaults: two hidden ReLU layers (64, 32), Adam at 0.001, 100 epochs of batch 32,
/// `validation_split` 0.2, 20% test rows, MinMax scaling, the task, output layer and loss
/// chosen from the target.
///
/// ```
/// use kerust::tabular::TabularSpec;
/// let spec = TabularSpec { epochs: 50, layers: vec![16], seed: Some(1), ..TabularSpec::default() };
/// assert_eq!(spec.learning_rate, 0.001);
/// spec.validate()?;
/// # Ok::<(), kerust::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TabularSpec {
    /// Regression or classification; `None` (`"auto"`): classification for a text target or
    /// one of at most 20 distinct integers, regression otherwise.
    #[serde(with = "auto")]
    pub task: Option<Task>,
    /// Hidden layer widths (empty: a single perceptron, inputs straight to the output layer).
    pub layers: Vec<usize>,
    /// Activation of the hidden layers.
    pub activation: Activation,
    /// The optimizer (Keras's defaults for its kind; the learning rate is [`Self::learning_rate`]).
    #[serde(with = "optimizer")]
    pub optimizer: OptimizerConfig,
    /// Learning rate of the optimizer.
    #[serde(rename = "lr", alias = "learning_rate")]
    pub learning_rate: f32,
    /// The loss; `None` (`"auto"`): MSE for regression, binary cross-entropy after a sigmoid
    /// unit for two classes, sparse categorical cross-entropy after a softmax for more.
    #[serde(with = "auto")]
    pub loss: Option<Loss>,
    /// Passes over the training rows (in total, counting those of an earlier run when
    /// continuing one).
    pub epochs: usize,
    /// Rows per optimizer step.
    pub batch_size: usize,
    /// Fraction of the training rows `fit` holds out (the last ones) for `val_loss`.
    pub validation_split: f64,
    /// Fraction of all rows held out for the test metrics (stratified for classification).
    pub test_size: f64,
    /// How the test rows are chosen: a seeded shuffle (`"shuffle"`, the default), or each
    /// row by a hash of its position (`"hash"`, what streaming uses; see [`TestSelection`]).
    pub test_selection: TestSelection,
    /// Feature scaling, fitted on the training rows only.
    pub scaler: ScalerKind,
    /// Stop after this many epochs without `val_loss` improvement, restoring the best weights.
    pub early_stopping: Option<usize>,
    /// Divide the learning rate by 10 after this many epochs without `val_loss` improvement.
    pub reduce_lr: Option<usize>,
    /// Save a checkpoint (a whole [`TabularModel`](super::TabularModel) file) every N epochs.
    pub checkpoint_every: Option<usize>,
    /// Dropout rate after each hidden layer (`None`: no Dropout layers).
    pub dropout: Option<f32>,
    /// BatchNormalization after each hidden layer.
    pub batch_norm: bool,
    /// L2 penalty factor on every kernel.
    pub l2: Option<f32>,
    /// Class weights of the training rows (classification only; `"balanced"` is scikit-learn's).
    #[serde(with = "class_weight")]
    pub class_weight: Option<ClassWeight>,
    /// Seed of every random step (split, initial weights, shuffling, dropout); `None`: a
    /// random one, reported in [`TabularRun::seed`](super::TabularRun::seed).
    pub seed: Option<u64>,
    /// Compute threads of the fit ([`FitConfig::threads`](crate::model::FitConfig::threads));
    /// `None`: every core, where splitting the batches pays. The same seed gives the same
    /// weights for the same thread count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threads: Option<usize>,
    /// What happens to missing feature values: imputed (the default, so that real files with
    /// gaps train, and the model fills gaps when it predicts), their rows dropped, or an error.
    /// Rows with a missing target are dropped (with a warning) unless this is `Error`.
    pub missing: Missing,
    /// How a numeric gap is filled: scikit-learn `SimpleImputer`'s strategies, statistics from
    /// the training rows only (default `mean`, scikit-learn's).
    pub impute: ImputeStrategy,
    /// The constant of `impute = "constant"` for numeric columns (default 0, scikit-learn's).
    pub fill_value: f32,
    /// How a categorical gap is filled: its own category `"missing_value"` (the default: the
    /// network learns what a gap means) or the most frequent category of the training rows.
    pub impute_categorical: CategoricalImpute,
    /// A 0/1 feature per column that had gaps in the training rows (scikit-learn's
    /// `add_indicator`).
    pub missing_indicator: bool,
    /// Per-column strategies that override `impute` / `impute_categorical` (a categorical
    /// column takes `most_frequent` or `constant`, its own category).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub impute_columns: BTreeMap<String, ImputeStrategy>,
}

impl Default for TabularSpec {
    fn default() -> Self {
        TabularSpec {
            task: None,
            layers: vec![64, 32],
            activation: Activation::Relu,
            optimizer: OptimizerConfig::Adam(Default::default()),
            learning_rate: 0.001,
            loss: None,
            epochs: 100,
            batch_size: 32,
            validation_split: 0.2,
            test_size: 0.2,
            test_selection: TestSelection::Shuffle,
            scaler: ScalerKind::MinMax,
            early_stopping: None,
            reduce_lr: None,
            checkpoint_every: None,
            dropout: None,
            batch_norm: false,
            l2: None,
            class_weight: None,
            seed: None,
            threads: None,
            missing: Missing::Impute,
            impute: ImputeStrategy::Mean,
            fill_value: 0.0,
            impute_categorical: CategoricalImpute::Category,
            missing_indicator: false,
            impute_columns: BTreeMap::new(),
        }
    }
}

/// The settings that define the model itself (architecture, optimizer kind, loss,
/// preprocessing, split): a run that continues a model must keep them.
pub const MODEL_SETTINGS: [&str; 18] = [
    "task",
    "layers",
    "activation",
    "optimizer",
    "loss",
    "scaler",
    "dropout",
    "batch_norm",
    "l2",
    "seed",
    "test_size",
    "test_selection",
    "missing",
    "impute",
    "fill_value",
    "impute_categorical",
    "missing_indicator",
    "impute_columns",
];

/// The settings that only steer training: a continued run may change them.
pub const TRAINING_SETTINGS: [&str; 9] = [
    "lr",
    "epochs",
    "batch_size",
    "validation_split",
    "early_stopping",
    "reduce_lr",
    "checkpoint_every",
    "class_weight",
    "threads",
];

impl TabularSpec {
    /// Checks every value; the error names the setting and the value received.
    pub fn validate(&self) -> Result<()> {
        if self.epochs == 0 {
            return Err(Error::invalid("epochs", 0, "must be at least 1"));
        }
        if self.batch_size == 0 {
            return Err(Error::invalid("batch_size", 0, "must be at least 1"));
        }
        if !(0.0..1.0).contains(&self.validation_split) {
            return Err(Error::invalid(
                "validation_split",
                self.validation_split,
                "must be in [0, 1); 0 turns validation off",
            ));
        }
        if !(self.test_size > 0.0 && self.test_size < 1.0) {
            return Err(Error::invalid("test_size", self.test_size, "must be in (0, 1)"));
        }
        if let Some(seed) = self.seed.filter(|&s| s > MAX_SEED) {
            return Err(Error::invalid(
                "seed",
                seed,
                format!("must be at most {MAX_SEED} (settings.toml stores it as a TOML integer)"),
            ));
        }
        if self.threads == Some(0) {
            return Err(Error::invalid("threads", 0, "must be at least 1 (leave it out for every core)"));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(Error::invalid("lr", self.learning_rate, "must be a positive number"));
        }
        if self.layers.contains(&0) {
            return Err(Error::invalid("layers", format!("{:?}", self.layers), "widths must be at least 1"));
        }
        if self.early_stopping.is_some() && self.validation_split == 0.0 {
            return Err(Error::invalid(
                "early_stopping",
                self.early_stopping.unwrap_or(0),
                "watches val_loss: give a validation_split above 0",
            ));
        }
        if self.reduce_lr.is_some() && self.validation_split == 0.0 {
            return Err(Error::invalid(
                "reduce_lr",
                self.reduce_lr.unwrap_or(0),
                "watches val_loss: give a validation_split above 0",
            ));
        }
        if self.checkpoint_every == Some(0) {
            return Err(Error::invalid("checkpoint_every", 0, "must be at least 1"));
        }
        if let Some(rate) = self.dropout
            && !(0.0..1.0).contains(&rate)
        {
            return Err(Error::invalid("dropout", rate, "must be in [0, 1)"));
        }
        if let Some(l2) = self.l2
            && !(l2.is_finite() && l2 >= 0.0)
        {
            return Err(Error::invalid("l2", l2, "must be a finite number >= 0"));
        }
        if !self.fill_value.is_finite() {
            return Err(Error::invalid("fill_value", self.fill_value, "must be a finite number"));
        }
        if self.class_weight.is_some() && self.task == Some(Task::Regression) {
            return Err(Error::invalid("class_weight", "set", "applies to classification, not regression"));
        }
        Ok(())
    }

    /// The names (from [`MODEL_SETTINGS`]) of the model-defining settings in which `other`
    /// differs from `self`: what a continued run may not change.
    pub fn model_changes(&self, other: &TabularSpec) -> Vec<&'static str> {
        let optimizer_kind = |s: &TabularSpec| std::mem::discriminant(&s.optimizer);
        let changes = [
            ("task", self.task != other.task),
            ("layers", self.layers != other.layers),
            ("activation", self.activation != other.activation),
            ("optimizer", optimizer_kind(self) != optimizer_kind(other)),
            ("loss", self.loss != other.loss),
            ("scaler", self.scaler != other.scaler),
            ("dropout", self.dropout != other.dropout),
            ("batch_norm", self.batch_norm != other.batch_norm),
            ("l2", self.l2 != other.l2),
            ("seed", self.seed != other.seed),
            ("test_size", self.test_size != other.test_size),
            ("test_selection", self.test_selection != other.test_selection),
            ("missing", self.missing != other.missing),
            ("impute", self.impute != other.impute),
            ("fill_value", self.fill_value != other.fill_value),
            ("impute_categorical", self.impute_categorical != other.impute_categorical),
            ("missing_indicator", self.missing_indicator != other.missing_indicator),
            ("impute_columns", self.impute_columns != other.impute_columns),
        ];
        changes.into_iter().filter(|(_, changed)| *changed).map(|(name, _)| name).collect()
    }
}

/// The largest seed a run records: TOML integers (`settings.toml`) are `i64`.
pub const MAX_SEED: u64 = i64::MAX as u64;

/// A seed for a run given none: random, and recordable in `settings.toml`.
pub fn random_seed() -> u64 {
    rand::random::<u64>() & MAX_SEED
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_changes_names_each_model_setting() {
        let base = TabularSpec::default();
        assert!(base.model_changes(&base.clone()).is_empty());
        let other = TabularSpec { layers: vec![7], learning_rate: 0.5, epochs: 3, ..base.clone() };
        assert_eq!(base.model_changes(&other), ["layers"]);
        let other = TabularSpec { optimizer: "sgd".parse().unwrap(), batch_norm: true, ..base.clone() };
        assert_eq!(base.model_changes(&other), ["optimizer", "batch_norm"]);
    }

    #[test]
    fn model_changes_knows_every_model_setting() {
        let base = TabularSpec::default();
        let every = TabularSpec {
            task: Some(Task::Classification),
            layers: vec![3],
            activation: Activation::Tanh,
            optimizer: "sgd".parse().unwrap(),
            loss: Some(Loss::MeanAbsoluteError),
            scaler: ScalerKind::None,
            dropout: Some(0.1),
            batch_norm: true,
            l2: Some(0.1),
            seed: Some(1),
            test_size: 0.3,
            test_selection: TestSelection::Hash,
            missing: Missing::Drop,
            impute: ImputeStrategy::Median,
            fill_value: 1.0,
            impute_categorical: CategoricalImpute::MostFrequent,
            missing_indicator: true,
            impute_columns: [("a".to_string(), ImputeStrategy::Constant)].into(),
            ..base.clone()
        };
        assert_eq!(base.model_changes(&every), MODEL_SETTINGS);
    }

    #[test]
    fn every_setting_is_a_model_or_a_training_setting() {
        let spec = TabularSpec {
            early_stopping: Some(1),
            reduce_lr: Some(1),
            checkpoint_every: Some(1),
            dropout: Some(0.1),
            l2: Some(0.1),
            class_weight: Some(ClassWeight::Balanced),
            seed: Some(1),
            threads: Some(2),
            impute_columns: [("a".to_string(), ImputeStrategy::Median)].into(),
            ..TabularSpec::default()
        };
        let json = serde_json::to_value(&spec).unwrap();
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), MODEL_SETTINGS.len() + TRAINING_SETTINGS.len());
        for key in keys {
            assert!(MODEL_SETTINGS.contains(&key.as_str()) || TRAINING_SETTINGS.contains(&key.as_str()), "{key}");
        }
    }

    #[test]
    fn every_bad_value_names_its_setting() {
        let cases: [(TabularSpec, &str); 8] = [
            (TabularSpec { epochs: 0, ..Default::default() }, "epochs"),
            (TabularSpec { batch_size: 0, ..Default::default() }, "batch_size"),
            (TabularSpec { validation_split: 1.0, ..Default::default() }, "validation_split"),
            (TabularSpec { test_size: 0.0, ..Default::default() }, "test_size"),
            (TabularSpec { learning_rate: -1.0, ..Default::default() }, "lr"),
            (TabularSpec { layers: vec![4, 0], ..Default::default() }, "layers"),
            (TabularSpec { dropout: Some(1.5), ..Default::default() }, "dropout"),
            (TabularSpec { l2: Some(f32::NAN), ..Default::default() }, "l2"),
        ];
        for (spec, name) in cases {
            let err = spec.validate().unwrap_err().to_string();
            assert!(err.contains(name), "{name}: {err}");
        }
    }
}
