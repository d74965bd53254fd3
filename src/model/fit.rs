//! `fit`: the training loop, Keras's semantics step by step.
//!
//! validate → split (last rows validate, before shuffling) → per epoch { shuffle → batches
//! → forward → loss → backward → optimizer step → running mean of the pre-update batch
//! losses; validation with the end-of-epoch weights } → `History`.

use ndarray::{Array2, ArrayView2, s};
use rand::seq::SliceRandom;

use super::parallel::{Rows, Workers, shards_for};
use super::progress::Progress;
use super::sample_weight::{gather_weights, row_weights};
use super::sequential::{STREAM_SHUFFLE, stream};
use super::step::Batch;
use super::validate::check_rows;
use super::{FitConfig, History, Logs, Sequential};
use crate::callbacks::{Callback, StopFlag, TrainContext};
use crate::error::{Error, Result};
use crate::kernels::ComputeThreads;
use crate::layers::Buffer;
use crate::metrics::MetricTracker;

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

        let mut rng = stream(config.seed.unwrap_or(self.seed_used()), STREAM_SHUFFLE);
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
        let mut trackers: Vec<MetricTracker> = metrics.iter().map(MetricTracker::new).collect();
        let steps = train_rows.div_ceil(config.batch_size);
        let mut progress = Progress::new(config.verbose, config.epochs, steps);
        let batch_logs_wanted = progress.shows_batches() || callbacks.iter().any(|c| c.wants_batch_logs());
        let log_keys = self.log_keys(validation.is_some());
        let mut history = History::default();
        let mut stop = false;
        let mut logs = Logs::default();
        // Batches split over threads when the work per step pays for it (`parallel`);
        // otherwise one thread, with a pool for the largest products if threads were asked.
        let shards = self.shards(&config, config.batch_size.min(train_rows));
        let data = Rows { x: x_train, y: y_train, weights: train_weights.as_ref().map(|w| w.view()) };
        // The worker threads borrow the training rows: they live in a scope that ends
        // with the loop (dropping `workers` ends them first, also on an early return).
        std::thread::scope(|scope| {
            let mut workers = if shards > 1 { Workers::start(scope, self, shards, data) } else { None };
            // Flush-to-zero for the loop and the pool for large products; both end on return.
            let _compute = ComputeThreads::new(if workers.is_some() { 1 } else { config.threads.unwrap_or(1) });

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
                    self.each_callback(&mut callbacks, &mut stop, &log_keys, |c, ctx| {
                        c.on_train_batch_begin(ctx, step)
                    })?;
                    let batch_loss = match workers.as_mut().filter(|w| rows.len() >= w.shards()) {
                        Some(w) => self.train_step_split(w, rows, &mut trackers),
                        None => {
                            let (xs, ys) = if config.shuffle {
                                (gather(&mut xb, x_train, rows), gather(&mut yb, y_train, rows))
                            } else {
                                let range = rows[0]..rows[0] + rows.len();
                                (x_train.slice(s![range.clone(), ..]), y_train.slice(s![range, ..]))
                            };
                            let ws = gather_weights(&mut wb, data.weights, rows);
                            self.train_step(Batch { x: xs, y: ys, weights: ws }, &mut trackers)
                        }
                    };
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
                self.each_callback(&mut callbacks, &mut stop, &log_keys, |c, ctx| {
                    c.on_epoch_end(ctx, epoch, &mut logs)
                })?;
                progress.epoch_end(&logs);
                history.push(epoch, &logs);
                if stop {
                    break;
                }
            }
            self.each_callback(&mut callbacks, &mut stop, &log_keys, |c, ctx| c.on_train_end(ctx, &logs))?;
            Ok(history)
        })
    }

    /// The number of threads a `fit` with `config` splits each batch over (1: the steps run
    /// on the calling thread), by [`FitConfig::threads`] and the rule of
    /// [`FitConfig::min_shard_work`].
    ///
    /// ```
    /// use kerust::prelude::*;
    /// let mut model = Sequential::new().seed(0);
    /// model.add(Dense::new(256).input_dim(32).activation(Activation::Relu));
    /// model.add(Dense::new(256).activation(Activation::Relu));
    /// model.add(Dense::new(1));
    /// let wide = FitConfig { batch_size: 256, threads: Some(2), ..Default::default() };
    /// assert_eq!(model.split_threads(&wide), 2);
    /// let small = FitConfig { batch_size: 4, threads: Some(2), ..Default::default() };
    /// assert_eq!(model.split_threads(&small), 1);
    /// ```
    pub fn split_threads(&self, config: &FitConfig) -> usize {
        self.shards(config, config.batch_size)
    }

    fn shards(&self, config: &FitConfig, batch_rows: usize) -> usize {
        let threads = config.threads.unwrap_or_else(default_threads);
        let trainable = self.layers.iter().map(|l| l.trainable_params()).sum();
        shards_for(threads, batch_rows, trainable, config.min_shard_work, &self.layers)
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
}

/// The threads of a `fit` that sets none ([`FitConfig::threads`]): every core this process
/// may use.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
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
