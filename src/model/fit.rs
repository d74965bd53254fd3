//! `fit`: the training loop, Keras's semantics step by step.
//!
//! validate → split (last rows validate, before shuffling) → per epoch { shuffle → batches
//! → forward → loss → backward → optimizer step → running mean of the pre-update batch
//! losses; validation with the end-of-epoch weights } → `History`.

use ndarray::{Array2, ArrayD, ArrayView2, s};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::progress::Progress;
use super::sequential::{STREAM_SHUFFLE, backward_layers, forward_layers};
use super::validate::check_rows;
use super::{History, Logs, Sequential};
use crate::error::{Error, Result};
use crate::kernels::ComputeThreads;
use crate::layers::Buffer;
use crate::metrics::MetricTracker;

/// Settings of one `fit` call. Defaults are Keras's: 1 epoch, batch 32, shuffled, no
/// validation, progress bar.
///
/// ```
/// use kerust::model::FitConfig;
/// let config = FitConfig { epochs: 100, validation_split: 0.2, verbose: 0, ..Default::default() };
/// assert_eq!(config.batch_size, 32);
/// ```
#[derive(Debug, Clone)]
pub struct FitConfig {
    /// Passes over the training data (≥ 1).
    pub epochs: usize,
    /// Rows per optimizer step (≥ 1); the last, partial batch is kept.
    pub batch_size: usize,
    /// Reshuffle the training rows before every epoch.
    pub shuffle: bool,
    /// Fraction in `[0, 1)` of rows, taken from the END of `x`/`y` before shuffling, held
    /// out to compute `val_loss` (Keras: `split_at = floor(n (1 - s))`). 0 = none.
    pub validation_split: f64,
    /// Explicit validation data `(x_val, y_val)`; takes precedence over `validation_split`.
    pub validation_data: Option<(Array2<f32>, Array2<f32>)>,
    /// Seed of the shuffling; `None` uses the model's seed.
    pub seed: Option<u64>,
    /// 0 silent, 1 a progress bar per epoch, 2 one line per epoch.
    pub verbose: u8,
    /// Compute threads (≥ 1) for large matrix products (≥ 2²⁶ flop: a hand-off costs more
    /// than it saves below that, see BENCHMARKS.md); `None` = 1. Weights are bit-identical
    /// for a given thread count. During `fit` the calling thread runs with flush-to-zero /
    /// denormals-are-zero (subnormal floats become 0), restored when `fit` returns.
    pub threads: Option<usize>,
}

impl Default for FitConfig {
    fn default() -> Self {
        FitConfig {
            epochs: 1,
            batch_size: 32,
            shuffle: true,
            validation_split: 0.0,
            validation_data: None,
            seed: None,
            verbose: 1,
            threads: None,
        }
    }
}

impl FitConfig {
    fn validate(&self) -> Result<()> {
        if self.epochs == 0 {
            return Err(Error::invalid("epochs", 0, "must be at least 1"));
        }
        if self.batch_size == 0 {
            return Err(Error::invalid("batch_size", 0, "must be at least 1"));
        }
        let s = self.validation_split;
        if !(0.0..1.0).contains(&s) {
            return Err(Error::invalid(
                "validation_split",
                s,
                "must be in [0, 1): the fraction of rows held out for validation (0 for none)",
            ));
        }
        if self.threads == Some(0) {
            return Err(Error::invalid("threads", 0, "must be at least 1 (or None for 1)"));
        }
        if self.verbose > 2 {
            return Err(Error::invalid("verbose", self.verbose, "must be 0, 1 or 2"));
        }
        Ok(())
    }
}

impl Sequential {
    /// Trains the model on `x` (rows, input_dim) and `y` (rows, outputs) — for
    /// `sparse_categorical_crossentropy`, `y` is one column of class indices.
    ///
    /// Returns the per-epoch History: `loss`, each metric, then `val_loss` and `val_`
    /// metrics when validating. Calling `fit` again continues from the current weights and
    /// optimizer state, as in Keras.
    pub fn fit(&mut self, x: &Array2<f32>, y: &Array2<f32>, config: FitConfig) -> Result<History> {
        self.ready("fit")?;
        config.validate()?;
        self.check_xy("fit", x.view(), y.view())?;
        let n = x.nrows();
        let (train_rows, validation) = match &config.validation_data {
            Some((vx, vy)) => {
                check_rows("validation_data", vx.view(), vy.view())?;
                self.check_xy("validation_data", vx.view(), vy.view())?;
                (n, Some((vx.view(), vy.view())))
            }
            None if config.validation_split > 0.0 => {
                let split_at = (n as f64 * (1.0 - config.validation_split)).floor() as usize;
                if split_at == 0 || split_at == n {
                    return Err(Error::invalid(
                        "validation_split",
                        config.validation_split,
                        format!(
                            "leaves {} training and {} validation rows out of {n}; both sides need at least one row (use more data or another split)",
                            split_at,
                            n - split_at
                        ),
                    ));
                }
                (split_at, Some((x.slice(s![split_at.., ..]), y.slice(s![split_at.., ..]))))
            }
            None => (n, None),
        };
        let x_train = x.slice(s![..train_rows, ..]);
        let y_train = y.slice(s![..train_rows, ..]);

        let seed = config.seed.or(self.seed_used()).unwrap_or(0);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(STREAM_SHUFFLE);
        let mut order: Vec<usize> = (0..train_rows).collect();
        let (mut xb, mut yb) = (Buffer::default(), Buffer::default());
        let metrics = self.compiled.as_ref().map(|c| c.metrics.clone()).unwrap_or_default();
        let mut trackers: Vec<MetricTracker> = metrics.iter().map(|&(m, r)| MetricTracker::new(m, r)).collect();
        let steps = train_rows.div_ceil(config.batch_size);
        let mut progress = Progress::new(config.verbose, config.epochs, steps);
        let mut history = History::default();
        // Flush-to-zero for the loop and the pool for large products; both end on return.
        let _compute = ComputeThreads::new(config.threads.unwrap_or(1));

        for epoch in 0..config.epochs {
            progress.epoch_begin(epoch);
            if config.shuffle {
                order.shuffle(&mut rng);
            }
            trackers.iter_mut().for_each(MetricTracker::reset);
            let (mut loss_sum, mut seen) = (0.0f64, 0usize);
            for (step, rows) in order.chunks(config.batch_size).enumerate() {
                let (xs, ys) = if config.shuffle {
                    (gather(&mut xb, x_train, rows), gather(&mut yb, y_train, rows))
                } else {
                    let range = rows[0]..rows[0] + rows.len();
                    (x_train.slice(s![range.clone(), ..]), y_train.slice(s![range, ..]))
                };
                let batch_loss = self.train_step(xs, ys, &mut trackers);
                loss_sum += batch_loss as f64 * rows.len() as f64;
                seen += rows.len();
                if progress.shows_batches() {
                    progress.batch_end(step + 1, &running_logs(loss_sum, seen, &trackers));
                }
            }
            let mut logs = running_logs(loss_sum, seen, &trackers);
            if let Some((vx, vy)) = validation {
                for (k, v) in self.evaluate_unchecked(vx, vy, config.batch_size, "val_").iter() {
                    logs.set(k, v);
                }
            }
            progress.epoch_end(&logs);
            history.push(&logs);
        }
        Ok(history)
    }

    /// One optimizer step on a batch; returns the batch loss before the update.
    fn train_step(&mut self, x: ArrayView2<f32>, y: ArrayView2<f32>, trackers: &mut [MetricTracker]) -> f32 {
        let batch_loss = self.backprop(x, y, trackers);
        let Sequential { layers, compiled, .. } = self;
        let compiled = compiled.as_mut().expect("fit checks compile first");
        // Collected into one pre-sized Vec: `params_of`'s flat_map would grow it twice a step.
        let mut params = Vec::with_capacity(2 * layers.len());
        layers.iter_mut().for_each(|l| params.extend(l.params_mut()));
        compiled.optimizer.apply(&mut params);
        batch_loss
    }

    /// Forward, loss and backward on a batch, leaving the gradients in the layers.
    /// Returns the batch loss; `trackers` see the batch's predictions.
    fn backprop(&mut self, x: ArrayView2<f32>, y: ArrayView2<f32>, trackers: &mut [MetricTracker]) -> f32 {
        let Sequential { layers, compiled, dloss, .. } = self;
        let compiled = compiled.as_ref().expect("callers check compile first");
        let loss = compiled.loss;
        let out = forward_layers(layers, x, true); // (batch, outputs)
        let batch_loss = loss.compute(y, out);
        trackers.iter_mut().for_each(|t| t.update(y, out));
        let d = dloss.shape_mut(out.nrows(), out.ncols()); // (batch, outputs)
        if compiled.fused {
            loss.fused_gradient(y, out, d);
        } else {
            loss.gradient(y, out, d);
        }
        backward_layers(layers, dloss.view());
        batch_loss
    }

    /// The loss on `(x, y)` as one batch and its gradient with respect to every weight, in
    /// `get_weights` order, without changing the weights (Keras: `GradientTape` over
    /// `model(x, training=True)`).
    pub fn gradients(&mut self, x: &Array2<f32>, y: &Array2<f32>) -> Result<(f32, Vec<ArrayD<f32>>)> {
        self.ready("gradients")?;
        self.check_xy("gradients", x.view(), y.view())?;
        let loss = self.backprop(x.view(), y.view(), &mut []);
        let shapes: Vec<Vec<usize>> = self.get_weights().iter().map(|w| w.shape().to_vec()).collect();
        let grads = Sequential::params_of(&mut self.layers)
            .into_iter()
            .zip(shapes)
            // Each gradient has its weight's element count, so the shape always fits.
            .map(|(p, shape)| ArrayD::from_shape_vec(shape, p.grad.to_vec()).expect("gradient matches its weight"))
            .collect();
        Ok((loss, grads))
    }
}

/// Copies `rows` of `src` into `buf` and returns them as one matrix.
fn gather<'b>(buf: &'b mut Buffer, src: ArrayView2<f32>, rows: &[usize]) -> ArrayView2<'b, f32> {
    let mut dst = buf.shape_mut(rows.len(), src.ncols());
    for (mut d, &r) in dst.rows_mut().into_iter().zip(rows) {
        d.assign(&src.row(r));
    }
    buf.view()
}

/// The logs Keras shows during an epoch: running means over the batches so far.
fn running_logs(loss_sum: f64, seen: usize, trackers: &[MetricTracker]) -> Logs {
    let mut logs = Logs::default();
    logs.set("loss", (loss_sum / seen.max(1) as f64) as f32);
    for t in trackers {
        logs.set(t.name(), t.result());
    }
    logs
}
