//! `EarlyStopping`: stop when the monitored quantity stops improving.
//!
//! The rules are those of Keras 3 (`keras/src/callbacks/early_stopping.py`):
//! - `best` starts at ±inf when the direction is first resolved and is *not* reset by a later
//!   `fit` (Keras resets only `wait`, `stopped_epoch`, `best_weights`, `best_epoch`);
//! - at each epoch end from `start_from_epoch` on: the first time, the current weights are
//!   taken as the best; then `wait += 1`; an improvement (`current - min_delta < best` when
//!   minimising, `current + min_delta > best` when maximising) records `best`, `best_epoch`,
//!   the weights, and resets `wait` only if it also beats `baseline`;
//! - otherwise training stops when `wait >= patience` and `epoch > 0`;
//! - at the end of training the best weights are restored when `restore_best_weights`,
//!   whether or not training stopped early.

use ndarray::ArrayD;

use super::monitor::{Monitor, monitor_builders};
use super::{Callback, TrainContext};
use crate::error::Result;
use crate::model::Logs;
use crate::setters::setters;

/// Stops training when `monitor` has not improved for `patience` epochs.
/// Keras defaults: monitor `val_loss`, min_delta 0, patience 0, mode auto, no baseline,
/// restore_best_weights false, start_from_epoch 0.
#[derive(Debug, Clone)]
pub struct EarlyStopping {
    monitored: Monitor,
    min_delta: f64,
    patience: usize,
    baseline: Option<f64>,
    restore_best_weights: bool,
    start_from_epoch: usize,
    verbose: bool,
    // State.
    best: f64,
    wait: usize,
    stopped_epoch: usize,
    best_epoch: usize,
    best_weights: Option<Vec<ArrayD<f32>>>,
}

impl Default for EarlyStopping {
    fn default() -> Self {
        EarlyStopping::new()
    }
}

impl EarlyStopping {
    /// Keras's defaults (monitor `val_loss`, patience 0).
    pub fn new() -> Self {
        EarlyStopping {
            monitored: Monitor::new(),
            min_delta: 0.0,
            patience: 0,
            baseline: None,
            restore_best_weights: false,
            start_from_epoch: 0,
            verbose: false,
            best: f64::INFINITY,
            wait: 0,
            stopped_epoch: 0,
            best_epoch: 0,
            best_weights: None,
        }
    }

    setters! {
        /// Smallest change that counts as an improvement (its absolute value is used).
        min_delta(min_delta: f64) => min_delta = min_delta.abs();
        /// Epochs without improvement before stopping.
        patience(patience: usize) => patience = patience;
        /// A value the quantity must beat for `wait` to be reset.
        baseline(baseline: f64) => baseline = Some(baseline);
        /// Restore the weights of the best epoch when training ends.
        restore_best_weights(restore: bool) => restore_best_weights = restore;
        /// Epochs of warm-up during which the quantity is not watched.
        start_from_epoch(epoch: usize) => start_from_epoch = epoch;
        /// Print a line when stopping and when restoring weights.
        verbose(verbose: bool) => verbose = verbose;
    }

    /// The epoch (0-based) at which training was stopped, 0 if it was not.
    pub fn stopped_epoch(&self) -> usize {
        self.stopped_epoch
    }

    /// The epoch (0-based) with the best monitored value.
    pub fn best_epoch(&self) -> usize {
        self.best_epoch
    }

    /// The best monitored value seen.
    pub fn best(&self) -> f64 {
        self.best
    }

    fn is_improvement(&self, current: f64, reference: f64) -> bool {
        if self.monitored.higher_is_better() {
            current - self.min_delta > reference
        } else {
            current + self.min_delta < reference
        }
    }

    /// The decision for one epoch's monitored value; `weights` is called when they are
    /// worth keeping. Returns `true` when training should stop.
    pub(crate) fn update(&mut self, epoch: usize, current: f64, weights: impl FnOnce() -> Vec<ArrayD<f32>>) -> bool {
        if epoch < self.start_from_epoch {
            return false;
        }
        let mut weights = Some(weights);
        if self.restore_best_weights && self.best_weights.is_none() {
            self.best_weights = weights.take().map(|w| w());
            self.best_epoch = epoch;
        }
        self.wait += 1;
        if self.is_improvement(current, self.best) {
            self.best = current;
            self.best_epoch = epoch;
            if self.restore_best_weights
                && let Some(w) = weights.take()
            {
                self.best_weights = Some(w());
            }
            if self.baseline.is_none_or(|b| self.is_improvement(current, b)) {
                self.wait = 0;
            }
            return false;
        }
        if self.wait >= self.patience && epoch > 0 {
            self.stopped_epoch = epoch;
            return true;
        }
        false
    }
}

monitor_builders!(EarlyStopping);

impl Callback for EarlyStopping {
    fn on_train_begin(&mut self, ctx: &mut TrainContext<'_>) -> Result<()> {
        if self.monitored.resolve("EarlyStopping", ctx)? {
            self.best = self.monitored.worst();
        }
        self.wait = 0;
        self.stopped_epoch = 0;
        self.best_weights = None;
        self.best_epoch = 0;
        Ok(())
    }

    fn on_epoch_end(&mut self, ctx: &mut TrainContext<'_>, epoch: usize, logs: &mut Logs) -> Result<()> {
        let Some(current) = self.monitored.current(logs) else { return Ok(()) };
        if self.update(epoch, current, || ctx.get_weights()) {
            ctx.stop_training();
        }
        Ok(())
    }

    fn on_train_end(&mut self, ctx: &mut TrainContext<'_>, _logs: &Logs) -> Result<()> {
        if self.stopped_epoch > 0 && self.verbose {
            println!("Epoch {}: early stopping", self.stopped_epoch + 1);
        }
        if self.restore_best_weights
            && let Some(w) = &self.best_weights
        {
            if self.verbose {
                println!("Restoring model weights from the end of the best epoch: {}.", self.best_epoch + 1);
            }
            ctx.set_weights(w)?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "early_stopping_tests.rs"]
mod tests;
