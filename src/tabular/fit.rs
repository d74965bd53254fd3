//! [`TabularSpec::fit`]: the workflow `kerust train` runs, as one call — encode the table
//! (categoricals one-hot), split off the test rows (stratified for classes), fit the scaler on
//! the training rows only, build and compile the network, train, and score the test rows.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use ndarray::Array2;

use super::checkpoint::Checkpoint;
use super::divergence::{Divergence, Watch};
use super::file::Contents;
use super::missing::{self, MissingReport};
use super::model::TabularModel;
use super::predictions::Predictions;
use super::rows::{Prepared, spec_callbacks};
use super::scoring::{confusion, scores};
use super::spec::TabularSpec;
use crate::callbacks::{Callback, StopFlag};
use crate::data::Table;
use crate::error::{Error, Result};
use crate::model::{FitConfig, History, Sequential};

/// How a run reports and where it may write; none of it changes the trained weights.
#[derive(Default)]
pub struct TrainOptions {
    /// 0 (default) silent; 1 Keras's progress bar, 2 one line per epoch — with 1 or 2 the
    /// network summary and a line about the data come first.
    pub verbose: u8,
    /// Stops training after the current batch when set (e.g. `StopFlag::ctrl_c()`); the run
    /// still returns, with `History::interrupted()`.
    pub stop_flag: Option<StopFlag>,
    /// The folder for [`TabularSpec::checkpoint_every`]'s files.
    pub checkpoint_dir: Option<PathBuf>,
    /// Further callbacks, run after the workflow's own (early stopping, reduce-lr, checkpoints).
    pub callbacks: Vec<Box<dyn Callback>>,
    /// Train across processes ([`FitConfig::ranks`]): every rank runs the same call.
    pub ranks: Option<std::rc::Rc<dyn crate::model::Exchange>>,
}

/// Seconds spent in each phase of a run.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Timings {
    /// Encoding, splitting, scaling.
    pub preprocess: f64,
    /// `fit`.
    pub train: f64,
    /// Predicting and scoring the test rows.
    pub evaluate: f64,
}

/// The held-out test rows and how the trained model does on them.
#[derive(Debug, Clone)]
pub struct TestSplit {
    /// Their positions in the table (0-based), in the order of the other fields.
    pub rows: Vec<usize>,
    /// Their targets as the model sees them: values, or class indices.
    pub y: Array2<f32>,
    /// The model's answers.
    pub predictions: Predictions,
    /// `rmse`, `mae`, `r2`, `mape` (regression) or `accuracy`, `f1_macro` (classification).
    pub metrics: BTreeMap<String, f64>,
    /// Classification: `[true][predicted]` counts over every class of the label map.
    pub confusion: Option<Array2<usize>>,
    /// The test rows `metrics` and `confusion` cover: `rows.len()`, or more for a streamed
    /// run that kept only the first [`StreamOptions::keep_test_rows`](super::StreamOptions::keep_test_rows).
    pub scored_rows: usize,
}

/// What [`TabularSpec::fit`] returns.
#[derive(Debug)]
pub struct TabularRun {
    /// The trained model (preprocessor + network), ready to save or predict.
    pub model: TabularModel,
    /// `loss`, metrics and `val_*` per epoch of this run.
    pub history: History,
    /// The held-out rows, their predictions and metrics.
    pub test: TestSplit,
    /// The seed of every random step (the one given, or the one drawn).
    pub seed: u64,
    /// Rows that trained (the validation rows included); the rest are `test.rows`.
    pub train_rows: usize,
    /// Time per phase.
    pub timings: Timings,
    /// What the run forgave (rows dropped for a missing target, columns left out, ...).
    pub warnings: Vec<String>,
    /// What became of each column's missing values.
    pub missing: Vec<MissingReport>,
    /// Set when the loss became NaN or infinite: training stopped there and the model holds
    /// the weights of the last finite epoch (see [`Divergence`]).
    pub diverged: Option<Divergence>,
    /// The threads each batch was split over (1: not split; see
    /// [`Sequential::split_threads`](crate::model::Sequential::split_threads)).
    pub split_threads: usize,
}

/// Train and test arrays, scaled.
pub(crate) struct Split {
    pub(crate) x_train: Array2<f32>,
    pub(crate) y_train: Array2<f32>,
    pub(crate) x_test: Array2<f32>,
    pub(crate) y_test: Array2<f32>,
    pub(crate) test_rows: Vec<usize>,
}

impl TabularSpec {
    /// Trains a model to predict column `target` of `table` (silently; see
    /// [`TabularSpec::fit_with`]).
    pub fn fit(&self, table: &Table, target: &str) -> Result<TabularRun> {
        self.fit_with(table, target, TrainOptions::default())
    }

    /// [`TabularSpec::fit`] with progress output, a stop flag, a checkpoint folder or more
    /// callbacks.
    pub fn fit_with(&self, table: &Table, target: &str, options: TrainOptions) -> Result<TabularRun> {
        let clock = Instant::now();
        let data = Prepared::new(table, target, self)?;
        let mut warnings = data.cleaned.warnings.clone();
        let seed = self.seed.unwrap_or_else(crate::tabular::random_seed);
        let (train, test) = data.test_split(self.test_size, self.test_selection, seed)?;
        let (preprocessor, x) = data.preprocess(self, &train, &mut warnings)?;
        let (x_train, y_train) = data.select(&preprocessor, &x, &train)?;
        let (x_test, y_test) = data.select(&preprocessor, &x, &test)?;
        let test_rows = test.iter().map(|&r| data.cleaned.original(r)).collect();
        let split = Split { x_train, y_train, x_test, y_test, test_rows };
        let missing = missing::report(table, target, &preprocessor.encoding, self);
        let network = data.network(self, &preprocessor, seed)?;
        let spec = TabularSpec { seed: Some(seed), ..self.clone() };
        if options.verbose > 0 {
            println!("{}", network.summary());
            println!(
                "{} rows ({}), target {target} ({}); {} train / {} test rows; {} features",
                data.rows(),
                data.table().source(),
                data.task,
                split.x_train.nrows(),
                split.x_test.nrows(),
                preprocessor.n_features()
            );
        }
        let preprocess = clock.elapsed().as_secs_f64();
        let contents = Contents { preprocessor, spec, epochs_run: 0, test_metrics: BTreeMap::new() };
        let model = TabularModel::new(network, contents);
        let mut run = model.train(split, options)?;
        run.timings.preprocess = preprocess;
        run.warnings = warnings;
        run.missing = missing;
        Ok(run)
    }
}

impl TabularModel {
    /// Trains the network on `split` from epoch `self.epochs_run` to `self.spec.epochs`,
    /// then scores the test rows.
    pub(crate) fn train(self, split: Split, options: TrainOptions) -> Result<TabularRun> {
        let Split { x_train, y_train, x_test, y_test, test_rows } = split;
        let validation_split = self.spec.validation_split;
        let train_rows = x_train.nrows();
        self.train_by(
            options,
            validation_split,
            train_rows,
            |network, config| network.fit(&x_train, &y_train, config),
            |network| Ok(TestRows { output: network.predict(&x_test)?, y: y_test, rows: test_rows, scored: None }),
        )
    }

    /// The workflow's training around `fit` (a fit on arrays, or on chunks of a file, with
    /// `validation_split` for the config): its callbacks (early stopping, checkpoints, the
    /// divergence watch), the test rows scored by `test`, the [`TabularRun`].
    pub(crate) fn train_by(
        mut self,
        options: TrainOptions,
        validation_split: f64,
        train_rows: usize,
        fit: impl FnOnce(&mut Sequential, FitConfig) -> Result<History>,
        test: impl FnOnce(&mut Sequential) -> Result<TestRows>,
    ) -> Result<TabularRun> {
        let spec = self.spec.clone();
        let mut callbacks = spec_callbacks(&spec);
        if let Some(every) = spec.checkpoint_every {
            let dir = options.checkpoint_dir.clone().ok_or_else(|| {
                Error::invalid("checkpoint_every", every, "needs a folder: set TrainOptions::checkpoint_dir")
            })?;
            let contents = Contents { test_metrics: BTreeMap::new(), ..self.contents() };
            callbacks.push(Box::new(Checkpoint { dir, every, contents }));
        }
        callbacks.extend(options.callbacks);
        // Last, so that the checkpoints and the user's callbacks see the NaN epoch first.
        let watch = Watch::shared();
        callbacks.push(Box::new(watch.clone()));
        let config = FitConfig {
            epochs: spec.epochs,
            batch_size: spec.batch_size,
            validation_split,
            verbose: options.verbose,
            callbacks,
            stop_flag: options.stop_flag,
            initial_epoch: self.epochs_run,
            class_weight: spec.class_weight.clone(),
            threads: spec.threads,
            ranks: options.ranks,
            ..Default::default()
        };
        let clock = Instant::now();
        let network = self.network();
        let split_threads = network.split_threads(&config);
        if options.verbose > 0 {
            println!("{}", threads_line(split_threads, config.threads));
        }
        let history = fit(network, config)?;
        let taken = watch.borrow_mut().take();
        let diverged = match taken {
            Some((divergence, last_finite)) => {
                network.set_weights(&last_finite.weights)?;
                if let Some(optimizer) = last_finite.optimizer {
                    network.restore_optimizer(optimizer);
                }
                Some(divergence)
            }
            None => None,
        };
        let train = clock.elapsed().as_secs_f64();

        let clock = Instant::now();
        let TestRows { output, y: y_test, rows, scored } = test(network)?;
        let predictions = self.preprocessor.answers(output, Vec::new());
        let (metrics, confusion, scored_rows) = match scored {
            Some(scored) => scored,
            None => {
                let metrics = scores(&y_test, &predictions)?;
                (metrics, confusion(&self.preprocessor, &y_test, &predictions)?, rows.len())
            }
        };
        self.epochs_run = match &diverged {
            // The model holds the weights of that epoch, not of the one that diverged.
            Some(d) => d.restored_epoch.max(self.epochs_run),
            None => history.epoch().last().map_or(self.epochs_run, |e| e + 1),
        };
        self.test_metrics = metrics.clone();
        let test = TestSplit { rows, y: y_test, predictions, metrics, confusion, scored_rows };
        let timings = Timings { preprocess: 0.0, train, evaluate: clock.elapsed().as_secs_f64() };
        let seed = spec.seed.unwrap_or_default();
        Ok(TabularRun {
            model: self,
            history,
            test,
            seed,
            train_rows,
            timings,
            warnings: Vec::new(),
            missing: Vec::new(),
            diverged,
            split_threads,
        })
    }
}

/// The test rows after training: the network's output on them, their targets and their
/// positions in the table; and, when these are only some of the test rows, the metrics,
/// confusion matrix and count of all of them.
pub(crate) struct TestRows {
    pub(crate) output: Array2<f32>,
    pub(crate) y: Array2<f32>,
    pub(crate) rows: Vec<usize>,
    pub(crate) scored: Option<Scored>,
}

/// Metrics, a classifier's confusion matrix, and the rows they cover.
pub(crate) type Scored = (BTreeMap<String, f64>, Option<Array2<usize>>, usize);

/// What the progress output says of the threads: how many, and whether the batches are split.
fn threads_line(split: usize, asked: Option<usize>) -> String {
    let threads = asked.unwrap_or_else(crate::model::default_threads);
    match (split, threads) {
        (1, 1) => "Threads: 1".to_string(),
        (1, t) => format!("Threads: 1 (steps this small gain nothing from a split over {t})"),
        (s, _) => format!("Threads: {s}, each batch split over them"),
    }
}
