//! `ReduceLROnPlateau`: multiply the learning rate by `factor` when the monitored quantity
//! stops improving. Rules of Keras 3 (`keras/src/callbacks/reduce_lr_on_plateau.py`):
//! at each epoch end, `learning_rate` (before any change) is added to the logs; in cooldown
//! the counter drops and `wait` resets; an improvement (`current < best - min_delta`, or
//! `> best + min_delta` when maximising) resets `wait`; otherwise, outside cooldown,
//! `wait += 1` and at `wait >= patience` the rate becomes `max(lr · factor, min_lr)` if it is
//! above `min_lr`, then cooldown starts and `wait` resets.

use super::monitor::{Monitor, monitor_builders};
use super::{Callback, TrainContext};
use crate::error::{Error, Result};
use crate::model::Logs;
use crate::setters::setters;

/// Keras defaults: monitor `val_loss`, factor 0.1, patience 10, mode auto, min_delta 1e-4,
/// cooldown 0, min_lr 0.
#[derive(Debug, Clone)]
pub struct ReduceLROnPlateau {
    monitored: Monitor,
    factor: f64,
    patience: usize,
    min_delta: f64,
    cooldown: usize,
    min_lr: f32,
    verbose: bool,
    best: f64,
    wait: usize,
    cooldown_counter: usize,
}

impl Default for ReduceLROnPlateau {
    fn default() -> Self {
        ReduceLROnPlateau::new()
    }
}

impl ReduceLROnPlateau {
    /// Keras's defaults.
    pub fn new() -> Self {
        ReduceLROnPlateau {
            monitored: Monitor::new(),
            factor: 0.1,
            patience: 10,
            min_delta: 1e-4,
            cooldown: 0,
            min_lr: 0.0,
            verbose: false,
            best: f64::INFINITY,
            wait: 0,
            cooldown_counter: 0,
        }
    }

    setters! {
        /// Factor in (0, 1) applied to the learning rate (default 0.1).
        factor(factor: f64) => factor = factor;
        /// Epochs without improvement before reducing (default 10).
        patience(patience: usize) => patience = patience;
        /// Smallest change that counts as an improvement (default 1e-4).
        min_delta(min_delta: f64) => min_delta = min_delta;
        /// Epochs to wait after a reduction before watching again (default 0).
        cooldown(cooldown: usize) => cooldown = cooldown;
        /// Lower bound of the learning rate (default 0).
        min_lr(min_lr: f32) => min_lr = min_lr;
        /// Print a line at each reduction.
        verbose(verbose: bool) => verbose = verbose;
    }

    /// One epoch's decision: returns the new learning rate if it changes.
    pub(crate) fn update(&mut self, current: f64, lr: f32) -> Option<f32> {
        let in_cooldown = self.cooldown_counter > 0;
        if in_cooldown {
            self.cooldown_counter -= 1;
            self.wait = 0;
        }
        let improved = if self.monitored.higher_is_better() {
            current > self.best + self.min_delta
        } else {
            current < self.best - self.min_delta
        };
        if improved {
            self.best = current;
            self.wait = 0;
        } else if self.cooldown_counter == 0 {
            self.wait += 1;
            if self.wait >= self.patience && lr > self.min_lr {
                self.cooldown_counter = self.cooldown;
                self.wait = 0;
                // Keras multiplies in Python floats (f64), then stores an f32.
                return Some((lr as f64 * self.factor).max(self.min_lr as f64) as f32);
            }
        }
        None
    }
}

monitor_builders!(ReduceLROnPlateau);

impl Callback for ReduceLROnPlateau {
    fn on_train_begin(&mut self, ctx: &mut TrainContext<'_>) -> Result<()> {
        if !(self.factor > 0.0 && self.factor < 1.0) {
            return Err(Error::invalid("factor", self.factor, "of ReduceLROnPlateau must be in (0, 1)"));
        }
        self.monitored.resolve("ReduceLROnPlateau", ctx)?;
        self.best = self.monitored.worst();
        self.wait = 0;
        self.cooldown_counter = 0;
        Ok(())
    }

    fn on_epoch_end(&mut self, ctx: &mut TrainContext<'_>, epoch: usize, logs: &mut Logs) -> Result<()> {
        let lr = ctx.learning_rate();
        logs.set("learning_rate", lr);
        let Some(current) = self.monitored.current(logs) else { return Ok(()) };
        if let Some(new_lr) = self.update(current, lr) {
            ctx.set_learning_rate(new_lr)?;
            if self.verbose {
                println!("Epoch {}: ReduceLROnPlateau reducing learning rate to {new_lr}.", epoch + 1);
            }
        }
        Ok(())
    }
}
