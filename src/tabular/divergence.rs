//! The workflow's guard against a diverging run: training stops at the first batch whose
//! loss is NaN or infinite (Keras's `TerminateOnNaN`), the network goes back to the weights
//! of the last epoch that ended with a finite loss (the initial weights if none did), and
//! the run says where it diverged and with which learning rate — so no saved model, test
//! metric or prediction ever holds a NaN that came from the learning rate, not the data.

use std::cell::RefCell;
use std::rc::Rc;

use ndarray::ArrayD;

use crate::callbacks::{Callback, TrainContext};
use crate::error::Result;
use crate::model::Logs;
use crate::model::weights::OptimizerSnapshot;

/// Where and how a run diverged.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Divergence {
    /// The epoch (1-based, as printed) whose batch first gave a non-finite loss.
    pub epoch: usize,
    /// That batch (1-based, as printed).
    pub batch: usize,
    /// The optimizer's learning rate then.
    pub learning_rate: f32,
    /// The epoch (1-based, counting any earlier run's) whose weights and optimizer state the
    /// model was set back to; 0, or the epochs of the run it continued, means the weights it
    /// started from.
    pub restored_epoch: usize,
}

impl std::fmt::Display for Divergence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "training diverged: the loss became NaN or infinite in epoch {}, batch {}, at learning rate {}",
            self.epoch, self.batch, self.learning_rate
        )
    }
}

/// The weights and the optimizer's state at one point of training.
pub(crate) struct State {
    pub(crate) weights: Vec<ArrayD<f32>>,
    pub(crate) optimizer: Option<OptimizerSnapshot>,
}

impl State {
    fn of(ctx: &TrainContext<'_>) -> State {
        State { weights: ctx.get_weights(), optimizer: ctx.network().optimizer_snapshot() }
    }
}

/// Watches the batch losses; see the module docs.
#[derive(Default)]
pub(crate) struct Watch {
    epoch: usize,
    /// The last epoch (1-based; 0 = before training) that ended finite, and its state.
    last_good: Option<(usize, State)>,
    found: Option<Divergence>,
}

impl Watch {
    /// A watch to hand to `fit` (one clone) and read afterwards (the other).
    pub(crate) fn shared() -> Rc<RefCell<Watch>> {
        Rc::new(RefCell::new(Watch::default()))
    }

    /// The divergence, if the run diverged, and the state to go back to.
    pub(crate) fn take(&mut self) -> Option<(Divergence, State)> {
        let mut found = self.found.take()?;
        let (epoch, state) = self.last_good.take()?;
        found.restored_epoch = epoch;
        Some((found, state))
    }
}

impl Callback for Watch {
    fn on_train_begin(&mut self, ctx: &mut TrainContext<'_>) -> Result<()> {
        self.last_good = Some((0, State::of(ctx)));
        Ok(())
    }

    fn on_epoch_begin(&mut self, _ctx: &mut TrainContext<'_>, epoch: usize) -> Result<()> {
        self.epoch = epoch;
        Ok(())
    }

    fn on_train_batch_end(&mut self, ctx: &mut TrainContext<'_>, batch: usize, logs: &Logs) -> Result<()> {
        if self.found.is_none() && logs.get("loss").is_some_and(|l| !l.is_finite()) {
            let learning_rate = ctx.learning_rate();
            self.found = Some(Divergence { epoch: self.epoch + 1, batch: batch + 1, learning_rate, restored_epoch: 0 });
            ctx.stop_training();
        }
        Ok(())
    }

    fn on_epoch_end(&mut self, ctx: &mut TrainContext<'_>, epoch: usize, logs: &mut Logs) -> Result<()> {
        // Only an epoch that ended finite (and had no NaN batch) is worth going back to.
        if self.found.is_none() && logs.get("loss").is_some_and(f32::is_finite) {
            self.last_good = Some((epoch + 1, State::of(ctx)));
        }
        Ok(())
    }

    fn wants_batch_logs(&self) -> bool {
        true
    }
}
