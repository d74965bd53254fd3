//! The data half of [`TabularSpec::fit`], usable on any rows: a tuning study evaluates many
//! settings on one test split, and k-fold cross-validation fits on folds of the training rows,
//! so "which rows train" must be an argument rather than a consequence of the seed.

use ndarray::{Array2, Axis};

use super::missing::{self, Cleaned, Missing};
use super::network::{metric_for, output_for};
use super::preprocessor::Preprocessor;
use super::selection::{TestSelection, hashed_split};
use super::spec::TabularSpec;
use super::task::Task;
use crate::callbacks::{Callback, EarlyStopping, ReduceLROnPlateau};
use crate::data::{ColumnType, Encoding, LabelMap, Table, TargetEncoding};
use crate::error::{Error, Result};
use crate::losses::Loss;
use crate::model::Sequential;
use crate::preprocessing::split_indices;

/// A table checked and cleaned for a spec, with its target encoded: everything of a run that
/// does not depend on which rows train.
pub(crate) struct Prepared<'a> {
    pub(crate) cleaned: Cleaned<'a>,
    pub(crate) target: String,
    pub(crate) task: Task,
    /// Targets as the model sees them: values, or class indices, `(rows, 1)`.
    pub(crate) y: Array2<f32>,
    pub(crate) labels: Option<LabelMap>,
    /// The feature columns (every column but the target), by position.
    features: Vec<usize>,
}

impl<'a> Prepared<'a> {
    /// Validates `spec`, drops or keeps the rows with gaps as it says, infers the task and
    /// encodes the target.
    pub(crate) fn new(table: &'a Table, target: &str, spec: &TabularSpec) -> Result<Self> {
        spec.validate()?;
        let cleaned = missing::clean(table, target, spec)?;
        let table = cleaned.table.as_ref();
        let rows = table.n_rows();
        if rows < 4 {
            return Err(Error::Csv {
                file: table.source().to_string(),
                line: None,
                column: None,
                reason: format!(
                    "{rows} data row(s){}; training needs at least 4 (rows are held out for the test metrics and for validation)",
                    if cleaned.kept.is_some() { " left after dropping rows with gaps" } else { "" }
                ),
            });
        }
        let task = match spec.task {
            Some(Task::Regression) if table.column_type(target)? == ColumnType::Categorical => {
                return Err(Error::invalid(
                    "task",
                    "regression",
                    format!("needs a numeric target, but {target:?} holds text"),
                ));
            }
            Some(task) => task,
            None => Task::infer(table, target)?,
        };
        if spec.class_weight.is_some() && task == Task::Regression {
            return Err(Error::invalid(
                "class_weight",
                "set",
                format!("applies to classification; the target {target:?} is a regression target"),
            ));
        }
        let how = match task {
            Task::Regression => TargetEncoding::Values,
            Task::Classification => TargetEncoding::ClassIndices,
        };
        let t = table.index_of(target)?;
        let (y, labels) = table.encode_target(target, t, how)?;
        if task == Task::Classification && labels.as_ref().map_or(0, |l| l.len()) < 2 {
            return Err(Error::InvalidTarget {
                what: format!("{}, column {target:?}", table.source()),
                reason: "it holds a single class; a classifier needs at least two".into(),
            });
        }
        let features: Vec<usize> = (0..table.n_cols()).filter(|&c| c != t).collect();
        if features.is_empty() {
            return Err(Error::Csv {
                file: table.source().to_string(),
                line: None,
                column: Some(target.to_string()),
                reason: format!(
                    "the target {target:?} is the only column: there are no feature columns to learn from; add feature columns, or choose another target"
                ),
            });
        }
        if let Some(loss) = spec.loss {
            check_loss(loss, task, labels.as_ref().map_or(0, |l| l.len()), target)?;
        }
        Ok(Prepared { target: target.to_string(), task, y, labels, features, cleaned })
    }

    /// The cleaned table (rows with gaps dropped when the spec says so).
    pub(crate) fn table(&self) -> &Table {
        self.cleaned.table.as_ref()
    }

    /// Rows of the cleaned table.
    pub(crate) fn rows(&self) -> usize {
        self.table().n_rows()
    }

    /// `TabularSpec::fit`'s `(train, test)` rows for `seed`, as `selection` picks them
    /// (a shuffle is stratified for classes; a hash goes by each row's place in the table
    /// as given, before rows with gaps were dropped).
    pub(crate) fn test_split(
        &self,
        test_size: f64,
        selection: TestSelection,
        seed: u64,
    ) -> Result<(Vec<usize>, Vec<usize>)> {
        match selection {
            TestSelection::Shuffle => {
                let stratify = (self.task == Task::Classification).then_some(&self.y);
                split_indices(self.rows(), test_size, Some(seed), stratify)
            }
            TestSelection::Hash => hashed_split(self.rows(), test_size, seed, |r| self.cleaned.original(r)),
        }
    }

    /// The preprocessor fitted on `train` rows alone (imputation fills and scaler), and the
    /// encoded, unscaled features of every row.
    pub(crate) fn preprocess(
        &self,
        spec: &TabularSpec,
        train: &[usize],
        warnings: &mut Vec<String>,
    ) -> Result<(Preprocessor, Array2<f32>)> {
        let table = self.table();
        let mut encoding = Encoding::fit_at(table, &self.features, false);
        if spec.missing == Missing::Impute {
            missing::fit_fills(&mut encoding, table, train, spec, warnings)?;
        }
        let x = encoding.transform(table)?;
        let scaler = spec.scaler.fit(&x.select(Axis(0), train))?;
        let preprocessor = Preprocessor {
            target: self.target.clone(),
            task: self.task,
            encoding,
            scaler,
            labels: self.labels.clone(),
        };
        Ok((preprocessor, x))
    }

    /// `rows` of the encoded features `x`, scaled by `pre`, and their targets.
    pub(crate) fn select(
        &self,
        pre: &Preprocessor,
        x: &Array2<f32>,
        rows: &[usize],
    ) -> Result<(Array2<f32>, Array2<f32>)> {
        Ok((pre.scaler.transform(&x.select(Axis(0), rows))?, self.y.select(Axis(0), rows)))
    }

    /// The network of `spec` for this data, compiled (initial weights from `seed`).
    pub(crate) fn network(&self, spec: &TabularSpec, pre: &Preprocessor, seed: u64) -> Result<Sequential> {
        compiled_network(spec, pre, seed)
    }
}

/// The network of `spec` for the data `pre` encodes, compiled (initial weights from `seed`).
pub(crate) fn compiled_network(spec: &TabularSpec, pre: &Preprocessor, seed: u64) -> Result<Sequential> {
    let classes = pre.labels.as_ref().map_or(0, |l| l.len());
    let (units, activation, auto_loss) = output_for(pre.task, classes);
    let mut network = spec.network(pre.n_features(), units, activation, Some(seed));
    let mut optimizer = spec.optimizer.build();
    optimizer.set_learning_rate(spec.learning_rate);
    network.compile(optimizer, spec.loss.unwrap_or(auto_loss), &[metric_for(pre.task)])?;
    Ok(network)
}

/// A loss that cannot train the network [`output_for`] builds for this target is a mistake
/// in the settings, named with the target: cross-entropy on continuous values, a regression
/// loss on classes, or a cross-entropy for the other kind of output.
pub(crate) fn check_loss(loss: Loss, task: Task, classes: usize, target: &str) -> Result<()> {
    let (_, _, fits) = output_for(task, classes);
    let crossentropy = |l: Loss| {
        matches!(
            l,
            Loss::BinaryCrossentropy { .. }
                | Loss::CategoricalCrossentropy { .. }
                | Loss::SparseCategoricalCrossentropy { .. }
        )
    };
    let rule = match task {
        Task::Regression if crossentropy(loss) => format!(
            "is a classification loss, but the target {target:?} is a regression target (continuous values); use mse, mae or huber, or set the task to classification"
        ),
        Task::Classification if !crossentropy(loss) => format!(
            "is a regression loss, but the target {target:?} is a classification target ({classes} classes); use {} or set the task to regression",
            fits.name()
        ),
        Task::Classification if std::mem::discriminant(&loss) != std::mem::discriminant(&fits) => format!(
            "does not fit the target {target:?} ({classes} classes, {}); use {}",
            if classes == 2 { "one sigmoid output" } else { "a softmax output over class indices" },
            fits.name()
        ),
        _ => return Ok(()),
    };
    Err(Error::invalid("loss", loss.name(), rule))
}

/// The callbacks a spec asks for: early stopping (restoring the best weights) and reduce-lr.
pub(crate) fn spec_callbacks(spec: &TabularSpec) -> Vec<Box<dyn Callback>> {
    let mut callbacks: Vec<Box<dyn Callback>> = Vec::new();
    if let Some(patience) = spec.early_stopping {
        callbacks.push(Box::new(EarlyStopping::new().patience(patience).restore_best_weights(true)));
    }
    if let Some(patience) = spec.reduce_lr {
        callbacks.push(Box::new(ReduceLROnPlateau::new().patience(patience)));
    }
    callbacks
}
