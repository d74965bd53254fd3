//! Inference helpers: `predict` with a batch size, classifier helpers (`predict_proba`,
//! `predict_classes`) and `evaluate` with a batch size and sample weights.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, s};

use super::regularization::penalty;
use super::sample_weight::{check_sample_weight, loss_sum};
use super::step::forward_layers;
use super::{Logs, Sequential};
use crate::error::{Error, Result};
use crate::metrics::{MetricTracker, argmax};

/// Keras's default batch size for `predict` and `evaluate`.
const INFERENCE_BATCH: usize = 32;

/// Settings of [`Sequential::evaluate_with`]. Defaults are Keras's: batch 32, no weights.
///
/// ```
/// use kerust::model::EvaluateConfig;
/// assert_eq!(EvaluateConfig::default().batch_size, 32);
/// ```
#[derive(Debug, Clone)]
pub struct EvaluateConfig {
    /// Rows per forward pass (≥ 1). Losses of mean type do not depend on it; activity
    /// penalties (divided by the batch rows) do, as in Keras.
    pub batch_size: usize,
    /// One weight ≥ 0 per row: the loss becomes `Σ loss_i w_i / rows` (metrics stay
    /// unweighted, as Keras's `metrics`).
    pub sample_weight: Option<Array1<f32>>,
}

impl Default for EvaluateConfig {
    fn default() -> Self {
        EvaluateConfig { batch_size: INFERENCE_BATCH, sample_weight: None }
    }
}

/// A classifier's output as one probability column per class: `[1 - p, p]` for a single
/// sigmoid unit, the output as it is otherwise (softmax rows).
pub(crate) fn class_probabilities(output: Array2<f32>) -> Array2<f32> {
    if output.ncols() != 1 {
        return output;
    }
    Array2::from_shape_fn((output.nrows(), 2), |(i, j)| if j == 1 { output[[i, 0]] } else { 1.0 - output[[i, 0]] })
}

impl Sequential {
    /// Runs the model on `x` (batch, input_dim) in batches of 32, in inference mode.
    pub fn predict(&mut self, x: &Array2<f32>) -> Result<Array2<f32>> {
        self.predict_batched(x, INFERENCE_BATCH)
    }

    /// Loss and metrics of the model on `(x, y)`: Keras's `evaluate`, returned as named
    /// values (`loss`, then each metric).
    pub fn evaluate(&mut self, x: &Array2<f32>, y: &Array2<f32>) -> Result<Logs> {
        self.evaluate_with(x, y, EvaluateConfig::default())
    }

    /// Runs the model on `x` in batches of `batch_size` rows, in inference mode (Dropout off,
    /// BatchNormalization with its moving statistics). Keras's `predict(x, batch_size)`.
    pub fn predict_batched(&mut self, x: &Array2<f32>, batch_size: usize) -> Result<Array2<f32>> {
        self.ready("predict")?;
        if batch_size == 0 {
            return Err(Error::invalid("batch_size", 0, "must be at least 1"));
        }
        self.check_x("x", x.view())?;
        let mut out = Array2::zeros((x.nrows(), self.output_dim()));
        for start in (0..x.nrows()).step_by(batch_size) {
            let end = (start + batch_size).min(x.nrows());
            let y = forward_layers(&mut self.layers, x.slice(s![start..end, ..]), false);
            out.slice_mut(s![start..end, ..]).assign(&y);
        }
        Ok(out)
    }

    /// Class probabilities, one column per class (scikit-learn's `predict_proba`): for a
    /// single sigmoid output `p`, the columns `[1 - p, p]`; otherwise the model output (e.g.
    /// softmax rows) as is.
    pub fn predict_proba(&mut self, x: &Array2<f32>) -> Result<Array2<f32>> {
        Ok(class_probabilities(self.predict(x)?))
    }

    /// Predicted class of each row: `p > 0.5` for a single output (1 or 0), else the argmax
    /// of the row (the first of equal values). Keras's old `predict_classes`.
    pub fn predict_classes(&mut self, x: &Array2<f32>) -> Result<Vec<usize>> {
        let p = self.predict(x)?;
        Ok(p.rows()
            .into_iter()
            .map(|row| if row.len() == 1 { usize::from(row[0] > 0.5) } else { argmax(row) })
            .collect())
    }

    /// Keras's `evaluate(x, y, batch_size, sample_weight)`: loss (including regularization
    /// penalties, as Keras) and metrics, as named values.
    pub fn evaluate_with(&mut self, x: &Array2<f32>, y: &Array2<f32>, config: EvaluateConfig) -> Result<Logs> {
        self.ready("evaluate")?;
        if config.batch_size == 0 {
            return Err(Error::invalid("batch_size", 0, "must be at least 1"));
        }
        self.check_xy("evaluate", x.view(), y.view())?;
        let weights = config.sample_weight.as_ref().map(|w| w.view());
        if let Some(w) = weights {
            check_sample_weight(w, x.nrows())?;
        }
        Ok(self.evaluate_unchecked(x.view(), y.view(), weights, config.batch_size, ""))
    }

    /// Loss and metrics on checked data, batch by batch, keys prefixed by `prefix`. The loss
    /// of each batch includes the regularization penalties, as in Keras.
    pub(crate) fn evaluate_unchecked(
        &mut self,
        x: ArrayView2<f32>,
        y: ArrayView2<f32>,
        weights: Option<ArrayView1<f32>>,
        batch: usize,
        prefix: &str,
    ) -> Logs {
        let mut evaluation = Evaluation::new(self);
        evaluation.add(self, x, y, weights, batch);
        evaluation.logs(prefix)
    }
}

/// Loss and metrics summed over rows given in pieces (a validation set read from a file a
/// chunk at a time): pieces whose lengths are multiples of the batch size give exactly what
/// one [`Sequential::evaluate_unchecked`] over all the rows gives.
pub(crate) struct Evaluation {
    trackers: Vec<MetricTracker>,
    total: f64,
    rows: usize,
}

impl Evaluation {
    /// Nothing seen yet, for `model`'s metrics.
    pub(crate) fn new(model: &Sequential) -> Self {
        let metrics = model.compiled.as_ref().map(|c| c.metrics.as_slice()).unwrap_or_default();
        Evaluation { trackers: metrics.iter().map(MetricTracker::new).collect(), total: 0.0, rows: 0 }
    }

    /// Adds the rows `(x, y)` (checked data), in batches of `batch` rows.
    pub(crate) fn add(
        &mut self,
        model: &mut Sequential,
        x: ArrayView2<f32>,
        y: ArrayView2<f32>,
        weights: Option<ArrayView1<f32>>,
        batch: usize,
    ) {
        let Sequential { layers, compiled, .. } = model;
        let compiled = compiled.as_ref().expect("callers check compile first");
        for start in (0..x.nrows()).step_by(batch.max(1)) {
            let end = (start + batch).min(x.nrows());
            let yb = y.slice(s![start..end, ..]);
            let wb = weights.map(|w| w.slice_move(s![start..end]));
            let out = forward_layers(layers, x.slice(s![start..end, ..]), false);
            self.total += loss_sum(&compiled.loss, yb, out, wb);
            self.trackers.iter_mut().for_each(|t| t.update(yb, out));
            self.total += penalty(layers) as f64 * (end - start) as f64;
        }
        self.rows += x.nrows();
    }

    /// The mean loss and the metrics so far, keys prefixed by `prefix`.
    pub(crate) fn logs(&self, prefix: &str) -> Logs {
        let mut logs = Logs::default();
        logs.set(&format!("{prefix}loss"), (self.total / self.rows.max(1) as f64) as f32);
        for t in &self.trackers {
            logs.set(&format!("{prefix}{}", t.name()), t.result());
        }
        logs
    }
}
