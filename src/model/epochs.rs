//! The bookkeeping of a training loop that every way of feeding rows shares (all rows in
//! memory, or chunks read from a file): callbacks, the running batch losses and metrics,
//! the progress output, the stop flag and the History.

use ndarray::{ArrayView2, s};

use super::parallel::{Exchange, RankBuffers, Rows, Workers};
use super::progress::Progress;
use super::sample_weight::gather_weights;
use super::step::Batch;
use super::{FitConfig, History, Logs, Sequential};
use crate::callbacks::{Callback, StopFlag, TrainContext};
use crate::error::Result;
use crate::layers::Buffer;
use crate::metrics::MetricTracker;

/// One `fit` in progress: what survives from batch to batch and epoch to epoch.
pub(super) struct EpochRun {
    callbacks: Vec<Box<dyn Callback>>,
    stop: bool,
    stop_flag: Option<StopFlag>,
    log_keys: Vec<String>,
    trackers: Vec<MetricTracker>,
    progress: Progress,
    batch_logs_wanted: bool,
    batch_size: usize,
    /// This epoch's running sums.
    loss_sum: f64,
    seen: usize,
    step: usize,
    pub(super) history: History,
    logs: Logs,
    /// The processes each batch is split across, if any, and their step's buffers.
    ranks: Option<(std::rc::Rc<dyn Exchange>, RankBuffers)>,
    /// Gather buffers for shuffled rows.
    xb: Buffer,
    yb: Buffer,
    wb: Vec<f32>,
}

impl EpochRun {
    /// A run of `config` (its callbacks taken out before, as `callbacks`); `steps` is the
    /// batches per epoch.
    pub(super) fn new(
        model: &Sequential,
        config: &FitConfig,
        callbacks: Vec<Box<dyn Callback>>,
        steps: usize,
        validation: bool,
    ) -> Self {
        let progress = Progress::new(config.verbose, config.epochs, steps);
        let batch_logs_wanted = progress.shows_batches() || callbacks.iter().any(|c| c.wants_batch_logs());
        let metrics = model.compiled.as_ref().map(|c| c.metrics.as_slice()).unwrap_or_default();
        EpochRun {
            callbacks,
            stop: false,
            stop_flag: config.stop_flag.clone(),
            log_keys: log_keys(model, validation),
            trackers: metrics.iter().map(MetricTracker::new).collect(),
            progress,
            batch_logs_wanted,
            batch_size: config.batch_size,
            loss_sum: 0.0,
            seen: 0,
            step: 0,
            history: History::default(),
            logs: Logs::default(),
            ranks: config.ranks.clone().filter(|r| r.size() > 1).map(|r| (r, RankBuffers::default())),
            xb: Buffer::default(),
            yb: Buffer::default(),
            wb: Vec::new(),
        }
    }

    /// Whether a callback, the stop flag or a `NaN` watch asked to stop.
    pub(super) fn stopped(&self) -> bool {
        self.stop
    }

    pub(super) fn train_begin(&mut self, model: &mut Sequential) -> Result<()> {
        self.call(model, |c, ctx| c.on_train_begin(ctx))
    }

    /// Starts epoch `epoch`: callbacks, progress, fresh running sums.
    pub(super) fn epoch_begin(&mut self, model: &mut Sequential, epoch: usize) -> Result<()> {
        self.progress.epoch_begin(epoch);
        self.call(model, |c, ctx| c.on_epoch_begin(ctx, epoch))?;
        self.trackers.iter_mut().for_each(MetricTracker::reset);
        (self.loss_sum, self.seen, self.step) = (0.0, 0, 0);
        Ok(())
    }

    /// Trains on `data` in batches of the rows `order` lists (in that order: gathered when
    /// `gather`, else `order` is a run of consecutive rows sliced as they are), split over
    /// `workers` when there are any. Returns early when asked to stop.
    pub(super) fn batches(
        &mut self,
        model: &mut Sequential,
        mut workers: Option<&mut Workers<'_, '_>>,
        data: Rows<'_>,
        order: &[usize],
        gather: bool,
    ) -> Result<()> {
        for rows in order.chunks(self.batch_size) {
            let step = self.step;
            self.call(model, |c, ctx| c.on_train_batch_begin(ctx, step))?;
            let batch_loss = match workers.as_deref_mut().filter(|w| rows.len() >= w.shards()) {
                _ if self.ranks.is_some() => {
                    let (ranks, buffers) = self.ranks.as_mut().expect("checked just above");
                    model.train_step_ranks(ranks.as_ref(), buffers, (data.x, data.y), rows, &mut self.trackers)?
                }
                Some(w) => model.train_step_split(w, rows, &mut self.trackers),
                None => {
                    let (xs, ys) = if gather {
                        (gather_rows(&mut self.xb, data.x, rows), gather_rows(&mut self.yb, data.y, rows))
                    } else {
                        let range = rows[0]..rows[0] + rows.len();
                        (data.x.slice(s![range.clone(), ..]), data.y.slice(s![range, ..]))
                    };
                    let ws = gather_weights(&mut self.wb, data.weights, rows);
                    model.train_step(Batch { x: xs, y: ys, weights: ws }, &mut self.trackers)
                }
            };
            self.loss_sum += batch_loss as f64 * rows.len() as f64;
            self.seen += rows.len();
            self.step += 1;
            if self.batch_logs_wanted {
                let running = running_logs(self.loss_sum, self.seen, &self.trackers);
                if self.progress.shows_batches() {
                    self.progress.batch_end(step + 1, &running);
                }
                self.call(model, |c, ctx| c.on_train_batch_end(ctx, step, &running))?;
            }
            if self.stop_flag.as_ref().is_some_and(StopFlag::is_requested) {
                self.stop = true;
                self.history.set_interrupted();
            }
            if self.stop {
                break;
            }
        }
        Ok(())
    }

    /// The epoch's training logs: the running means over its batches.
    pub(super) fn train_logs(&self) -> Logs {
        running_logs(self.loss_sum, self.seen, &self.trackers)
    }

    /// Ends epoch `epoch` with `logs` (training and validation): callbacks, progress,
    /// History. Returns whether training stops here.
    pub(super) fn epoch_end(&mut self, model: &mut Sequential, epoch: usize, mut logs: Logs) -> Result<bool> {
        self.call(model, |c, ctx| c.on_epoch_end(ctx, epoch, &mut logs))?;
        self.progress.epoch_end(&logs);
        self.history.push(epoch, &logs);
        self.logs = logs;
        Ok(self.stop)
    }

    /// Ends training: the callbacks' `on_train_end`, and the History.
    pub(super) fn train_end(mut self, model: &mut Sequential) -> Result<History> {
        let logs = std::mem::take(&mut self.logs);
        self.call(model, |c, ctx| c.on_train_end(ctx, &logs))?;
        Ok(self.history)
    }

    /// Calls `hook` on every callback with a context over `model`.
    fn call(
        &mut self,
        model: &mut Sequential,
        mut hook: impl FnMut(&mut dyn Callback, &mut TrainContext<'_>) -> Result<()>,
    ) -> Result<()> {
        if self.callbacks.is_empty() {
            return Ok(());
        }
        let mut ctx = TrainContext { model, stop: &mut self.stop, log_keys: &self.log_keys };
        self.callbacks.iter_mut().try_for_each(|c| hook(c.as_mut(), &mut ctx))
    }
}

/// The keys of the epoch logs: `loss`, the metrics, then the same with `val_`.
fn log_keys(model: &Sequential, validation: bool) -> Vec<String> {
    let names: Vec<String> =
        std::iter::once("loss").chain(model.metrics().iter().map(|m| m.name())).map(str::to_string).collect();
    let val = names.iter().map(|k| format!("val_{k}"));
    if validation { names.iter().cloned().chain(val).collect() } else { names }
}

/// Copies `rows` of `src` into `buf` and returns them as one matrix.
fn gather_rows<'b>(buf: &'b mut Buffer, src: ArrayView2<f32>, rows: &[usize]) -> ArrayView2<'b, f32> {
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

/// Makes `order` a fresh permutation of its positions: each epoch's order depends on the
/// random stream alone, not on the orders before it (so a file read a chunk at a time
/// shuffles each chunk as the same rows held in memory are shuffled).
pub(super) fn shuffle_fresh(order: &mut [usize], rng: &mut rand_chacha::ChaCha8Rng) {
    use rand::seq::SliceRandom;
    order.iter_mut().enumerate().for_each(|(i, o)| *o = i);
    order.shuffle(rng);
}
