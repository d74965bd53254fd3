//! What a callback may see and change while the model trains: what Keras callbacks use
//! (stop training, the learning rate, the weights, the logs' keys), never the model itself,
//! so a callback cannot change the architecture or the compile settings under `fit`.
//!
//! ```compile_fail
//! use kerust::prelude::*;
//! use kerust::callbacks::TrainContext;
//! /// Tries to grow the model during training: there is no way to reach it.
//! struct Grow;
//! impl Callback for Grow {
//!     fn on_epoch_end(&mut self, ctx: &mut TrainContext<'_>, _: usize, _: &mut Logs) -> kerust::Result<()> {
//!         ctx.model().add(Dense::new(1));
//!         Ok(())
//!     }
//! }
//! ```

use ndarray::ArrayD;

use crate::error::Result;
use crate::model::Sequential;
use crate::optimizers::check_learning_rate;

/// The training state handed to every callback hook.
pub struct TrainContext<'a> {
    pub(crate) model: &'a mut Sequential,
    pub(crate) stop: &'a mut bool,
    pub(crate) log_keys: &'a [String],
}

impl TrainContext<'_> {
    /// Asks `fit` to stop after the current batch (Keras: `model.stop_training = True`).
    pub fn stop_training(&mut self) {
        *self.stop = true;
    }

    /// Whether a stop has been asked for.
    pub fn stop_requested(&self) -> bool {
        *self.stop
    }

    /// The optimizer's learning rate.
    pub fn learning_rate(&self) -> f32 {
        self.model.learning_rate().unwrap_or(0.0)
    }

    /// Sets the optimizer's learning rate (takes effect from the next step). Errors, and
    /// `fit` stops with that error, on a negative or non-finite rate.
    pub fn set_learning_rate(&mut self, learning_rate: f32) -> Result<()> {
        check_learning_rate(learning_rate)?;
        self.model.set_learning_rate(learning_rate);
        Ok(())
    }

    /// Optimizer steps taken so far (Keras `optimizer.iterations`).
    pub fn iterations(&self) -> u64 {
        self.model.iterations()
    }

    /// A copy of the weights (Keras order).
    pub fn get_weights(&self) -> Vec<ArrayD<f32>> {
        self.model.get_weights()
    }

    /// Replaces the weights; errors (changing nothing) on a wrong count, shape or a
    /// non-finite value, as [`Sequential::set_weights`].
    pub fn set_weights(&mut self, weights: &[ArrayD<f32>]) -> Result<()> {
        self.model.set_weights(weights)
    }

    /// The model, read-only, for the crate's own checkpoints (which save it whole).
    pub(crate) fn network(&self) -> &Sequential {
        self.model
    }

    /// The keys the epoch logs will have (`loss`, metrics, then `val_*`), for checking a
    /// `monitor` before training starts.
    pub fn log_keys(&self) -> &[String] {
        self.log_keys
    }

    /// Whether larger values of `key` are better (`accuracy`, `r2_score`), or `None` if the
    /// key is not one the model logs.
    pub fn higher_is_better(&self, key: &str) -> Option<bool> {
        let name = key.strip_prefix("val_").unwrap_or(key);
        if name == "loss" {
            return Some(false);
        }
        self.model.metrics().into_iter().find(|m| m.name() == name).map(|m| m.higher_is_better())
    }
}
