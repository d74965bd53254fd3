//! Baselines to compare a run with ("is this model any good?"): a constant predictor (the
//! training mean, or the most frequent class) and the lesson's single perceptron trained with
//! the run's other settings and seed (did depth pay off?).

use std::collections::{BTreeMap, HashSet};

use ndarray::Array2;

use super::{TabularRun, TabularSpec, TrainOptions};
use crate::callbacks::StopFlag;
use crate::data::Table;
use crate::error::Result;
use crate::metrics::{
    Average, accuracy_score, f1_score, mean_absolute_error, mean_absolute_percentage_error, r2_score,
    root_mean_squared_error,
};

/// A model a run is compared with, and its metrics on the run's test rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    /// What it is (`constant: the training mean of MEDV (22.5328)`).
    pub name: String,
    /// The test metrics, under the run's metric names.
    pub metrics: BTreeMap<String, f64>,
}

impl TabularRun {
    /// The constant baseline: the mean of the training targets (regression) or their most
    /// frequent class, predicted for every test row. `table` is the table the run trained on.
    ///
    /// ```
    /// use kerust::prelude::*;
    /// let table = datasets::load("iris")?;
    /// let spec = TabularSpec { epochs: 30, layers: vec![16], learning_rate: 0.01, seed: Some(1), ..TabularSpec::default() };
    /// let run = spec.fit(&table, "species")?;
    /// let constant = run.constant_baseline(&table)?;
    /// assert!(constant.metrics["accuracy"] < run.test.metrics["accuracy"]);
    /// # Ok::<(), kerust::Error>(())
    /// ```
    pub fn constant_baseline(&self, table: &Table) -> Result<Baseline> {
        let (model, test) = (&self.model, &self.test);
        let in_test: HashSet<usize> = test.rows.iter().copied().collect();
        let train: Vec<usize> = (0..table.n_rows()).filter(|r| !in_test.contains(r)).collect();
        let y = model.preprocessor().targets(&table.take_rows(&train)?)?;
        let values: Vec<f32> = y.iter().copied().filter(|v| v.is_finite()).collect();
        let n = test.y.nrows();
        let mut metrics = BTreeMap::new();
        let name = match test.predictions.classes() {
            None => {
                let mean = values.iter().map(|&v| f64::from(v)).sum::<f64>() / values.len().max(1) as f64;
                let p = Array2::from_elem((n, 1), mean as f32);
                metrics.insert("rmse".into(), root_mean_squared_error(&test.y, &p)?);
                metrics.insert("mae".into(), mean_absolute_error(&test.y, &p)?);
                metrics.insert("r2".into(), r2_score(&test.y, &p)?);
                metrics.insert("mape".into(), mean_absolute_percentage_error(&test.y, &p)?);
                format!("constant: the training mean of {} ({mean:.4})", model.target())
            }
            Some(_) => {
                let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
                for v in &values {
                    *counts.entry(*v as i64).or_default() += 1;
                }
                let majority = counts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).map_or(0, |(c, _)| *c);
                let p = Array2::from_elem((n, 1), majority as f32);
                metrics.insert("accuracy".into(), accuracy_score(&test.y, &p)?);
                metrics.insert("f1_macro".into(), f1_score(&test.y, &p, Average::Macro)?);
                let label = model.preprocessor().labels.as_ref().and_then(|l| l.label(majority as usize));
                format!("constant: the most frequent class ({})", label.unwrap_or("?"))
            }
        };
        Ok(Baseline { name, metrics })
    }
}

impl TabularSpec {
    /// The perceptron baseline: this spec without hidden layers (same seed `seed`, no
    /// checkpoints, one thread, silent) trained on `table`, and its test metrics. `None` for a
    /// spec without hidden layers (it is that perceptron). One thread, so that it can run
    /// beside the run it is compared with; `stop_flag` ends it early.
    ///
    /// ```
    /// use kerust::prelude::*;
    /// let table = datasets::load("boston_housing")?;
    /// let spec = TabularSpec { epochs: 5, layers: vec![16], seed: Some(1), ..TabularSpec::default() };
    /// let perceptron = spec.perceptron_baseline(&table, "MEDV", 1, None)?.expect("a hidden layer");
    /// assert!(perceptron.metrics.contains_key("rmse"));
    /// # Ok::<(), kerust::Error>(())
    /// ```
    pub fn perceptron_baseline(
        &self,
        table: &Table,
        target: &str,
        seed: u64,
        stop_flag: Option<StopFlag>,
    ) -> Result<Option<Baseline>> {
        if self.layers.is_empty() {
            return Ok(None);
        }
        let perceptron = TabularSpec {
            layers: Vec::new(),
            seed: Some(seed),
            checkpoint_every: None,
            threads: Some(1),
            ..self.clone()
        };
        let fitted = perceptron.fit_with(table, target, TrainOptions { stop_flag, ..Default::default() })?;
        Ok(Some(Baseline {
            name: "single perceptron (no hidden layer, same settings)".into(),
            metrics: fitted.test.metrics,
        }))
    }
}
