//! `fit`: the training loop, Keras's semantics step by step.
//!
//! validate → split (last rows validate, before shuffling) → per epoch { shuffle → batches
//! → forward → loss → backward → optimizer step → running mean of the pre-update batch
//! losses; validation with the end-of-epoch weights } → `History`.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, s};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::progress::Progress;
use super::regularization::{add_penalty_gradients, apply_constraints, penalty};
use super::sample_weight::{ClassWeight, batch_loss, gather_weights, row_weights, scale_rows};
use super::sequential::{STREAM_SHUFFLE, backward_layers, forward_layers};
use super::validate::check_rows;
use super::{History, Logs, Sequential};
use crate::callbacks::{Callback, StopFlag, TrainContext};
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
    /// Epoch to start from (to resume a run; History counts epochs from here). The rows are
    /// shuffled as epoch `initial_epoch` of an uninterrupted run would shuffle them, so a
    /// model saved after epoch k and continued from k trains as if never stopped (Dropout
    /// masks aside: their generator starts afresh).
    pub initial_epoch: usize,
    /// Hooks called during training, in order, before History and the progress output.
    pub callbacks: Vec<Box<dyn Callback>>,
    /// A flag that stops training after the current batch when set (e.g. `StopFlag::ctrl_c()`).
    pub stop_flag: Option<StopFlag>,
    /// Weights per class of the training rows (Keras's `class_weight`; validation rows are
    /// not weighted). Exclusive with `sample_weight`.
    pub class_weight: Option<ClassWeight>,
    /// One weight ≥ 0 per row of `x` (Keras's `sample_weight`): the batch loss becomes
    /// `Σ loss_i w_i / rows` (metrics stay unweighted, as Keras's `metrics`). With
    /// `validation_split`, the last rows' weights weigh `val_loss`.
    pub sample_weight: Option<Array1<f32>>,
    /// Compute threads (≥ 1) for large matrix products (≥ 2²⁶ flop: a hand-off costs more
    /// than it saves below that, see BENCHMARKS.md); `None` = 1. Weights are bit-identical
    /// for a given thread count. During `fit` the calling thread runs with flush-to-zero /
    /// denormals-are-zero (subnormal floats become 0), restored when `fit` returns.
    pub threads: Option<usize>,
}

impl std::fmt::Debug for FitConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FitConfig")
            .field("epochs", &self.epochs)
            .field("batch_size", &self.batch_size)
            .field("shuffle", &self.shuffle)
            .field("validation_split", &self.validation_split)
            .field("validation_data", &self.validation_data.as_ref().map(|(x, y)| (x.dim(), y.dim())))
            .field("seed", &self.seed)
            .field("verbose", &self.verbose)
            .field("initial_epoch", &self.initial_epoch)
            .field("callbacks", &self.callbacks.len())
            .field("stop_flag", &self.stop_flag.is_some())
            .field("class_weight", &self.class_weight)
            .field("sample_weight", &self.sample_weight.as_ref().map(Array1::len))
            .field("threads", &self.threads)
            .finish()
    }
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
            initial_epoch: 0,
            callbacks: Vec::new(),
            stop_flag: None,
            class_weight: None,
            sample_weight: None,
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
        if self.initial_epoch >= self.epochs {
            return Err(Error::invalid(
                "initial_epoch",
                self.initial_epoch,
                format!(
                    "must be less than epochs ({}): epochs is the index of the last epoch to run, not a count of new ones",
                    self.epochs
                ),
            ));
        }
        if self.threads == Some(0) {
            return Err(Error::invalid("threads", 0, "must be at least 1 (or None for 1)"));
        }
        if self.verbose > 2 {
            return Err(Error::invalid("verbose", self.verbose, "must be 0, 1 or 2"));
        }
        if self.class_weight.is_some() && self.sample_weight.is_some() {
            return Err(Error::invalid(
                "class_weight",
                "with sample_weight",
                "cannot be given together with sample_weight (Keras's rule); fold the class weights into sample_weight",
            ));
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
    pub fn fit(&mut self, x: &Array2<f32>, y: &Array2<f32>, mut config: FitConfig) -> Result<History> {
        self.ready("fit")?;
        config.validate()?;
        let mut callbacks = std::mem::take(&mut config.callbacks);
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
        let (train_weights, val_weights) = row_weights(&config, y_train, n, config.validation_data.is_none())?;

        let seed = config.seed.or(self.seed_used()).unwrap_or(0);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(STREAM_SHUFFLE);
        let mut order: Vec<usize> = (0..train_rows).collect();
        if config.shuffle {
            // Epoch e's order depends on the seed and e alone: a run resumed at
            // `initial_epoch` shuffles as the uninterrupted run would have.
            for _ in 0..config.initial_epoch {
                order.shuffle(&mut rng);
            }
        }
        let (mut xb, mut yb, mut wb) = (Buffer::default(), Buffer::default(), Vec::new());
        let metrics = self.compiled.as_ref().map(|c| c.metrics.clone()).unwrap_or_default();
        let mut trackers: Vec<MetricTracker> = metrics.iter().map(|&(m, r)| MetricTracker::new(m, r)).collect();
        let steps = train_rows.div_ceil(config.batch_size);
        let mut progress = Progress::new(config.verbose, config.epochs, steps);
        let batch_logs_wanted = progress.shows_batches() || callbacks.iter().any(|c| c.wants_batch_logs());
        let log_keys = self.log_keys(validation.is_some());
        let mut history = History::default();
        let mut stop = false;
        let mut logs = Logs::default();
        // Flush-to-zero for the loop and the pool for large products; both end on return.
        let _compute = ComputeThreads::new(config.threads.unwrap_or(1));

        self.each_callback(&mut callbacks, &mut stop, &log_keys, |c, ctx| c.on_train_begin(ctx))?;
        for epoch in config.initial_epoch..config.epochs {
            progress.epoch_begin(epoch);
            self.each_callback(&mut callbacks, &mut stop, &log_keys, |c, ctx| c.on_epoch_begin(ctx, epoch))?;
            if config.shuffle {
                order.shuffle(&mut rng);
            }
            trackers.iter_mut().for_each(MetricTracker::reset);
            let (mut loss_sum, mut seen) = (0.0f64, 0usize);
            for (step, rows) in order.chunks(config.batch_size).enumerate() {
                self.each_callback(&mut callbacks, &mut stop, &log_keys, |c, ctx| c.on_train_batch_begin(ctx, step))?;
                let (xs, ys) = if config.shuffle {
                    (gather(&mut xb, x_train, rows), gather(&mut yb, y_train, rows))
                } else {
                    let range = rows[0]..rows[0] + rows.len();
                    (x_train.slice(s![range.clone(), ..]), y_train.slice(s![range, ..]))
                };
                let ws = gather_weights(&mut wb, train_weights.as_ref().map(|w| w.view()), rows);
                let batch_loss = self.train_step(xs, ys, ws, &mut trackers);
                loss_sum += batch_loss as f64 * rows.len() as f64;
                seen += rows.len();
                if batch_logs_wanted {
                    let running = running_logs(loss_sum, seen, &trackers);
                    if progress.shows_batches() {
                        progress.batch_end(step + 1, &running);
                    }
                    self.each_callback(&mut callbacks, &mut stop, &log_keys, |c, ctx| {
                        c.on_train_batch_end(ctx, step, &running)
                    })?;
                }
                if config.stop_flag.as_ref().is_some_and(StopFlag::is_requested) {
                    stop = true;
                    history.set_interrupted();
                }
                if stop {
                    break;
                }
            }
            logs = running_logs(loss_sum, seen, &trackers);
            if let Some((vx, vy)) = validation {
                for (k, v) in self.evaluate_unchecked(vx, vy, val_weights, config.batch_size, "val_").iter() {
                    logs.set(k, v);
                }
            }
            self.each_callback(&mut callbacks, &mut stop, &log_keys, |c, ctx| c.on_epoch_end(ctx, epoch, &mut logs))?;
            progress.epoch_end(&logs);
            history.push(epoch, &logs);
            if stop {
                break;
            }
        }
        self.each_callback(&mut callbacks, &mut stop, &log_keys, |c, ctx| c.on_train_end(ctx, &logs))?;
        Ok(history)
    }

    /// Calls `hook` on every callback with a context over this model.
    fn each_callback(
        &mut self,
        callbacks: &mut [Box<dyn Callback>],
        stop: &mut bool,
        log_keys: &[String],
        mut hook: impl FnMut(&mut dyn Callback, &mut TrainContext<'_>) -> Result<()>,
    ) -> Result<()> {
        if callbacks.is_empty() {
            return Ok(());
        }
        let mut ctx = TrainContext { model: self, stop, log_keys };
        callbacks.iter_mut().try_for_each(|c| hook(c.as_mut(), &mut ctx))
    }

    /// The keys of the epoch logs: `loss`, the metrics, then the same with `val_`.
    fn log_keys(&self, validation: bool) -> Vec<String> {
        let names: Vec<String> =
            std::iter::once("loss").chain(self.metrics().iter().map(|m| m.name())).map(str::to_string).collect();
        let val = names.iter().map(|k| format!("val_{k}"));
        if validation { names.iter().cloned().chain(val).collect() } else { names }
    }

    /// One optimizer step on a batch (then the weight constraints); returns the batch loss
    /// before the update. `w`: the rows' loss weights, if any.
    fn train_step(
        &mut self,
        x: ArrayView2<f32>,
        y: ArrayView2<f32>,
        w: Option<ArrayView1<f32>>,
        trackers: &mut [MetricTracker],
    ) -> f32 {
        let batch_loss = self.backprop(x, y, w, trackers);
        let Sequential { layers, compiled, .. } = self;
        let compiled = compiled.as_mut().expect("fit checks compile first");
        // Collected into one pre-sized Vec: a flat_map collect would grow it twice a step.
        let mut params = Vec::with_capacity(2 * layers.len());
        layers.iter_mut().for_each(|l| params.extend(l.params_mut()));
        compiled.optimizer.apply(&mut params);
        apply_constraints(layers);
        batch_loss
    }

    /// Forward, loss and backward on a batch, leaving the gradients in the layers.
    /// Returns the batch loss (with the regularization penalties, as Keras); `trackers` see
    /// the batch's predictions. `w`: the rows' loss weights, if any.
    pub(super) fn backprop(
        &mut self,
        x: ArrayView2<f32>,
        y: ArrayView2<f32>,
        w: Option<ArrayView1<f32>>,
        trackers: &mut [MetricTracker],
    ) -> f32 {
        let Sequential { layers, compiled, dloss, .. } = self;
        let compiled = compiled.as_ref().expect("callers check compile first");
        let loss = compiled.loss;
        let out = forward_layers(layers, x, true); // (batch, outputs)
        let data_loss = batch_loss(&loss, y, out, w);
        trackers.iter_mut().for_each(|t| t.update(y, out));
        let mut d = dloss.shape_mut(out.nrows(), out.ncols()); // (batch, outputs)
        if compiled.fused {
            loss.fused_gradient(y, out, d.view_mut());
        } else {
            loss.gradient(y, out, d.view_mut());
        }
        scale_rows(d, w);
        let total = data_loss + penalty(layers);
        backward_layers(layers, dloss.view());
        add_penalty_gradients(layers);
        total
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
