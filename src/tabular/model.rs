//! [`TabularModel`]: a fitted [`Preprocessor`] and the trained network, as one object that
//! predicts on raw tables, scores them, continues training, and lives in one file.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use ndarray::Axis;

use super::file::{self, Contents};
use super::fit::{Split, TabularRun, TrainOptions};
use super::missing;
use super::predictions::Predictions;
use super::preprocessor::Preprocessor;
use super::scoring::scores;
use super::spec::TabularSpec;
use super::task::Task;
use crate::data::{Table, Unseen};
use crate::error::{Error, Result};
use crate::model::Sequential;
use crate::preprocessing::split_indices;

/// A trained tabular model: preprocessor + network + the settings that trained it.
///
/// Methods take `&self` where Keras users expect a plain call (`predict`, `evaluate`,
/// `save`); the network's working buffers sit behind a lock, so one model can serve several
/// threads (one prediction at a time).
#[derive(Debug)]
pub struct TabularModel {
    network: Mutex<Sequential>,
    pub(super) preprocessor: Preprocessor,
    pub(super) spec: TabularSpec,
    pub(super) epochs_run: usize,
    pub(super) test_metrics: BTreeMap<String, f64>,
}

impl TabularModel {
    pub(crate) fn new(network: Sequential, contents: Contents) -> Self {
        let Contents { preprocessor, spec, epochs_run, test_metrics } = contents;
        TabularModel { network: Mutex::new(network), preprocessor, spec, epochs_run, test_metrics }
    }

    /// What the file of this model says beside its network.
    pub(crate) fn contents(&self) -> Contents {
        Contents {
            preprocessor: self.preprocessor.clone(),
            spec: self.spec.clone(),
            epochs_run: self.epochs_run,
            test_metrics: self.test_metrics.clone(),
        }
    }

    /// The fitted preprocessor (target, task, column encoding, scaler, labels).
    pub fn preprocessor(&self) -> &Preprocessor {
        &self.preprocessor
    }

    /// The settings of the run that last trained this model (its seed filled in).
    pub fn spec(&self) -> &TabularSpec {
        &self.spec
    }

    /// Epochs trained so far, over every run.
    pub fn epochs_run(&self) -> usize {
        self.epochs_run
    }

    /// The metrics on the held-out test rows after the last run (empty for a checkpoint).
    pub fn test_metrics(&self) -> &BTreeMap<String, f64> {
        &self.test_metrics
    }

    /// Regression or classification.
    pub fn task(&self) -> Task {
        self.preprocessor.task
    }

    /// The target column's name.
    pub fn target(&self) -> &str {
        &self.preprocessor.target
    }

    /// The network's Keras summary.
    pub fn summary(&self) -> String {
        self.lock().summary()
    }

    /// The network, to inspect or change it (weights, learning rate).
    pub fn network(&mut self) -> &mut Sequential {
        self.network.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The network alone.
    pub fn into_network(self) -> Sequential {
        self.network.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Sequential> {
        // A panic elsewhere cannot leave the network half-updated: predict only reads weights.
        self.network.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Predicts every row of `table`, a raw table like the training one: columns found by
    /// name (any order; extra columns and the target are ignored). A category not seen in
    /// training gives all-zero dummies and a warning; a missing feature column or value is
    /// an error naming it.
    pub fn predict(&self, table: &Table) -> Result<Predictions> {
        if table.n_rows() == 0 {
            return Err(Error::invalid("table", format!("0 rows in {}", table.source()), "has no rows to predict"));
        }
        let (x, warnings) = self.preprocessor.transform(table, Unseen::AllZeros)?;
        let output = self.lock().predict(&x)?;
        Ok(self.preprocessor.answers(output, warnings))
    }

    /// The test metrics of [`TabularRun`] on `table`, which needs the target column:
    /// `rmse`, `mae`, `r2`, `mape` (regression) or `accuracy`, `f1_macro` (classification).
    pub fn evaluate(&self, table: &Table) -> Result<BTreeMap<String, f64>> {
        let predictions = self.predict(table)?;
        self.score(table, &predictions)
    }

    /// The metrics of `predictions` (made by [`TabularModel::predict`] on `table`) against
    /// the target column of `table`.
    pub fn score(&self, table: &Table, predictions: &Predictions) -> Result<BTreeMap<String, f64>> {
        let y = self.preprocessor.targets(table)?;
        scores(&y, predictions)
    }

    /// Saves network, optimizer state, preprocessor and settings to one file, atomically.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let sections = file::sections(&self.contents())?;
        self.lock().save_sections(path.as_ref(), &sections, true)
    }

    /// Loads a file written by [`TabularModel::save`], by `kerust train` (also by earlier
    /// versions), or a checkpoint of either. The file is treated as untrusted.
    pub fn load(path: impl AsRef<Path>) -> Result<TabularModel> {
        let path = path.as_ref();
        let (network, meta, sections) = Sequential::load_sections(path)?;
        let contents = file::read(path, &meta, &sections)?;
        let preprocessor = &contents.preprocessor;
        let bad = |reason: String| Error::ModelFile { path: path.display().to_string(), reason };
        if network.input_dim() != Some(preprocessor.n_features()) {
            return Err(bad(format!(
                "the preprocessor makes {} features but the network takes {:?}",
                preprocessor.n_features(),
                network.input_dim()
            )));
        }
        let outputs = network.output_dim();
        let fits = match &preprocessor.labels {
            None => preprocessor.task == Task::Regression && outputs == 1,
            Some(labels) => {
                preprocessor.task == Task::Classification
                    && (outputs == labels.len() || (outputs == 1 && labels.len() == 2))
            }
        };
        if !fits {
            return Err(bad(format!(
                "a {} preprocessor does not fit a network with {outputs} outputs",
                preprocessor.task
            )));
        }
        if !network.is_compiled() {
            return Err(bad("the network has no compile configuration; it cannot continue training".into()));
        }
        Ok(TabularModel::new(network, contents))
    }

    /// Continues training on `table` (the table the model was trained on) with `spec`, up
    /// to `spec.epochs` epochs in total: what `kerust train --resume` does. The test rows are
    /// those of the first run (same seed and `test_size`) and the fitted preprocessor is
    /// kept, so no test row ever trains. Settings that define the model
    /// ([`MODEL_SETTINGS`](super::MODEL_SETTINGS)) must not change; the training ones apply
    /// (epochs, learning rate, batch size, validation split, early stopping, reduce-lr,
    /// checkpoints, class weight). A learning rate other than the last run's replaces the
    /// optimizer's; the same one keeps the optimizer's current rate (which reduce-lr may have
    /// lowered). The optimizer's state (moments, step count) carries on.
    pub fn fit_more(mut self, table: &Table, spec: &TabularSpec, options: TrainOptions) -> Result<TabularRun> {
        spec.validate()?;
        let spec = TabularSpec { seed: spec.seed.or(self.spec.seed), ..spec.clone() };
        if let Some(name) = self.spec.model_changes(&spec).first() {
            return Err(Error::invalid(
                name,
                "a new value",
                "defines the model, so a continued run keeps the one it was trained with",
            ));
        }
        if spec.epochs <= self.epochs_run {
            return Err(Error::invalid(
                "epochs",
                spec.epochs,
                format!("counts all epochs and must exceed the {} this model has run", self.epochs_run),
            ));
        }
        if spec.class_weight.is_some() && self.task() == Task::Regression {
            return Err(Error::invalid("class_weight", "set", "applies to classification, not regression"));
        }
        let seed = spec.seed.ok_or_else(|| {
            Error::invalid("seed", "none", "is not recorded in this model, so its test rows cannot be found again")
        })?;
        let clock = std::time::Instant::now();
        let cleaned = missing::clean(table, self.target(), &spec)?;
        let given = table;
        let table = cleaned.table.as_ref();
        // Scaled as in training: the stored fills, indicators and scaler; nothing is refitted.
        let (x, _) = self.preprocessor.transform(table, Unseen::Error)?;
        let y = self.preprocessor.targets(table)?;
        let stratify = (self.task() == Task::Classification).then_some(&y);
        let (train, test) = split_indices(table.n_rows(), spec.test_size, Some(seed), stratify)?;
        let split = Split {
            x_train: x.select(Axis(0), &train),
            y_train: y.select(Axis(0), &train),
            x_test: x.select(Axis(0), &test),
            y_test: y.select(Axis(0), &test),
            test_rows: test.iter().map(|&r| cleaned.original(r)).collect(),
        };
        let report = missing::report(given, self.target(), &self.preprocessor.encoding, &spec);
        if spec.learning_rate != self.spec.learning_rate {
            self.network().set_learning_rate(spec.learning_rate);
        }
        self.spec = spec;
        let preprocess = clock.elapsed().as_secs_f64();
        let mut run = self.train(split, options)?;
        run.timings.preprocess = preprocess;
        run.warnings = cleaned.warnings;
        run.missing = report;
        Ok(run)
    }
}
