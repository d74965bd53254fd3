//! `Sequential`: a stack of layers, compiled with an optimizer, a loss and metrics.

use ndarray::{Array2, ArrayD, ArrayView1, ArrayView2, s};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::Logs;
use super::regularization::penalty;
use super::sample_weight::loss_sum;
use super::summary::{SummaryRow, render, thousands};
use super::validate::{check_finite, check_rows, check_width};
use crate::error::{Error, Result};
use crate::layers::{Buffer, Layer, LayerConfig};
use crate::losses::Loss;
use crate::metrics::{Metric, MetricTracker};
use crate::optimizers::{Optimizer, OptimizerConfig};

/// Random streams derived from the model seed, one per purpose (DESIGN principle 4).
pub(crate) const STREAM_INIT: u64 = 0;
pub(crate) const STREAM_SHUFFLE: u64 = 1;
/// Dropout masks of layer `i` use stream `STREAM_NOISE + i` (unless the layer has a seed).
pub(crate) const STREAM_NOISE: u64 = 1 << 32;

/// Keras's default batch size for `predict` and `evaluate`.
const INFERENCE_BATCH: usize = 32;

/// What `compile` fixed.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub(crate) optimizer: Box<dyn Optimizer>,
    pub(crate) loss: Loss,
    /// Each metric as given (its name is the History key) and as resolved for this model.
    pub(crate) metrics: Vec<(Metric, Metric)>,
    /// The output layer takes the fused cross-entropy gradient.
    pub(crate) fused: bool,
}

/// A linear stack of layers: Keras's `Sequential`.
///
/// ```
/// use kerust::prelude::*;
/// let mut model = Sequential::new().seed(42);
/// model.add(Dense::new(8).input_dim(3).activation(Activation::Relu));
/// model.add(Dense::new(1));
/// model.compile(Adam::new(0.01), Loss::MeanSquaredError, &[Metric::MeanAbsoluteError])?;
/// assert_eq!(model.count_params(), 3 * 8 + 8 + 8 + 1);
/// # Ok::<(), kerust::Error>(())
/// ```
#[derive(Debug)]
pub struct Sequential {
    pub(crate) name: String,
    pub(crate) layers: Vec<Box<dyn Layer>>,
    seed: Option<u64>,
    pub(crate) built: bool,
    pub(crate) compiled: Option<Compiled>,
    pub(crate) dloss: Buffer, // (batch, outputs): dL/d(output) or dL/dz when fused
}

impl Default for Sequential {
    fn default() -> Self {
        Sequential::new()
    }
}

impl Sequential {
    /// An empty model named `sequential`, with no seed (a random one is drawn when built).
    pub fn new() -> Self {
        Sequential {
            name: "sequential".into(),
            layers: Vec::new(),
            seed: None,
            built: false,
            compiled: None,
            dloss: Buffer::default(),
        }
    }

    /// Sets the seed of every random step of this model (initial weights, shuffling):
    /// same seed, same data, same settings ⇒ bit-identical weights and History.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self.built = false;
        self
    }

    /// Renames the model (shown by `summary`).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The seed in use: the one given, or the one drawn at build time (for run records).
    pub fn seed_used(&self) -> Option<u64> {
        self.seed
    }

    /// Appends a layer. Unnamed layers get Keras-style names: `dense`, `dense_1`, ...
    pub fn add(&mut self, mut layer: impl Layer + 'static) {
        if !layer.has_name() {
            let base = snake_case(layer.class_name());
            let taken = |n: &str| self.layers.iter().any(|l| l.name() == n);
            let mut name = base.clone();
            let mut k = 0;
            while taken(&name) {
                k += 1;
                name = format!("{base}_{k}");
            }
            layer.set_name(name);
        }
        self.layers.push(Box::new(layer));
        self.built = false;
        self.compiled = None;
    }

    /// The layers, in order.
    pub fn layers(&self) -> &[Box<dyn Layer>] {
        &self.layers
    }

    /// The layer configurations, in order (Keras's `get_config()["layers"]`).
    pub fn layer_configs(&self) -> Vec<LayerConfig> {
        self.layers.iter().map(|l| l.config()).collect()
    }

    /// Creates every layer's weights from the model seed. Called by `compile` (and by
    /// `summary`); a later `add` or `seed` makes it run again.
    pub fn build(&mut self) -> Result<()> {
        if self.built {
            return Ok(());
        }
        let first = self.layers.first().ok_or_else(|| Error::NotBuilt {
            reason: "the model has no layers; add one with model.add(Dense::new(units).input_dim(n))".into(),
        })?;
        let mut width = first.declared_input_dim().ok_or_else(|| Error::NotBuilt {
            reason: format!(
                "the first layer ({:?}) has no input dimension; declare it with .input_dim(n_features)",
                first.name()
            ),
        })?;
        let seed = *self.seed.get_or_insert_with(rand::random);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(STREAM_INIT);
        for (i, layer) in self.layers.iter_mut().enumerate() {
            if let Some(declared) = layer.declared_input_dim().filter(|&d| i > 0 && d != width) {
                return Err(Error::NotBuilt {
                    reason: format!(
                        "layer {:?} declares input_dim={declared}, but the layer before it outputs {width} values; remove input_dim from layers after the first",
                        layer.name()
                    ),
                });
            }
            layer.build(width, &mut rng)?;
            layer.set_input_gradient(i > 0);
            let mut noise = ChaCha8Rng::seed_from_u64(seed);
            noise.set_stream(STREAM_NOISE + i as u64);
            layer.seed_noise(noise);
            width = layer.output_dim();
        }
        self.built = true;
        Ok(())
    }

    /// Fixes the optimizer, the loss and the metrics. Builds the model first.
    ///
    /// Errors if the model cannot be built or a hyper-parameter is out of range.
    pub fn compile(&mut self, optimizer: impl Into<Box<dyn Optimizer>>, loss: Loss, metrics: &[Metric]) -> Result<()> {
        self.build()?;
        let optimizer = optimizer.into();
        optimizer.validate()?;
        if let Loss::Huber { delta } = loss
            && !(delta.is_finite() && delta > 0.0)
        {
            return Err(Error::invalid("delta", delta, "of the huber loss must be a finite number > 0"));
        }
        let outputs = self.output_dim();
        let last = self.layers.last_mut().ok_or_else(|| Error::NotBuilt { reason: "no layers".into() })?;
        let fused = last.fuse_output_activation(&loss);
        let metrics = metrics.iter().map(|&m| (m, m.resolve(&loss, outputs))).collect();
        self.compiled = Some(Compiled { optimizer, loss, metrics, fused });
        Ok(())
    }

    /// Whether `compile` has been called since the last change of layers.
    pub fn is_compiled(&self) -> bool {
        self.compiled.is_some()
    }

    /// The loss given to `compile`.
    pub fn loss(&self) -> Option<Loss> {
        self.compiled.as_ref().map(|c| c.loss)
    }

    /// The optimizer's configuration, if compiled.
    pub fn optimizer_config(&self) -> Option<OptimizerConfig> {
        self.compiled.as_ref().map(|c| c.optimizer.config())
    }

    /// The optimizer's current learning rate, if compiled.
    pub fn learning_rate(&self) -> Option<f32> {
        self.compiled.as_ref().map(|c| c.optimizer.learning_rate())
    }

    /// Changes the learning rate of the compiled optimizer (no-op before `compile`).
    pub fn set_learning_rate(&mut self, learning_rate: f32) {
        if let Some(c) = self.compiled.as_mut() {
            c.optimizer.set_learning_rate(learning_rate);
        }
    }

    /// Optimizer steps taken so far (0 before `compile`).
    pub fn iterations(&self) -> u64 {
        self.compiled.as_ref().map_or(0, |c| c.optimizer.iterations())
    }

    /// The metrics given to `compile`, in order.
    pub fn metrics(&self) -> Vec<Metric> {
        self.compiled.as_ref().map(|c| c.metrics.iter().map(|&(m, _)| m).collect()).unwrap_or_default()
    }

    /// Width of the model input (the first layer's `input_dim`), if declared.
    pub fn input_dim(&self) -> Option<usize> {
        self.layers.first().and_then(|l| l.declared_input_dim())
    }

    /// Width of the model output (the last layer's units); 0 without layers.
    pub fn output_dim(&self) -> usize {
        self.layers.last().map_or(0, |l| l.output_dim())
    }

    /// Total number of scalars in the weights (trainable and not).
    pub fn count_params(&self) -> usize {
        self.layers.iter().map(|l| l.trainable_params() + l.non_trainable_params()).sum()
    }

    /// Keras's `model.summary()` text: layers, output shapes, parameter counts and totals.
    /// Builds the model if it can; an unbuildable model shows its layers as `(unbuilt)`.
    pub fn summary(&mut self) -> String {
        let built = self.build().is_ok();
        let rows: Vec<SummaryRow> = self
            .layers
            .iter()
            .map(|l| SummaryRow {
                layer: format!("{} ({})", l.name(), l.class_name()),
                output_shape: format!("(None, {})", l.output_dim()),
                params: if built {
                    thousands(l.trainable_params() + l.non_trainable_params())
                } else {
                    "0 (unbuilt)".into()
                },
            })
            .collect();
        let trainable = self.layers.iter().map(|l| l.trainable_params()).sum();
        let non_trainable = self.layers.iter().map(|l| l.non_trainable_params()).sum();
        render(&self.name, &rows, trainable, non_trainable)
    }

    /// All weights in Keras's order: `[kernel_0, bias_0, kernel_1, bias_1, ...]`.
    pub fn get_weights(&self) -> Vec<ArrayD<f32>> {
        self.layers.iter().flat_map(|l| l.weights()).map(|w| w.to_owned()).collect()
    }

    /// Replaces all weights (same order and shapes as [`Sequential::get_weights`]).
    /// Builds the model first. Errors on a wrong count, a wrong shape, or NaN/inf.
    pub fn set_weights(&mut self, weights: &[ArrayD<f32>]) -> Result<()> {
        self.build()?;
        let expected: usize = self.layers.iter().map(|l| l.weights().len()).sum();
        if weights.len() != expected {
            return Err(Error::WeightCount { expected, got: weights.len() });
        }
        let mut index = 0;
        for layer in &self.layers {
            for (w, name) in layer.weights().iter().zip(layer.weight_names()) {
                let got = &weights[index];
                if got.shape() != w.shape() {
                    return Err(Error::WeightShape {
                        index,
                        name: format!("{}/{name}", layer.name()),
                        expected: w.shape().to_vec(),
                        got: got.shape().to_vec(),
                    });
                }
                if let Some(v) = got.iter().find(|v| !v.is_finite()) {
                    return Err(Error::invalid("weights", v, format!("array {index} must hold finite values only")));
                }
                index += 1;
            }
        }
        let mut rest = weights;
        for layer in &mut self.layers {
            let n = layer.weights().len();
            layer.set_weights(&rest[..n]);
            rest = &rest[n..];
        }
        Ok(())
    }

    /// Runs the model on `x` (batch, input_dim) in batches of 32, in inference mode.
    pub fn predict(&mut self, x: &Array2<f32>) -> Result<Array2<f32>> {
        self.predict_batched(x, INFERENCE_BATCH)
    }

    /// Loss and metrics of the model on `(x, y)`: Keras's `evaluate`, returned as named
    /// values (`loss`, then each metric).
    pub fn evaluate(&mut self, x: &Array2<f32>, y: &Array2<f32>) -> Result<Logs> {
        self.ready("evaluate")?;
        self.check_xy("evaluate", x.view(), y.view())?;
        Ok(self.evaluate_unchecked(x.view(), y.view(), None, INFERENCE_BATCH, ""))
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
        let compiled = self.compiled.as_ref().expect("callers check compile first");
        let loss = compiled.loss;
        let mut trackers: Vec<MetricTracker> =
            compiled.metrics.iter().map(|&(m, r)| MetricTracker::new(m, r)).collect();
        let mut total = 0.0f64;
        for start in (0..x.nrows()).step_by(batch.max(1)) {
            let end = (start + batch).min(x.nrows());
            let yb = y.slice(s![start..end, ..]);
            let wb = weights.map(|w| w.slice_move(s![start..end]));
            let out = self.forward(x.slice(s![start..end, ..]), false);
            total += loss_sum(&loss, yb, out, wb);
            trackers.iter_mut().for_each(|t| t.update(yb, out));
            total += penalty(&self.layers) as f64 * (end - start) as f64;
        }
        let mut logs = Logs::default();
        logs.set(&format!("{prefix}loss"), (total / x.nrows().max(1) as f64) as f32);
        for t in &trackers {
            logs.set(&format!("{prefix}{}", t.name()), t.result());
        }
        logs
    }

    /// Forward pass through every layer. x: (batch, input_dim) -> (batch, outputs).
    pub(crate) fn forward(&mut self, x: ArrayView2<f32>, training: bool) -> ArrayView2<'_, f32> {
        forward_layers(&mut self.layers, x, training)
    }

    /// Checks that the model is built and compiled before `operation`.
    pub(crate) fn ready(&mut self, operation: &'static str) -> Result<()> {
        if self.compiled.is_none() {
            return Err(Error::NotCompiled { operation });
        }
        self.build()
    }

    pub(crate) fn check_x(&self, what: &str, x: ArrayView2<f32>) -> Result<()> {
        let input = self.input_dim().unwrap_or(0);
        check_width(what, x, input, "; the first layer's input_dim is the number of feature columns")?;
        check_finite(what, x)
    }

    pub(crate) fn check_xy(&self, what: &'static str, x: ArrayView2<f32>, y: ArrayView2<f32>) -> Result<()> {
        check_rows(what, x, y)?;
        self.check_x(&format!("{what}: x"), x)?;
        let compiled = self.compiled.as_ref().ok_or(Error::NotCompiled { operation: what })?;
        compiled.loss.validate_targets(&format!("{what}: y"), y, self.output_dim())?;
        check_finite(&format!("{what}: y"), y)
    }
}

/// Runs `x` through `layers`; the result borrows the last layer's output buffer.
/// `layers` is never empty: `build` refuses a model without layers.
pub(crate) fn forward_layers<'a>(
    layers: &'a mut [Box<dyn Layer>],
    x: ArrayView2<f32>,
    training: bool,
) -> ArrayView2<'a, f32> {
    let (first, rest) = layers.split_first_mut().expect("a built model has layers");
    let mut h = first.forward(x, training);
    for layer in rest.iter_mut() {
        h = layer.forward(h, training);
    }
    h
}

/// Runs `dout` back through `layers`, leaving each layer's parameter gradients in place.
pub(crate) fn backward_layers(layers: &mut [Box<dyn Layer>], dout: ArrayView2<f32>) {
    let Some((last, rest)) = layers.split_last_mut() else { return };
    let mut d = last.backward(dout);
    for layer in rest.iter_mut().rev() {
        d = layer.backward(d);
    }
    debug_assert_eq!(d.len(), 0, "the first layer skips the input gradient");
}

/// `Dense` -> `dense`, `BatchNormalization` -> `batch_normalization` (Keras's auto names).
fn snake_case(class: &str) -> String {
    let mut out = String::new();
    for (i, ch) in class.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}
